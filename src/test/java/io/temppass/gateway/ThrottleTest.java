package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.temppass.gateway.throttle.Throttle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC 6: a token bucket per client IP, kept in Redis and shared by every gateway process.
 *
 * <p>The throttle fails open after 100 ms without an answer from Redis, so on a badly overloaded
 * machine a request may be let through that the bucket would have refused. The tests read {@code
 * temppass_throttle_fail_open_total} and allow exactly that many extra acceptances (there are none
 * on an ordinary run), or repeat an attempt that saw one.
 */
class ThrottleTest {

  static JsonObject throttled(double ratePerSecond) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.put(
        "throttle",
        new JsonObject()
            .put("enabled", true)
            .put("ratePerSecond", ratePerSecond)
            .put("burst", 10)
            .put("trustedProxies", new JsonArray().add("127.0.0.1/32")));
    return config;
  }

  private static Future<HttpResponse<Buffer>> request(Api api, String clientIp) {
    return api.decisions("apasstest1", "TempPass_TEST40", "throttle-device")
        .putHeader("X-Forwarded-For", clientIp + ", 127.0.0.1")
        .sendJsonObject(Api.body("REF30"));
  }

  private static double failOpen(String scrape) {
    return Math.max(0, MetricsTest.value(scrape, "temppass_throttle_fail_open_total"));
  }

  /**
   * Adobe's documented timeline, placed exactly by an injected clock instead of wall-clock timers:
   * requests at t = 0, .3, .6, .9, 1.2, 1.3 … 1.8, 2.1, 2.2 are accepted, 2.4, 2.6 and 2.8 refused,
   * 3.1 accepted. The script runs on the real Redis; only its notion of "now" comes from the test,
   * so no scheduling hiccup can move a request. Caught breakages in {@code throttle.lua}: draining
   * by whole seconds ({@code rate * math.floor(elapsed / 1000)}) refuses 2.1 and accepts 2.8;
   * storing the state on a refusal refuses 3.1.
   */
  @Test
  void adobes_documented_timeline_is_reproduced() throws Exception {
    long[] at = {
      0, 300, 600, 900, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 2100, 2200, 2400, 2600, 2800, 3100
    };
    List<Boolean> expected = new ArrayList<>();
    for (long t : at) expected.add(!(t == 2400 || t == 2600 || t == 2800));
    GatewayConfig config = TestGateway.parse(throttled(1));
    Vertx vertx = Vertx.vertx();
    Redis redis = RedisFactory.create(vertx, config.redis(), config.redis().endpoints(), 4);
    RedisProbe probe = new RedisProbe(vertx);
    try {
      List<Boolean> seen = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        GatewayMetrics metrics =
            new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        long start = clock.get();
        Throttle throttle =
            new Throttle(
                new ScriptRunner(redis, metrics, config.redis()),
                metrics,
                config.redis().keyPrefix(),
                config.throttle(),
                clock::get);
        String client = "203.0.113." + attempt;
        seen = new ArrayList<>();
        for (long t : at) {
          clock.set(start + t);
          seen.add(throttle.allow(client).await(10, TimeUnit.SECONDS));
        }
        if (failOpen(metrics.scrape()) > 0) continue;
        assertEquals(expected, seen);
        assertEquals(
            3,
            MetricsTest.value(metrics.scrape(), "temppass_throttle_rejections_total"),
            "rejections are counted");
        // The bucket lives in Redis: the last accepted request's time, as the test's clock gave it.
        Response last =
            probe
                .send(Command.HGET, config.redis().keyPrefix() + ":t:{" + client + "}", "l")
                .await(5, TimeUnit.SECONDS);
        assertEquals(start + 3100, last.toLong());
        return;
      }
      throw new AssertionError(
          "every attempt saw Redis answer the throttle too late; last: " + seen);
    } finally {
      probe.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A refused request is a 429 Enhanced Error with Retry-After, counted in the metrics. */
  @Test
  void a_refusal_is_a_429_enhanced_error_with_retry_after() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Gateway g = TestGateway.start(vertx, throttled(0.001)).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, g.port());
      HttpResponse<Buffer> refused = null;
      int accepted = 0;
      for (int i = 0; i < 30 && refused == null; i++) {
        HttpResponse<Buffer> r = request(api, "198.51.100.7").await(10, TimeUnit.SECONDS);
        if (r.statusCode() == 429) refused = r;
        else accepted++;
      }
      assertTrue(refused != null, "never refused");
      double extra = failOpen(g.metrics().scrape());
      assertTrue(
          accepted >= 11 && accepted <= 11 + extra,
          accepted + " accepted, " + extra + " let through by failing open");
      assertEquals("1", refused.getHeader("Retry-After"));
      JsonObject error = refused.bodyAsJsonObject();
      assertEquals(429, error.getInteger("status"));
      assertEquals("too_many_requests", error.getString("code"));
      assertEquals("retry", error.getString("action"));
      assertEquals(refused.getHeader("X-Request-Id"), error.getString("trace"));
      assertEquals(
          1,
          MetricsTest.value(g.metrics().scrape(), "temppass_throttle_rejections_total"),
          "the rejection is counted");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Two gateway JVM processes, one client: the burst (10) plus the first request (1) is the whole
   * budget, not per process, and the bucket read back from Redis holds that spending. A client
   * whose bucket the test filled in Redis beforehand is refused by both processes at its first
   * request: only a bucket read from Redis can know it. The refill rate is set very low so the
   * counts cannot depend on timing. Caught breakages: a bucket per process (the key prefixed with
   * the process id: the pre-filled client is accepted); a script that reads but never stores the
   * state (40 accepted).
   */
  @Test
  void two_gateway_processes_share_one_clients_budget(@TempDir Path dir) throws Exception {
    String prefix = "thr" + TestRedis.freePort();
    Vertx vertx = Vertx.vertx();
    RedisProbe redis = new RedisProbe(vertx);
    List<Process> processes = new ArrayList<>();
    try {
      int[] ports = {TestRedis.freePort(), TestRedis.freePort()};
      for (int i = 0; i < 2; i++) processes.add(gatewayProcess(dir, "p" + i, ports[i], prefix));
      Api a = new Api(vertx, ports[0], 20);
      Api b = new Api(vertx, ports[1], 20);
      for (int i = 0; i < 2; i++) awaitReady(i == 0 ? a : b, dir.resolve("p" + i + ".log"));
      // Warm-up from other clients, so that a fresh JVM's first slow calls do not make the throttle
      // fail open below.
      for (int i = 0; i < 5; i++) {
        request(a, "198.51.100." + i).await(10, TimeUnit.SECONDS);
        request(b, "198.51.100." + (10 + i)).await(10, TimeUnit.SECONDS);
      }

      // A client whose bucket is already full in Redis: ten requests of excess, the last just now.
      String full = "192.0.2.99";
      String fullKey = prefix + ":t:{" + full + "}";
      Response time = redis.send(Command.TIME).await(5, TimeUnit.SECONDS);
      long now = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
      redis.send(Command.HSET, fullKey, "e", 10_000, "l", now).await(5, TimeUnit.SECONDS);
      redis.send(Command.PEXPIRE, fullKey, 60_000).await(5, TimeUnit.SECONDS);
      assertEquals(
          429,
          request(a, full).await(10, TimeUnit.SECONDS).statusCode(),
          "process A read the full bucket from Redis");
      assertEquals(
          429,
          request(b, full).await(10, TimeUnit.SECONDS).statusCode(),
          "process B read the full bucket from Redis");

      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) all.add(request(i % 2 == 0 ? a : b, "192.0.2.44"));
      Future.all(all).await(30, TimeUnit.SECONDS);
      long accepted = all.stream().filter(f -> f.result().statusCode() == 200).count();
      long refused = all.stream().filter(f -> f.result().statusCode() == 429).count();
      double extra =
          failOpen(a.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString())
              + failOpen(b.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString());
      assertTrue(
          accepted >= 11 && accepted <= 11 + extra,
          accepted + " accepted, " + extra + " let through by failing open");
      assertEquals(
          40,
          accepted + refused,
          "every answer a permit or a 429: "
              + all.stream().map(f -> f.result().statusCode()).toList());

      Response bucket =
          redis.send(Command.HGET, prefix + ":t:{192.0.2.44}", "e").await(5, TimeUnit.SECONDS);
      long excess = bucket.toLong();
      // Ten requests of excess, less the few thousandths drained at 0.001 request/s since.
      assertTrue(
          excess > 9_900 && excess <= 10_000,
          "the shared bucket in Redis holds the spent burst: excess " + excess);
      assertEquals(
          200,
          request(a, "192.0.2.45").await(10, TimeUnit.SECONDS).statusCode(),
          "another client has its own budget");
    } finally {
      for (Process p : processes) p.destroyForcibly();
      for (Process p : processes) p.waitFor(10, TimeUnit.SECONDS);
      redis.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A gateway in a JVM of its own, as in production, on the shared test Redis. */
  private static Process gatewayProcess(Path dir, String name, int port, String prefix)
      throws Exception {
    List<String> endpoints = new ArrayList<>();
    for (String e : TestRedis.endpoints()) endpoints.add("\"" + e + "\"");
    Path config =
        GatewayProcess.config(
            dir,
            name,
            // Generous timeouts: this test counts answers across processes, and a decision that
            // times out on a loaded machine (503) would be neither a permit nor a 429.
            "{host: 127.0.0.1, port: " + port + ", eventBusTimeout: 8s}",
            "{type: "
                + (TestRedis.cluster() ? "cluster" : "standalone")
                + ", endpoints: "
                + endpoints
                + ", keyPrefix: "
                + prefix
                + ", commandTimeout: 5s}",
            "{enabled: true, ratePerSecond: 0.001, burst: 10, trustedProxies: [127.0.0.1/32]}");
    return GatewayProcess.builder("--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static void awaitReady(Api api, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode() == 200) return;
      } catch (Exception notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError("gateway process did not become ready: " + Files.readString(log));
  }

  /**
   * X-Forwarded-For is believed only from a trusted proxy; otherwise the peer address is the
   * client.
   */
  @Test
  void forwarded_for_from_an_untrusted_peer_is_ignored() throws Exception {
    JsonObject config = throttled(0.001);
    config.getJsonObject("throttle").put("trustedProxies", new JsonArray().add("10.0.0.0/8"));
    Vertx vertx = Vertx.vertx();
    try {
      Gateway g = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, g.port(), 20);
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      // Different claimed clients, one real peer (127.0.0.1): one budget.
      for (int i = 0; i < 15; i++) all.add(request(api, "192.0.2." + i));
      Future.all(all).await(30, TimeUnit.SECONDS);
      long accepted = all.stream().filter(f -> f.result().statusCode() == 200).count();
      double extra = failOpen(g.metrics().scrape());
      assertTrue(
          accepted >= 11 && accepted <= 11 + extra,
          accepted + " accepted, " + extra + " let through by failing open");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
