package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPEC 6: a token bucket per client IP, shared through Redis by every gateway process. */
@ExtendWith(VertxExtension.class)
class ThrottleTest {

  static JsonObject throttled(double ratePerSecond) {
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.put("throttle", new JsonObject().put("enabled", true).put("ratePerSecond", ratePerSecond).put("burst", 10)
        .put("trustedProxies", new JsonArray().add("127.0.0.1/32")));
    return config;
  }

  private static Future<HttpResponse<Buffer>> request(Api api, String clientIp) {
    return api.decisions("apasstest1", "TempPass_TEST40", "throttle-device").putHeader("X-Forwarded-For", clientIp + ", 127.0.0.1")
        .sendJsonObject(Api.body("REF30"));
  }

  /**
   * Adobe's documented timeline: requests at t = 0, .3, .6, .9, 1.2, 1.3 … 1.8, 2.1, 2.2 are accepted,
   * 2.4, 2.6 and 2.8 get 429, 3.1 is accepted. Each request is scheduled against one start instant,
   * so a slow answer never shifts the ones after it; a late request only drains the bucket more,
   * and every rejection has 200 ms of slack before it would flip.
   */
  @Test
  void adobes_documented_timeline_is_reproduced(Vertx vertx, VertxTestContext ctx) {
    long[] at = {0, 300, 600, 900, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 2100, 2200, 2400, 2600, 2800, 3100};
    List<Integer> expected = new ArrayList<>();
    for (long t : at) expected.add(t == 2400 || t == 2600 || t == 2800 ? 429 : 200);
    TestGateway.start(vertx, throttled(1)).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port(), 20);
      // One untimed warm-up from another client, so the first timed request pays no connection set-up.
      request(api, "198.51.100.1").onComplete(ctx.succeeding(warm -> {
        List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
        for (long t : at) {
          Promise<HttpResponse<Buffer>> p = Promise.promise();
          answers.add(p.future());
          vertx.setTimer(Math.max(1, t), id -> request(api, "203.0.113.7").onComplete(p));
        }
        Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<Integer> statuses = new ArrayList<>();
          for (Future<HttpResponse<Buffer>> f : answers) statuses.add(f.result().statusCode());
          assertEquals(expected, statuses);
          HttpResponse<Buffer> rejected = answers.get(13).result();
          assertEquals("1", rejected.getHeader("Retry-After"));
          JsonObject error = rejected.bodyAsJsonObject();
          assertEquals(429, error.getInteger("status"));
          assertEquals("too_many_requests", error.getString("code"));
          assertEquals("retry", error.getString("action"));
          assertEquals(rejected.getHeader("X-Request-Id"), error.getString("trace"));
          assertTrue(g.metrics().scrape().contains("temppass_throttle_rejections_total 3.0"), "rejections are counted");
          g.stop().onComplete(ctx.succeedingThenComplete());
        })));
      }));
    }));
  }

  /**
   * Two gateway processes, one client: the burst (10) plus the first request (1) is the whole
   * budget, not per process. The refill rate is set very low so the count cannot depend on timing.
   */
  @Test
  void two_gateway_processes_share_one_clients_budget(Vertx vertx, VertxTestContext ctx) throws Exception {
    JsonObject config = throttled(0.001);
    try (Pods pods = Pods.start(config, 2)) {
      Api apiA = new Api(vertx, pods.port(0), 20);
      Api apiB = new Api(vertx, pods.port(1), 20);
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) all.add(request(i % 2 == 0 ? apiA : apiB, "192.0.2.44"));
      all.add(request(apiA, "192.0.2.45"));
      Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        long accepted = all.subList(0, 40).stream().filter(f -> f.result().statusCode() == 200).count();
        long rejected = all.subList(0, 40).stream().filter(f -> f.result().statusCode() == 429).count();
        assertEquals(11, accepted);
        assertEquals(29, rejected);
        assertEquals(200, all.get(40).result().statusCode(), "another client has its own budget");
        ctx.completeNow();
      })));
      ctx.awaitCompletion(30, TimeUnit.SECONDS);
    }
  }

  /** X-Forwarded-For is believed only from a trusted proxy; otherwise the peer address is the client. */
  @Test
  void forwarded_for_from_an_untrusted_peer_is_ignored(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = throttled(0.001);
    config.getJsonObject("throttle").put("trustedProxies", new JsonArray().add("10.0.0.0/8"));
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port(), 20);
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      // Different claimed clients, one real peer (127.0.0.1): one budget.
      for (int i = 0; i < 15; i++) all.add(request(api, "192.0.2." + i));
      Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertEquals(11, all.stream().filter(f -> f.result().statusCode() == 200).count());
        g.stop().onComplete(ctx.succeedingThenComplete());
      })));
    }));
  }
}
