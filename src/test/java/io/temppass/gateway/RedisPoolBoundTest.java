package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.RedisProcess;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code redis.poolSize} bounds the connections that decisions and sessions open, per process,
 * whatever the number of HTTP instances: TempPass and MVPD requests are hammered together, many
 * more than the pool at once, and Redis's own {@code CLIENT LIST} is counted. The throttle is off
 * and the control plane holds its own 2. Caught breakages: one pool per TempPass and per MVPD
 * instance (as before the fix, twice the bound), and a pool divided among the cores while more HTTP
 * instances than cores take traffic.
 */
class RedisPoolBoundTest {
  static final String SP = "REF30";
  static final int POOL = 4;
  static final int CONTROL = 2;

  @Test
  void decisions_and_sessions_together_stay_within_the_pool() throws Exception {
    RedisProcess redis = RedisProcess.start();
    Vertx vertx = Vertx.vertx();
    TestMvpd mvpd = TestMvpd.start(vertx);
    RedisProbe probe = new RedisProbe(vertx, redis.url());
    try {
      JsonObject config =
          TestGateway.withMvpdSessions(
              TestGateway.with(
                  TestGateway.config(),
                  mvpd.integration(SP, "Cablevision"),
                  TestGateway.basic(SP, "basic", "1h")),
              SP);
      config
          .getJsonObject("redis")
          .put("type", "standalone")
          .put("endpoints", new JsonArray().add(redis.url()))
          .put("poolSize", POOL);
      config.getJsonObject("server").put("instances", 4);
      config.put("throttle", new JsonObject().put("enabled", false));
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port(), 64);
      MvpdSignIn browser = new MvpdSignIn(vertx, gateway.port());
      for (int round = 0; round < 3; round++) {
        List<Future<?>> load = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          load.add(api.authorize(SP, "basic", "pool-" + round + "-" + i, null, "REF30"));
          load.add(browser.createSession(SP, "Cablevision", "pool-s-" + round + "-" + i));
        }
        Future.join(load).await(60, TimeUnit.SECONDS);
        for (Future<?> f : load) assertTrue(f.succeeded(), String.valueOf(f.cause()));
      }
      String clients = probe.send(Command.CLIENT, "LIST").await(5, TimeUnit.SECONDS).toString();
      long connections = clients.lines().filter(l -> !l.isBlank()).count() - 1; // less the probe
      assertTrue(
          connections <= POOL + CONTROL,
          connections
              + " connections, more than the pool of "
              + POOL
              + " + "
              + CONTROL
              + ":\n"
              + clients);
      assertEquals(true, connections > CONTROL, "the load used the pool: " + clients);
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    } finally {
      probe.close();
      mvpd.close();
      vertx.close().await(10, TimeUnit.SECONDS);
      redis.close();
    }
  }
}
