package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.redis.RedisShare;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One Redis client per event loop, shared by the TempPass and MVPD verticles on it: it stays usable
 * for every holder until the last lets go, whichever verticle made it. Caught breakage: the client
 * made inside the first verticle's {@code start()} (as before the fix) belongs to that deployment,
 * and undeploying it closed the connections the other verticle still used.
 */
class RedisShareTest {
  /** Takes the loop's client when deployed, lets go of it when undeployed. */
  static final class Holder extends VerticleBase {
    final RedisShare share;
    Redis client;

    Holder(RedisShare share) {
      this.share = share;
    }

    @Override
    public Future<?> start() {
      client = share.client(vertx);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      return share.release(client);
    }
  }

  @Test
  void a_loops_client_outlives_the_verticle_that_made_it() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      GatewayConfig config = TestGateway.parse(TestGateway.config());
      RedisShare share = new RedisShare(config.redis(), config.redis().endpoints(), 1, null);
      Holder first = new Holder(share);
      Holder second = new Holder(share);
      String firstId = vertx.deployVerticle(first).await(10, TimeUnit.SECONDS);
      vertx.deployVerticle(second).await(10, TimeUnit.SECONDS);
      assertSame(first.client, second.client, "one client per event loop");
      assertEquals("PONG", ping(second.client).await(10, TimeUnit.SECONDS), "the client works");
      vertx.undeploy(firstId).await(10, TimeUnit.SECONDS);
      assertEquals(
          "PONG",
          ping(second.client).await(10, TimeUnit.SECONDS),
          "still works for the verticle that holds it");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Future<String> ping(Redis client) {
    return client.send(Request.cmd(Command.PING)).map(Object::toString);
  }
}
