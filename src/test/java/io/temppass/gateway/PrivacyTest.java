package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 4.2: only keyed hashes of identities and device ids are stored; Redis dumps reveal neither.
 */
@ExtendWith(VertxExtension.class)
class PrivacyTest {
  static final String EMAIL = "Private.Person@Example.com";
  static final String DEVICE = "ba23d141-d715-561c-94f4-e9e4c966b1eb";

  @Test
  void raw_email_and_raw_device_id_appear_nowhere_in_redis(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional("apasstest1", "flexibleTempPass", "1h", 2),
            TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    String prefix = TestGateway.keyPrefix(config);
    RedisProbe redis = new RedisProbe(vertx);
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  api.authorize("apasstest1", "flexibleTempPass", DEVICE, EMAIL, "r1")
                      .compose(
                          v ->
                              api.authorize(
                                  "apasstest1", "flexibleTempPass", DEVICE, EMAIL, "r2", "r3"))
                      .compose(
                          v -> api.authorize("apasstest1", "TempPass_TEST40", DEVICE, null, "r1"))
                      .compose(v -> redis.keys(prefix))
                      .compose(keys -> dump(redis, keys))
                      .onComplete(
                          ctx.succeeding(
                              everything ->
                                  ctx.verify(
                                      () -> {
                                        assertTrue(
                                            everything.size() >= 3,
                                            "the flow stored keys: " + everything);
                                        List<String> forbidden =
                                            List.of(
                                                EMAIL.toLowerCase(Locale.ROOT),
                                                "private.person",
                                                DEVICE,
                                                "ba23d141",
                                                Base64.getEncoder()
                                                    .encodeToString(
                                                        DEVICE.getBytes(StandardCharsets.UTF_8)),
                                                Base64.getEncoder()
                                                    .encodeToString(
                                                        EMAIL.getBytes(StandardCharsets.UTF_8)));
                                        for (String stored : everything) {
                                          for (String f : forbidden)
                                            assertFalse(
                                                stored
                                                    .toLowerCase(Locale.ROOT)
                                                    .contains(f.toLowerCase(Locale.ROOT)),
                                                "found " + f + " in " + stored);
                                        }
                                        redis.close();
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  /** Every key name, and every value: strings whole, hashes field by field. */
  private static Future<List<String>> dump(RedisProbe redis, List<String> keys) {
    List<String> out = new ArrayList<>(keys);
    Future<Void> chain = Future.succeededFuture();
    for (String key : keys) {
      chain =
          chain
              .compose(v -> redis.send(Command.TYPE, key))
              .compose(
                  type -> {
                    Future<Response> value =
                        switch (type.toString()) {
                          case "hash" -> redis.send(Command.HGETALL, key);
                          case "string" -> redis.send(Command.GET, key);
                          default -> Future.failedFuture("unexpected type " + type + " for " + key);
                        };
                    return value.map(
                        r -> {
                          collect(r, out);
                          return null;
                        });
                  });
    }
    return chain.map(v -> out);
  }

  private static void collect(Response r, List<String> out) {
    if (r == null) return;
    switch (r.type()) {
      case MULTI -> {
        if (r.size() >= 0) {
          try {
            for (Response child : r) collect(child, out);
          } catch (UnsupportedOperationException mapReply) {
            for (String k : r.getKeys()) {
              out.add(k);
              collect(r.get(k), out);
            }
          }
        }
      }
      default -> out.add(r.toString());
    }
  }
}
