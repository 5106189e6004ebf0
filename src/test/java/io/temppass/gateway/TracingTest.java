package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.JsonLogCapture;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.OtlpReceiver;
import io.temppass.gateway.support.OtlpReceiver.ReceivedSpan;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing on ({@code tracing.otlpEndpoint}): the spans a gateway exports over OTLP/HTTP to an
 * in-process receiver ({@link OtlpReceiver}, decoding with the OTLP protobuf classes) form one tree
 * per request, from the HTTP server span through the event-bus hop to each Redis script, named by
 * the script, and through the MVPD calls, whose {@code traceparent} the MVPD receives; an incoming
 * {@code traceparent} is continued; the trace id is in a top-level error's body and in the log
 * lines of the request.
 */
class TracingTest {
  static final String SP = "REF30";
  static final String TEMPPASS = "TempPass_TRACE";
  static final String MVPD = "Cablevision";
  static final Duration ARRIVAL = Duration.ofSeconds(20);
  static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  Vertx outside;
  OtlpReceiver receiver;
  TestMvpd mvpd;
  Tracing tracing;
  Vertx gatewayVertx;
  Gateway gateway;
  JsonObject config;

  @BeforeEach
  void start() throws Exception {
    // The receiver, the MVPD and the clients run on a Vert.x of their own, without a tracer: only
    // the gateway's spans are exported.
    outside = Vertx.vertx();
    receiver = OtlpReceiver.start(outside);
    mvpd = TestMvpd.start(outside);
    config =
        TestGateway.withMvpdSessions(
            TestGateway.with(
                TestGateway.config(),
                TestGateway.basic(SP, TEMPPASS, "1h"),
                mvpd.plainOAuthIntegration(SP, MVPD)),
            SP);
    config.put("tracing", new JsonObject().put("otlpEndpoint", receiver.endpoint()));
    config.put("logging", new JsonObject().put("requests", true));
    GatewayConfig parsed = TestGateway.parse(config);
    // Batches leave every 50 ms instead of 5 s, through the standard variable.
    tracing =
        Tracing.start(
            parsed.tracing(), Map.of("OTEL_BSP_SCHEDULE_DELAY", "50"), Main.UNSAMPLED_PATHS);
    assertNotNull(tracing, "tracing.otlpEndpoint turns tracing on");
    gatewayVertx = tracing.install(Vertx.builder()).build();
    gateway = Gateway.start(gatewayVertx, parsed).await();
  }

  @AfterEach
  void stop() {
    if (gateway != null) gateway.stop().await();
    if (gatewayVertx != null) gatewayVertx.close().await();
    if (tracing != null) tracing.close();
    if (mvpd != null) mvpd.close();
    if (receiver != null) receiver.close();
    if (outside != null) outside.close().await();
  }

  @Test
  void a_temppass_decision_is_one_trace_from_the_request_through_the_bus_to_each_script()
      throws Exception {
    Api api = new Api(outside, gateway.port());
    // Probes start no trace (exported before the decision's spans, had they been sampled).
    assertEquals(200, api.get("/health/live").await().statusCode());
    assertEquals(200, api.get("/health/ready").await().statusCode());
    // A query never reaches a span (the reset API carries identities there, the sign-in callback a
    // code): this request's span is exported before the decision's.
    api.get("/api/v2/" + SP + "/profiles?identity=query-secret-1").await();
    HttpResponse<Buffer> answer =
        api.decisions(SP, TEMPPASS, "device-trace-1")
            .sendJsonObject(Api.body("res-1", "res-2"))
            .await();
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    String requestId = answer.getHeader("X-Request-Id");

    ReceivedSpan server =
        receiver.await(s -> requestId.equals(s.attributes().get("temppass.request_id")), ARRIVAL);
    List<ReceivedSpan> trace = receiver.trace(server.traceId());
    String tree = OtlpReceiver.tree(trace);
    assertEquals("SERVER", server.kind(), tree);
    assertEquals("", server.parentSpanId(), "a request without traceparent starts a trace");
    assertEquals("POST decisions", server.name(), tree);
    assertEquals("temppass-gateway", server.serviceName());

    List<ReceivedSpan> scripts = trace.stream().filter(s -> s.name().startsWith("redis ")).toList();
    assertFalse(scripts.isEmpty(), "no Redis script span:\n" + tree);
    for (ReceivedSpan script : scripts) {
      assertEquals("CLIENT", script.kind(), tree);
      assertEquals("redis", script.attributes().get("db.system.name"), tree);
      assertEquals(script.name(), "redis " + script.attributes().get("redis.script"), tree);
      List<ReceivedSpan> up = OtlpReceiver.ancestors(script, trace);
      assertEquals(
          server, up.get(up.size() - 1), "each script span hangs off the request:\n" + tree);
      assertTrue(
          up.stream()
              .anyMatch(
                  s ->
                      "vertx-eventbus".equals(s.attributes().get("messaging.system"))
                          && s.kind().equals("SERVER")),
          "each script runs behind an event-bus hop:\n" + tree);
      assertTrue(
          up.stream()
              .anyMatch(
                  s ->
                      "vertx-eventbus".equals(s.attributes().get("messaging.system"))
                          && s.kind().equals("CLIENT")),
          "the hop's sending side is traced too:\n" + tree);
    }
    assertTrue(
        trace.stream().anyMatch(s -> s.name().equals("send temppass.decide")),
        "bus spans are named by their service:\n" + tree);
    assertTrue(
        receiver.spans().stream()
            .noneMatch(s -> s.attributes().getOrDefault("url.path", "").startsWith("/health/")),
        "probes are not traced:\n" + OtlpReceiver.tree(receiver.spans()));
    // Named by the script, never by its keys or arguments: no attribute holds a key of the test's
    // prefix, the device or the resources; nor the query of the earlier request.
    String prefix = TestGateway.keyPrefix(config);
    List<ReceivedSpan> all = receiver.spans();
    assertTrue(
        all.stream()
            .anyMatch(s -> s.attributes().getOrDefault("url.path", "").endsWith("/profiles")),
        "the request with a query was traced:\n" + OtlpReceiver.tree(all));
    for (ReceivedSpan span : all) {
      assertFalse(span.attributes().containsKey("url.query"), span.toString());
      assertFalse(span.attributes().containsKey("http.url"), span.toString());
      for (String value : span.attributes().values())
        for (String secret : List.of(prefix, "device-trace-1", "res-1", "query-secret-1"))
          assertFalse(value.contains(secret), span + " carries " + secret);
    }
  }

