package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
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

/** Limits against hostile clients: each rejection an Enhanced Error with the right status, slow clients cut off. */
@ExtendWith(VertxExtension.class)
class HostileInputTest {
  Gateway gateway;
  Api api;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("server").put("requestHeaderTimeout", "1s").put("requestTimeout", "1500ms");
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
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

  private void expectError(VertxTestContext ctx, io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>> f, int status, String code) {
    f.onComplete(ctx.succeeding(res -> ctx.verify(() -> {
      assertEquals(status, res.statusCode(), res.bodyAsString());
      assertTrue(res.getHeader("Content-Type").startsWith("application/json"));
      assertEquals(code, res.bodyAsJsonObject().getString("code"));
      assertEquals(res.getHeader("X-Request-Id"), res.bodyAsJsonObject().getString("trace"));
      ctx.completeNow();
    })));
  }

  @Test
  void headers_over_16_kib_get_431(VertxTestContext ctx) {
    expectError(ctx, api.decisions("apasstest1", "TempPass_TEST40", "d").putHeader("X-Padding", "p".repeat(20_000)).sendJsonObject(Api.body("REF30")),
        431, "request_header_fields_too_large");
  }

  @Test
  void request_line_over_8_kib_gets_414(VertxTestContext ctx) {
    expectError(ctx, api.get("/api/v2/" + "a".repeat(9_000) + "/configuration"), 414, "request_uri_too_long");
  }

  @Test
  void json_nested_deeper_than_allowed_gets_400(VertxTestContext ctx) {
    String deep = "[".repeat(100) + "]".repeat(100);
    expectError(ctx, api.decisions("apasstest1", "TempPass_TEST40", "d").sendBuffer(Buffer.buffer("{\"x\":" + deep + ",\"resources\":[\"REF30\"]}")),
        400, "invalid_parameter_resources");
  }

  @Test
  void an_oversized_access_token_gets_401(VertxTestContext ctx) {
    expectError(ctx, api.decisions("apasstest1", "TempPass_TEST40", "d").putHeader("Authorization", "Bearer " + "e".repeat(15_000) + ".x.y")
        .sendJsonObject(Api.body("REF30")), 401, "invalid_access_token_client_application");
  }

  /** A client that never finishes its headers is disconnected after server.requestHeaderTimeout. */
  @Test
  void a_client_sending_headers_slowly_is_cut_off(Vertx vertx, VertxTestContext ctx) {
    vertx.executeBlocking(() -> {
      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        socket.setSoTimeout(200);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write("POST /api/v2/apasstest1/decisions/authorize/TempPass_TEST40 HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();
        // Trickle a header byte every 200 ms: enough to defeat an idle timeout, not the header timeout.
        while ((System.nanoTime() - start) / 1_000_000 < 8_000) {
          try {
            out.write('X');
            out.flush();
            if (in.read() == -1) return (System.nanoTime() - start) / 1_000_000;
          } catch (java.net.SocketTimeoutException stillOpen) {
            // nothing to read yet: keep trickling
          } catch (java.io.IOException closed) {
            return (System.nanoTime() - start) / 1_000_000;
          }
        }
        return -1L;
      }
    }).onComplete(ctx.succeeding(millis -> ctx.verify(() -> {
      assertTrue(millis >= 0, "connection was never closed");
      ctx.completeNow();
    })));
  }

  /** A client that sends headers but not the body it announced gets 408 after server.requestTimeout. */
  @Test
  void a_body_that_never_arrives_gets_408(Vertx vertx, VertxTestContext ctx) {
    vertx.executeBlocking(() -> {
      try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
        socket.setSoTimeout(10_000);
        String head = "POST /api/v2/apasstest1/decisions/authorize/TempPass_TEST40 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: " + AccessTokens.bearer() + "\r\nContent-Type: application/json\r\n"
            + "AP-Device-Identifier: " + Api.fingerprint("slow-body") + "\r\nContent-Length: 100\r\n\r\n{\"resources\":";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        // Read until the error body is complete (the server may keep the half-read request open).
        StringBuilder response = new StringBuilder();
        byte[] buf = new byte[4096];
        int n;
        while (!response.toString().contains("\"trace\"") && (n = socket.getInputStream().read(buf)) > 0) {
          response.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return response.toString();
      }
    }).onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertTrue(response.startsWith("HTTP/1.1 408"), response);
      assertTrue(response.contains("\"code\":\"request_timeout\""), response);
      ctx.completeNow();
    })));
  }
}
