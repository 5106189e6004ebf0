package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * /metrics exposes the gateway's series and Vert.x's HTTP series, their values move with traffic,
 * and no client can add series.
 */
class MetricsTest {

  static double value(String scrape, String seriesPrefix) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(seriesPrefix) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$")
            .matcher(scrape);
    double total = 0;
    boolean found = false;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
      found = true;
    }
    return found ? total : -1;
  }

  static double series(String scrape, String name, String labels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} ([0-9.eE+-]+)$")
            .matcher(scrape);
    while (m.find()) if (m.group(1).contains(labels)) return Double.parseDouble(m.group(2));
    return -1;
  }

  @Test
  void series_move_with_traffic() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional("apasstest1", "flexibleTempPass", "1h", 1),
            TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.put(
        "throttle",
        new JsonObject().put("enabled", true).put("ratePerSecond", 0.001).put("burst", 10));
    Vertx vertx = GatewayMetrics.vertxWithMetrics(true);
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      String before =
          api.get("/metrics").map(HttpResponse::bodyAsString).await(5, TimeUnit.SECONDS);
      api.authorize("apasstest1", "flexibleTempPass", "m-device", "m@example.com", "r1", "r2")
          .await(5, TimeUnit.SECONDS);
      api.authorize("apasstest1", "TempPass_TEST40", "m-device", null, "r1")
          .await(5, TimeUnit.SECONDS);
      for (int i = 0; i < 12; i++)
        api.get("/api/v2/apasstest1/configuration").await(5, TimeUnit.SECONDS);
      HttpResponse<io.vertx.core.buffer.Buffer> res =
          api.get("/metrics").await(5, TimeUnit.SECONDS);
      assertEquals(200, res.statusCode());
      assertTrue(res.getHeader("Content-Type").startsWith("text/plain"));
      String after = res.bodyAsString();

      assertEquals(
          2.0,
          series(
              after,
              "temppass_decisions_total",
              "code=\"none\",outcome=\"permit\",source=\"temppass\""));
      assertEquals(
          1.0,
          series(
              after,
              "temppass_decisions_total",
              "code=\"temporary_access_resources_limit_exceeded\",outcome=\"deny\",source=\"temppass\""));
      assertTrue(
          value(after, "vertx_http_server_response_time_seconds_count")
              > value(before, "vertx_http_server_response_time_seconds_count"));
      assertTrue(
          series(
                  after,
                  "vertx_http_server_response_time_seconds_bucket",
                  "code=\"200\",method=\"POST\",route=\"decisions\",le=\"+Inf\"")
              >= 2,
          "latency histogram by route: " + after);
      assertTrue(
          series(
                  after,
                  "vertx_http_server_response_time_seconds_bucket",
                  "code=\"200\",method=\"POST\",route=\"decisions\",le=\"0.005\"")
              >= 0,
          "the gateway's latency buckets");
      assertTrue(
          series(
                  after,
                  "vertx_http_server_requests_total",
                  "code=\"429\",method=\"GET\",route=\"unmatched\"")
              >= 1,
          "a throttled request reached no endpoint route: " + after);
      assertTrue(
          series(
                  after,
                  "temppass_http_request_duration_seconds_bucket",
                  "route=\"decisions\",status=\"200\",le=\"+Inf\"")
              >= 2,
          "the gateway's own latency histogram by route: " + after);
      assertTrue(
          series(
                  after,
                  "temppass_http_request_duration_seconds_count",
                  "route=\"unmatched\",status=\"429\"")
              >= 1,
          "a throttled request in the gateway's own series: " + after);
      assertFalse(after.contains("vertx_eventbus_"), "the event-bus series are off");
      assertFalse(after.contains("vertx_pool_"), "the pool series are off");
      assertFalse(after.contains("vertx_redis_"), "the Redis client's own series are off");
      // Catches the HTTP server's per-flush TCP byte counters coming back (the deny filter in
      // GatewayMetrics.bounded removed): the request and response size series below carry the
      // same bytes per request.
      assertFalse(after.contains("vertx_http_server_bytes_"), "the TCP byte counters are off");
      assertTrue(
          series(after, "vertx_http_server_response_bytes_count", "route=\"decisions\"") >= 2,
          "the HTTP response size series stay, with the route label: " + after);
      assertTrue(
          value(after, "vertx_http_server_request_bytes_count") >= 2,
          "the HTTP request size series stay");
      assertTrue(
          series(
                  after,
                  "temppass_redis_command_duration_seconds_count",
                  "command=\"promo_authorize\"")
              >= 1,
          "Redis latency per script");
      assertTrue(value(after, "temppass_redis_errors_total") <= 0, "no Redis errors yet");
      assertTrue(
          value(after, "temppass_throttle_rejections_total") >= 1,
          "the 12 configuration calls after 3 requests exceed the burst");
      assertEquals(0.0, value(after, "temppass_throttle_fail_open_total"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Vert.x's HTTP and TCP server series cost CPU on every request and are off unless {@code
   * server.vertxHttpMetrics} asks for them, as {@code Main} passes it; the gateway's own latency by
   * route is there either way. Breakage caught: the categories not disabled in {@code
   * GatewayMetrics.vertxWithMetrics(false)} (the scrape then has {@code vertx_http_server_}).
   */
  @Test
  void vertx_http_series_are_off_by_default() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    Vertx vertx = GatewayMetrics.vertxWithMetrics(false);
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      api.authorize("apasstest1", "TempPass_TEST40", "m-device", null, "r1")
          .await(5, TimeUnit.SECONDS);
      String scrape =
          api.get("/metrics").map(HttpResponse::bodyAsString).await(5, TimeUnit.SECONDS);
      assertEquals(
          1.0,
          series(
              scrape,
              "temppass_http_request_duration_seconds_count",
              "route=\"decisions\",status=\"200\""),
          scrape);
      assertFalse(scrape.contains("vertx_http_server_"), "Vert.x's HTTP server series are off");
      assertFalse(scrape.contains("vertx_net_server_"), "Vert.x's TCP server series are off");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Series lines (not comments) of a Prometheus scrape, without the JVM's: a garbage collection of
   * a new kind adds its {@code jvm_gc_} series whenever it happens, whatever the clients send.
   */
  static long seriesCount(String scrape) {
    return scrape
        .lines()
        .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("jvm_"))
        .count();
  }

  /**
   * Any client chooses the HTTP method and the path, unauthenticated; each new method name used to
   * add about 11 series (Vert.x's request, response and size meters carry it). Fifty random methods
   * and a hundred random paths (unknown ones, and endpoint paths with random parameters) after a
   * warm-up must add no series at all, and every route label is a fixed short name. Vert.x's HTTP
   * metrics are on, configured as {@code Main} does. Breakages caught: without the method filter of
   * {@code GatewayMetrics.bounded} the count grows by hundreds of series; with Vert.x's path label
   * ({@code Label.HTTP_PATH}) it grows by one set per path; without the route filter the labels are
   * vertx-web's chains of paths and regexes ({@code /api/v2/>/api/v2/([^/]*)/…}).
   */
  @Test
  void random_methods_and_paths_add_no_series() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    Vertx vertx = GatewayMetrics.vertxWithMetrics(true);
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port(), 1);
      java.util.Random random = new java.util.Random(42);
      java.util.function.IntConsumer send =
          n -> {
            for (int i = 0; i < n; i++) {
              String method = "X" + (10_000 + random.nextInt(90_000));
              try {
                assertEquals(
                    405,
                    api.raw()
                        .request(io.vertx.core.http.HttpMethod.valueOf(method), "/health/live")
                        .send()
                        .await(5, TimeUnit.SECONDS)
                        .statusCode());
                assertEquals(404, api.get("/" + method).await(5, TimeUnit.SECONDS).statusCode());
                assertEquals(
                    401,
                    api.get("/api/v2/" + method + "/profiles/" + method)
                        .await(5, TimeUnit.SECONDS)
                        .statusCode());
              } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no answer to " + method, e);
              }
            }
          };
      // Warm-up: the first OTHER request and the first scrapes create their series once.
      send.accept(3);
      api.get("/metrics").await(5, TimeUnit.SECONDS);
      long before = seriesCount(api.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString());
      send.accept(50);
      String after = api.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString();
      assertEquals(
          before, seriesCount(after), "series added by 50 random methods and 100 random paths");
      assertTrue(after.contains("method=\"OTHER\""), "Vert.x's HTTP series are on and bounded");
      Matcher routes = Pattern.compile("route=\"([^\"]*)\"").matcher(after);
      java.util.Set<String> labels = new java.util.TreeSet<>();
      while (routes.find()) labels.add(routes.group(1));
      assertEquals(java.util.Set.of("health", "metrics", "profiles", "unmatched"), labels, after);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * With server.managementPort set, /metrics is served there and is a 404 on the public port.
   * Breakage caught: mounting /metrics on the public router regardless (the former behaviour) makes
   * the public request a 200.
   */
  @Test
  void metrics_can_move_to_the_management_port() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    int management = io.temppass.gateway.support.TestRedis.freePort();
    config.getJsonObject("server").put("managementPort", management);
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      HttpResponse<io.vertx.core.buffer.Buffer> pub =
          new Api(vertx, gateway.port()).get("/metrics").await(5, TimeUnit.SECONDS);
      assertEquals(404, pub.statusCode(), pub.bodyAsString());
      assertEquals("not_found", pub.bodyAsJsonObject().getString("code"));
      HttpResponse<io.vertx.core.buffer.Buffer> res =
          new Api(vertx, management).get("/metrics").await(5, TimeUnit.SECONDS);
      assertEquals(200, res.statusCode());
      assertTrue(res.bodyAsString().contains("temppass_"), res.bodyAsString());
      assertEquals(
          404,
          new Api(vertx, management).get("/health/live").await(5, TimeUnit.SECONDS).statusCode(),
          "only /metrics there");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Redis is paused (CLIENT PAUSE), so the TempPass verticle's script cannot answer within the 1 ms
   * event-bus timeout: the decision is a 503 and the timeout is counted, labelled with the service
   * address. Pausing makes the timeout certain; without it a TempPass hop on the HTTP verticle's
   * own event loop usually answers within the millisecond. Caught when DecisionsHandler stopped
   * calling {@code metrics.eventBusTimeout}, and when the per-request reply address was the label.
   */
  @Test
  void event_bus_timeouts_are_counted() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("server").put("eventBusTimeout", "1ms");
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, TestRedis.endpoints().get(0));
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      redis
          .send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(5_000).arg("ALL"))
          .await(5, TimeUnit.SECONDS);
      int status;
      try {
        status =
            api.decisions("apasstest1", "TempPass_TEST40", "eb-1")
                .sendJsonObject(Api.body("REF30"))
                .await(5, TimeUnit.SECONDS)
                .statusCode();
      } finally {
        redis.send(Request.cmd(Command.CLIENT).arg("UNPAUSE")).await(10, TimeUnit.SECONDS);
      }
      assertEquals(503, status, "a decision whose TempPass hop outlives the event-bus timeout");
      String scrape = gateway.metrics().scrape();
      assertTrue(value(scrape, "temppass_eventbus_timeouts_total") >= 1);
      // The label is the service address, one series however many requests time out (the
      // per-request
      // reply address, __vertx.reply.<n>, used to be the label: a new series per timeout).
      assertTrue(
          series(scrape, "temppass_eventbus_timeouts_total", "address=\"temppass.decide\"") >= 1,
          scrape);
      assertFalse(scrape.contains("__vertx.reply"), "reply addresses are never label values");
    } finally {
      redis.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