  @Test
  void an_incoming_traceparent_is_continued_and_the_error_body_names_its_trace() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    Api api = new Api(outside, gateway.port());
    HttpResponse<Buffer> answer =
        api.decisions(SP, TEMPPASS, "device-trace-2")
            .putHeader("traceparent", "00-" + traceId + "-" + parentId + "-01")
            .sendJsonObject(Api.body("res-1"))
            .await();
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    ReceivedSpan server =
        receiver.await(
            s -> s.traceId().equals(traceId) && s.attributes().containsKey("url.path"), ARRIVAL);
    assertEquals(parentId, server.parentSpanId(), "the load balancer's span is the parent");
    assertTrue(
        receiver.trace(traceId).stream().anyMatch(s -> s.name().startsWith("redis ")),
        OtlpReceiver.tree(receiver.trace(traceId)));

    HttpResponse<Buffer> refused =
        api.decisions(SP, TEMPPASS, "device-trace-2")
            .putHeader("traceparent", "00-" + traceId + "-" + parentId + "-01")
            .putHeader("AP-Device-Identifier", "not a fingerprint")
            .sendJsonObject(Api.body("res-1"))
            .await();
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    JsonObject error = refused.bodyAsJsonObject();
    assertEquals(traceId, error.getString("traceId"), error.encode());
    assertEquals(refused.getHeader("X-Request-Id"), error.getString("trace"));
  }

  @Test
  void the_trace_id_is_in_the_error_body_and_in_the_requests_log_lines() throws Exception {
    Api api = new Api(outside, gateway.port());
    HttpResponse<Buffer> refused;
    List<String> lines;
    try (JsonLogCapture logs = new JsonLogCapture(true)) {
      refused =
          api.decisions(SP, TEMPPASS, "device-trace-3")
              .putHeader("Authorization", "Bearer not-a-token")
              .sendJsonObject(Api.body("res-1"))
              .await();
      String requestId = refused.getHeader("X-Request-Id");
      long deadline = System.nanoTime() + ARRIVAL.toNanos();
      while (logs.lines().stream().filter(l -> l.contains(requestId)).count() < 2
          && System.nanoTime() < deadline) Thread.sleep(20);
      lines = logs.lines().stream().filter(l -> l.contains(requestId)).toList();
    }
    assertEquals(401, refused.statusCode(), refused.bodyAsString());
    String traceId = refused.bodyAsJsonObject().getString("traceId");
    assertNotNull(traceId, refused.bodyAsString());
    assertTrue(TRACE_ID.matcher(traceId).matches(), traceId);
    ReceivedSpan server =
        receiver.await(
            s -> s.traceId().equals(traceId) && s.attributes().containsKey("url.path"), ARRIVAL);
    assertEquals("", server.parentSpanId());
    // The line written while the request is served (the token's rejection, at debug level) and
    // the request log's line, written once it has been answered.
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("access token rejected")),
        "the line logged during the request: " + lines);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("io.temppass.gateway.requests")),
        "the request log line: " + lines);
    for (String line : lines) {
      JsonObject fields = new JsonObject(line);
      assertEquals(traceId, fields.getString("traceId"), line);
      assertTrue(
          fields.getString("spanId") == null || fields.getString("spanId").matches("[0-9a-f]{16}"),
          line);
    }
  }

  @Test
  void an_mvpd_sign_in_traces_its_token_and_userinfo_calls_and_the_mvpd_gets_the_traceparent()
      throws Exception {
    mvpd.nextLogin("subscriber-7", Map.of());
    MvpdSignIn browser = new MvpdSignIn(outside, gateway.port());
    MvpdSignIn.Result result = browser.signIn(SP, MVPD, "device-trace-4").await();
    assertEquals(MvpdSignIn.REDIRECT_URL, result.landedOn());

    ReceivedSpan token = receiver.await(s -> s.name().equals("mvpd token"), ARRIVAL);
    ReceivedSpan userinfo = receiver.await(s -> s.name().equals("mvpd userinfo"), ARRIVAL);
    assertEquals(token.traceId(), userinfo.traceId(), "one sign-in, one trace");
    // The request that brought the browser back from the MVPD is the root of both calls.
    ReceivedSpan callback =
        receiver.await(
            s -> s.traceId().equals(token.traceId()) && s.attributes().containsKey("url.path"),
            ARRIVAL);
    List<ReceivedSpan> trace = receiver.trace(token.traceId());
    String tree = OtlpReceiver.tree(trace);
    assertEquals("", callback.parentSpanId(), tree);
    for (ReceivedSpan call : List.of(token, userinfo))
      assertTrue(OtlpReceiver.ancestors(call, trace).contains(callback), tree);

    ReceivedSpan tokenHttp = clientSpanUnder(token, trace, tree);
    ReceivedSpan userinfoHttp = clientSpanUnder(userinfo, trace, tree);
    assertTrue(tokenHttp.attributes().get("url.full").endsWith("/token"), tree);
    assertEquals("POST", tokenHttp.attributes().get("http.request.method"), tree);

    // The MVPD received each call with a traceparent naming the gateway's client span.
    Map<String, String> received = traceparents(2);
    assertSampledChild(token.traceId(), tokenHttp.spanId(), received.get("token"), tree);
    assertSampledChild(userinfo.traceId(), userinfoHttp.spanId(), received.get("userinfo"), tree);

    // A decision asks the MVPD's authorization endpoint, with the decision's trace.
    Api api = new Api(outside, gateway.port());
    HttpResponse<Buffer> decision =
        api.decisions(SP, MVPD, "device-trace-4").sendJsonObject(Api.body(SP)).await();
    assertEquals(200, decision.statusCode(), decision.bodyAsString());
    ReceivedSpan authorization =
        receiver.await(s -> s.name().equals("mvpd authorization"), ARRIVAL);
    List<ReceivedSpan> decisionTrace = receiver.trace(authorization.traceId());
    ReceivedSpan authorizationHttp =
        clientSpanUnder(authorization, decisionTrace, OtlpReceiver.tree(decisionTrace));
    assertSampledChild(
        authorization.traceId(),
        authorizationHttp.spanId(),
        mvpd.traceparentOf(SP),
        OtlpReceiver.tree(decisionTrace));
    browser.close();
  }

  /**
   * {@code traceparent} (W3C Trace Context) names {@code traceId} and, as the parent of whatever
   * the MVPD does, the gateway's client span; its flags say sampled.
   */
  private static void assertSampledChild(
      String traceId, String spanId, String traceparent, String tree) {
    assertNotNull(traceparent, "the MVPD received no traceparent\n" + tree);
    String[] parts = traceparent.split("-");
    assertEquals(4, parts.length, traceparent);
    assertEquals("00", parts[0], traceparent);
    assertEquals(traceId, parts[1], traceparent + "\n" + tree);
    assertEquals(spanId, parts[2], traceparent + "\n" + tree);
    assertEquals(1, Integer.parseInt(parts[3], 16) & 1, "sampled: " + traceparent);
  }

  /** The HTTP client span (Vert.x's) directly under one of the gateway's MVPD call spans. */
  private static ReceivedSpan clientSpanUnder(
      ReceivedSpan call, List<ReceivedSpan> trace, String tree) {
    return trace.stream()
        .filter(s -> s.parentSpanId().equals(call.spanId()) && s.kind().equals("CLIENT"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no HTTP client span under " + call + "\n" + tree));
  }

  /**
   * The traceparent of the token and user-info requests the OpenID provider received, by the path's
   * last segment.
   */
  private Map<String, String> traceparents(int wanted) {
    Map<String, String> found = new java.util.HashMap<>();
    for (RecordedRequest request = mvpd.takeOidcRequest(5000);
        request != null && found.size() < wanted;
        request = found.size() < wanted ? mvpd.takeOidcRequest(5000) : null) {
      String path = request.getRequestUrl().encodedPath();
      String last = path.substring(path.lastIndexOf('/') + 1);
      if (last.equals("token") || last.equals("userinfo"))
        found.put(last, request.getHeader("traceparent"));
    }
    return found;
  }
}
