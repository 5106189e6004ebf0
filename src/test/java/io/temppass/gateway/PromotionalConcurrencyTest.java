package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways, each in its own Vert.x instance with its own Redis pool and event bus (as two pods
 * would be), share one Redis. 200 concurrent requests on one promotional trial, 20 different
 * resources, spread over both: exactly maxResources distinct resources may be granted, and the
 * trial's hash in Redis holds exactly the titles the responses granted (by digest), no more and no
 * fewer. Catches: a trial that stores the raw ids again instead of their digests
 * (promo_authorize.lua using the shown id as the field: every count still right, the hash holds
 * {@code title-…}); a count that grants without storing (the HSET dropped) already fails the
 * distinct count above.
 */
@ExtendWith(VertxExtension.class)
class PromotionalConcurrencyTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";

  @Test
  void two_hundred_concurrent_requests_over_two_gateways_grant_exactly_max_resources(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    JsonObject config =
        TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, MVPD, "1h", 3));
    try (Pods pods = Pods.start(config, 2)) {
      Api apiA = new Api(vertx, pods.port(0), 100);
      Api apiB = new Api(vertx, pods.port(1), 100);
      List<Future<JsonObject>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Api api = i % 2 == 0 ? apiA : apiB;
        // Several devices, one identity: every request lands on the same trial.
        all.add(
            api.authorize(SP, MVPD, "device-" + (i % 7), "race@example.com", "title-" + (i % 20)));
      }
      Future.all(all)
          .onComplete(
              ctx.succeeding(
                  v ->
                      ctx.verify(
                          () -> {
                            Set<String> granted = new HashSet<>();
                            int permits = 0;
                            for (Future<JsonObject> f : all) {
                              JsonObject d = f.result().getJsonArray("decisions").getJsonObject(0);
                              if (d.getBoolean("authorized")) {
                                granted.add(d.getString("resource"));
                                permits++;
                              } else {
                                assertEquals(
                                    "temporary_access_resources_limit_exceeded",
                                    d.getJsonObject("error").getString("code"));
                              }
                            }
                            assertEquals(
                                3, granted.size(), "distinct resources granted: " + granted);
                            // Every request for one of the granted titles was permitted (200 / 20 =
                            // 10 per title).
                            assertEquals(30, permits);
                            RedisProbe redis = new RedisProbe(vertx);
                            redis
                                .keys(TestGateway.keyPrefix(config) + ":p:*:i:*")
                                .compose(
                                    keys -> {
                                      ctx.verify(() -> assertEquals(1, keys.size(), "one trial"));
                                      return redis.send(Command.HKEYS, keys.get(0));
                                    })
                                .onComplete(
                                    ctx.succeeding(
                                        fields ->
                                            ctx.verify(
                                                () -> {
                                                  Set<String> stored = new HashSet<>();
                                                  for (var field : fields)
                                                    if (!field.toString().isEmpty())
                                                      stored.add(field.toString());
                                                  Set<String> grantedDigests = new HashSet<>();
                                                  for (String title : granted)
                                                    grantedDigests.add(
                                                        io.temppass.gateway.redis.ResourceDigest.of(
                                                            title));
                                                  assertEquals(
                                                      grantedDigests,
                                                      stored,
                                                      "the trial's resources are exactly the granted titles");
                                                  assertEquals(
                                                      4, fields.size(), "start time + 3 resources");
                                                  redis.close();
                                                  ctx.completeNow();
                                                })));
                          })));
      ctx.awaitCompletion(60, TimeUnit.SECONDS);
    }
  }
}
