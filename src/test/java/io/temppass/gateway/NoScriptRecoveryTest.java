package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Redis that lost its script cache (restart, failover, SCRIPT FLUSH) answers NOSCRIPT; the gateway falls back to EVAL. */
@ExtendWith(VertxExtension.class)
class NoScriptRecoveryTest {

  @Test
  void script_flush_between_two_requests_both_succeed(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = TestGateway.with(TestGateway.config(),
        TestGateway.basic("sp", "basic", "1h"), TestGateway.promotional("sp", "promo", "1h", 2));
    RedisProbe redis = new RedisProbe(vertx);
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port());
      api.authorize("sp", "basic", "d1", null, "r1")
          .compose(v -> api.authorize("sp", "promo", "d1", "a@example.com", "r1"))
          .compose(v -> redis.sendToAll(Command.SCRIPT, "FLUSH"))
          .compose(v -> api.authorize("sp", "basic", "d1", null, "r2"))
          .compose(basic -> api.authorize("sp", "promo", "d1", "a@example.com", "r2").map(promo -> new JsonObject[] {basic, promo}))
          .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
            assertTrue(both[0].getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"));
            assertTrue(both[1].getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"));
            assertEquals("r2", both[1].getJsonArray("decisions").getJsonObject(0).getString("resource"));
            redis.close();
            g.stop().onComplete(ctx.succeedingThenComplete());
          })));
    }));
  }
}
