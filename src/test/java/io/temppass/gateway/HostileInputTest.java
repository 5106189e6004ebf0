package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits against hostile clients: each rejection an Enhanced Error with the right status, slow
 * clients cut off.
 */
@ExtendWith(VertxExtension.class)
class HostileInputTest {
  Gateway gateway;
  Api api;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config
        .getJsonObject("server")
        .put("requestHeaderTimeout", HEADER_TIMEOUT_MILLIS + "ms")
        .put("requestTimeout", REQUEST_TIMEOUT_MILLIS + "ms");
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  gateway = g;
                  api = new Api(vertx, g.port());
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    api.close();
    gateway.stop().onComplete(ctx.succeedingThenComplete());
  }

  private void expectError(
      VertxTestContext ctx,
      io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>> f,
      int status,
      String code) {
    f.onComplete(
        ctx.succeeding(
            res ->
                ctx.verify(
                    () -> {
                      assertEquals(status, res.statusCode(), res.bodyAsString());
                      assertTrue(res.getHeader("Content-Type").startsWith("application/json"));
                      assertEquals(code, res.bodyAsJsonObject().getString("code"));
                      assertEquals(
                          res.getHeader("X-Request-Id"), res.bodyAsJsonObject().getString("trace"));
                      ctx.completeNow();
                    })));
  }

  @Test
  void headers_over_16_kib_get_431(VertxTestContext ctx) {
    expectError(
        ctx,
        api.decisions("apasstest1", "TempPass_TEST40", "d")
            .putHeader("X-Padding", "p".repeat(20_000))
            .sendJsonObject(Api.body("REF30")),
        431,
        "request_header_fields_too_large");
  }

  @Test
  void request_line_over_8_kib_gets_414(VertxTestContext ctx) {
    expectError(
        ctx,
        api.get("/api/v2/" + "a".repeat(9_000) + "/configuration"),
        414,
        "request_uri_too_long");
  }

  @Test
  void json_nested_deeper_than_allowed_gets_400(VertxTestContext ctx) {
    String deep = "[".repeat(100) + "]".repeat(100);
    expectError(
        ctx,
        api.decisions("apasstest1", "TempPass_TEST40", "d")
            .sendBuffer(Buffer.buffer("{\"x\":" + deep + ",\"resources\":[\"REF30\"]}")),
        400,
        "invalid_parameter_resources");
  }

  /**
   * A lone surrogate escape used to be permitted, signed as "?x" and share a Redis slot with "?x".
   * Breakage caught: without {@code RequestRules.wellFormedUtf16} this is a 200.
   */
  @Test
  void a_resource_with_a_lone_surrogate_gets_400(VertxTestContext ctx) {
    expectError(
        ctx,
        api.decisions("apasstest1", "TempPass_TEST40", "d")
            .sendBuffer(Buffer.buffer("{\"resources\":[\"\\ud800x\"]}")),
        400,
        "invalid_parameter_resources");
  }

  /**
   * Overlong UTF-8 ({@code C0 AE C0 AE C0 AF}) used to decode to "../". Breakage caught: without
   * {@code RequestRules.wellFormedUtf8} this is a 200.
   */
  @Test
  void a_resource_in_overlong_utf8_gets_400(VertxTestContext ctx) {
    Buffer body =
        Buffer.buffer("{\"resources\":[\"a")
            .appendBytes(
                new byte[] {
                  (byte) 0xC0, (byte) 0xAE, (byte) 0xC0, (byte) 0xAE, (byte) 0xC0, (byte) 0xAF
                })
            .appendString("\"]}");
    expectError(
        ctx,
        api.decisions("apasstest1", "TempPass_TEST40", "d").sendBuffer(body),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void an_oversized_access_token_gets_401(VertxTestContext ctx) {
    expectError(
        ctx,
        api.decisions("apasstest1", "TempPass_TEST40", "d")
            .putHeader("Authorization", "Bearer " + "e".repeat(15_000) + ".x.y")
            .sendJsonObject(Api.body("REF30")),
        401,
        "invalid_access_token_client_application");
  }

  /** server.requestHeaderTimeout and server.requestTimeout of this test's gateway. */
  static final long HEADER_TIMEOUT_MILLIS = 1_000;

  static final long REQUEST_TIMEOUT_MILLIS = 1_500;

  /**
   * Slack above a timeout for a loaded machine; the close must still come long before the 60 s idle
   * timeout.
   */
  static final long UPPER_SLACK_MILLIS = 2_000;

  /**
   * Writes one byte every 100 ms (enough to defeat an idle timeout, not a header deadline) until
   * the server closes the connection; returns the milliseconds from {@code startNanos}, or -1 after
   * 8 s.
   */
  static long trickleUntilClosed(Socket socket, long startNanos) throws java.io.IOException {
    socket.setSoTimeout(100);
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    while ((System.nanoTime() - startNanos) / 1_000_000 < 8_000) {
      try {
        out.write('X');
        out.flush();
        while (in.read() != -1) {
          // drain whatever the server answers (a 408) until it closes
        }
        return (System.nanoTime() - startNanos) / 1_000_000;
      } catch (java.net.SocketTimeoutException stillOpen) {
        // nothing to read yet: keep trickling
      } catch (java.io.IOException closed) {
        return (System.nanoTime() - startNanos) / 1_000_000;
      }
    }
    return -1;
  }

  /** Completes {@code ctx} once the connection closed around {@code timeout}, else fails it. */
  static Handler<AsyncResult<Long>> closedAround(VertxTestContext ctx, long timeout) {
    return ctx.succeeding(
        millis ->
            ctx.verify(
                () -> {
                  assertClosedAround(millis, timeout);
                  ctx.completeNow();
                }));
  }

  static void assertClosedAround(long millis, long timeout) {
    assertTrue(millis >= 0, "connection was never closed");
    assertTrue(
        millis >= timeout, "closed after " + millis + " ms, before the " + timeout + " ms timeout");
    assertTrue(
        millis <= timeout + UPPER_SLACK_MILLIS,
        "closed only after " + millis + " ms (timeout " + timeout + " ms)");
  }

  /**
   * A client that never finishes its first request's headers is disconnected at
   * server.requestHeaderTimeout: not before (the clock starts when the connection opens, after this
   * test's clock), and not long after. Breakage caught: with the header deadline removed from
   * {@code StrictRequestDecoder.armDeadline} the connection stays open and the test fails at 8 s.
   */
  @Test
  void a_client_sending_headers_slowly_is_cut_off_at_the_header_timeout(
      Vertx vertx, VertxTestContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              long start = System.nanoTime();
              try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                socket
                    .getOutputStream()
                    .write(
                        "POST /api/v2/apasstest1/decisions/authorize/TempPass_TEST40 HTTP/1.1\r\nHost: x\r\nX-Slow: "
                            .getBytes(StandardCharsets.US_ASCII));
                return trickleUntilClosed(socket, start);
              }
            })
        .onComplete(closedAround(ctx, HEADER_TIMEOUT_MILLIS));
  }

  /**
   * The header deadline applies to every request on a kept-alive connection, not only the first:
   * after one complete exchange, a second request trickled byte by byte is cut off at
   * server.requestHeaderTimeout from its first byte. Breakage caught: a deadline armed only when
   * the connection opens (the gateway's former behaviour) leaves this connection open past 8 s.
   */
  @Test
  void a_second_request_sending_headers_slowly_is_cut_off_at_the_header_timeout(
      Vertx vertx, VertxTestContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                socket
                    .getOutputStream()
                    .write(
                        "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(5_000);
                String first = readResponse(socket.getInputStream());
                if (!first.startsWith("HTTP/1.1 200"))
                  throw new AssertionError("first request: " + first);
                // Idle between requests for longer than the header timeout: only the trickle must
                // be cut off.
                Thread.sleep(HEADER_TIMEOUT_MILLIS + 200);
                long start = System.nanoTime();
                socket
                    .getOutputStream()
                    .write(
                        "GET /health/live HTTP/1.1\r\nX-Slow: "
                            .getBytes(StandardCharsets.US_ASCII));
                return trickleUntilClosed(socket, start);
              }
            })
        .onComplete(closedAround(ctx, HEADER_TIMEOUT_MILLIS));
  }

  /**
   * After a 408 the connection is closed, even while the client keeps trickling the body: at
   * server.requestTimeout from the end of the headers, not before and not long after. Breakage
   * caught: with the 408 error handler back to {@code errors.fail} (a {@code Connection: close}
   * header only) the socket stays open and the test fails at 8 s.
   */
  @Test
  void the_connection_is_closed_after_a_408(Vertx vertx, VertxTestContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                String head =
                    "POST /api/v2/apasstest1/decisions/authorize/TempPass_TEST40 HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: "
                        + AccessTokens.bearer()
                        + "\r\nContent-Type: application/json\r\n"
                        + "AP-Device-Identifier: "
                        + Api.fingerprint("slow-body-2")
                        + "\r\nContent-Length: 10000\r\n\r\n{\"resources\":";
                long start = System.nanoTime();
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                return trickleUntilClosed(socket, start);
              }
            })
        .onComplete(closedAround(ctx, REQUEST_TIMEOUT_MILLIS));
  }

  /** One response whose body length is given by Content-Length. */
  static String readResponse(InputStream in) throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    int headerEnd = -1;
    int length = 0;
    while (headerEnd < 0 || text.length() < headerEnd + length) {
      int b = in.read();
      if (b < 0) break;
      text.append((char) b);
      if (headerEnd < 0
          && text.length() >= 4
          && text.substring(text.length() - 4).equals("\r\n\r\n")) {
        headerEnd = text.length();
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        length = m.find() ? Integer.parseInt(m.group(1)) : 0;
      }
    }
    return text.toString();
  }

  /**
   * A client that sends headers but not the body it announced gets 408 after server.requestTimeout.
   */
  @Test
  void a_body_that_never_arrives_gets_408(Vertx vertx, VertxTestContext ctx) {
    vertx
        .executeBlocking(
            () -> {
              try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                socket.setSoTimeout(10_000);
                String head =
                    "POST /api/v2/apasstest1/decisions/authorize/TempPass_TEST40 HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: "
                        + AccessTokens.bearer()
                        + "\r\nContent-Type: application/json\r\n"
                        + "AP-Device-Identifier: "
                        + Api.fingerprint("slow-body")
                        + "\r\nContent-Length: 100\r\n\r\n{\"resources\":";
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                // Read until the error body is complete (the server may keep the half-read request
                // open).
                StringBuilder response = new StringBuilder();
                byte[] buf = new byte[4096];
                int n;
                while (!response.toString().contains("\"trace\"")
                    && (n = socket.getInputStream().read(buf)) > 0) {
                  response.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                return response.toString();
              }
            })
        .onComplete(
            ctx.succeeding(
                response ->
                    ctx.verify(
                        () -> {
                          assertTrue(response.startsWith("HTTP/1.1 408"), response);
                          assertTrue(response.contains("\"code\":\"request_timeout\""), response);
                          ctx.completeNow();
                        })));
  }
}
