package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.temppass.gateway.support.TestRedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs in the Redis Cluster execution only. Many promotional trials hammered at once through two
 * gateways land on all three primaries (every script's keys share one slot, different trials do
 * not), and each trial still gets exactly maxResources distinct resources.
 */
@ExtendWith(VertxExtension.class)
class ClusterPromotionalSpreadTest {
  /** Not a multiple of the 8 titles, so each identity asks for every title over its 10 requests. */
  static final int TRIALS = 25;

  static final int MAX = 3;

  @Test
  void concurrent_trials_spread_over_all_primaries_each_grant_exactly_max_resources(
      Vertx vertx, VertxTestContext ctx) throws Throwable {
    assertTrue(TestRedis.cluster(), "run with -Dtest.redis=cluster");
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional("apasstest1", "flexibleTempPass", "1h", MAX));
    try (Pods pods = Pods.start(config, 2)) {
      Api apiA = new Api(vertx, pods.port(0), 64);
      Api apiB = new Api(vertx, pods.port(1), 64);
      List<Future<JsonObject>> all = new ArrayList<>();
      List<String> emails = new ArrayList<>();
      List<String> stored = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < TRIALS * 10; i++) {
        String email = "viewer" + (i % TRIALS) + "@example.com";
        emails.add(email);
        all.add(
            (i % 2 == 0 ? apiA : apiB)
                .authorize(
                    "apasstest1", "flexibleTempPass", "device-" + i, email, "title-" + (i % 8)));
      }
      RedisProbe redis = new RedisProbe(vertx);
      Future.all(all)
          .compose(v -> redis.keys(TestGateway.keyPrefix(config) + ":p:*:i:*"))
          .onComplete(
              ctx.succeeding(
                  trialKeys ->
                      ctx.verify(
                          () -> {
                            Map<String, Set<String>> granted = new HashMap<>();
                            for (int i = 0; i < all.size(); i++) {
                              JsonObject d =
                                  all.get(i).result().getJsonArray("decisions").getJsonObject(0);
                              if (d.getBoolean("authorized"))
                                granted
                                    .computeIfAbsent(emails.get(i), k -> new HashSet<>())
                                    .add(d.getString("resource"));
                            }
                            assertEquals(TRIALS, granted.size());
                            for (Map.Entry<String, Set<String>> e : granted.entrySet())
                              assertEquals(
                                  MAX, e.getValue().size(), e.getKey() + " got " + e.getValue());
                            assertEquals(TRIALS, trialKeys.size());
                            stored.addAll(trialKeys);
                            redis.close();
                            ctx.completeNow();
                          })));
      assertTrue(ctx.awaitCompletion(60, TimeUnit.SECONDS));
      if (ctx.failed()) throw ctx.causeOfFailure();
      // Slot lookups block: done here on the test thread, not on an event loop.
      TestRedisCluster cluster = TestRedis.sharedCluster();
      Set<Integer> primaries = new HashSet<>();
      for (String key : stored) primaries.add(cluster.primaryFor(key).port());
      assertEquals(3, primaries.size(), "trials on every primary");
    }
  }
}
