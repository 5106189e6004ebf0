package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Redis stopped and restarted under steady load: while it is down every request is answered with an
 * Enhanced Error within one second and readiness reports not-ready; once it is back the gateway
 * serves again within five seconds, without a restart.
 */
class RedisRestartTest {

  private static RedisServer redis(int port) throws Exception {
    RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
    server.start();
    return server;
  }

  /** One request; returns {status, elapsed ms}. */
  private static Future<long[]> timed(Api api, int i) {
    long start = System.nanoTime();
    return api.decisions("apasstest1", "TempPass_TEST40", "restart-device-" + i).sendJsonObject(Api.body("REF30"))
        .map(r -> {
          if (r.statusCode() != 200) {
            JsonObject error = r.bodyAsJsonObject();
            if (!r.getHeader("X-Request-Id").equals(error.getString("trace"))) throw new IllegalStateException("not an Enhanced Error: " + r.bodyAsString());
          }
          return new long[] {r.statusCode(), (System.nanoTime() - start) / 1_000_000};
        });
  }

  private static List<long[]> burst(Api api, int from) throws Exception {
    List<Future<long[]>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) answers.add(timed(api, from + i));
    Future.all(answers).await(10, TimeUnit.SECONDS);
    List<long[]> out = new ArrayList<>();
    for (Future<long[]> f : answers) out.add(f.result());
    return out;
  }

  private static int readiness(Api api) throws Exception {
    return api.get("/health/ready").map(HttpResponse::statusCode).await(5, TimeUnit.SECONDS);
  }

  @Test
  void redis_stopped_and_restarted_under_load() throws Exception {
    int port = TestRedis.freePort();
    RedisServer server = redis(port);
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("redis").put("type", "standalone").put("endpoints", new JsonArray().add("redis://127.0.0.1:" + port)).put("commandTimeout", "500ms");
    // The throttle is on (with room for the whole test) so its fail-open path is exercised too.
    config.put("throttle", new JsonObject().put("enabled", true).put("ratePerSecond", 1000).put("burst", 100_000));
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port(), 32);
      assertTrue(burst(api, 0).stream().allMatch(r -> r[0] == 200));
      assertEquals(200, readiness(api));

      server.stop();
      long deadline = System.currentTimeMillis() + 5_000;
      for (int round = 1; round <= 3; round++) {
        for (long[] r : burst(api, round * 100)) {
          assertEquals(503, r[0], "Redis down: service_unavailable");
          assertTrue(r[1] < 1_000, "answered in " + r[1] + " ms");
        }
      }
      int ready = 200;
      while (ready == 200 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        ready = readiness(api);
      }
      assertEquals(503, ready, "readiness reports not-ready while Redis is down");
      assertTrue(MetricsTest.value(gateway.metrics().scrape(), "temppass_throttle_fail_open_total") >= 60,
          "the throttle failed open for each request while Redis was down, and counted it");

      server = redis(port);
      long back = System.nanoTime();
      boolean served = false;
      while (!served && (System.nanoTime() - back) / 1_000_000 < 5_000) {
        served = burst(api, 1000).stream().allMatch(r -> r[0] == 200);
        if (!served) Thread.sleep(100);
      }
      assertTrue(served, "serving again within 5 s of Redis returning");
      long readyDeadline = System.currentTimeMillis() + 5_000;
      while (readiness(api) != 200 && System.currentTimeMillis() < readyDeadline) Thread.sleep(100);
      assertEquals(200, readiness(api));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      server.stop();
    }
  }
}
