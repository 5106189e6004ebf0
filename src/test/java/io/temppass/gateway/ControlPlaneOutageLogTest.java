package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While Redis is unreachable the control-plane poller (every admin.pollInterval) logs at most one
 * warning a minute. Breakage caught: logging every failed poll (the former behaviour) writes about
 * 40 warnings in these 2 s.
 */
class ControlPlaneOutageLogTest {

  @Test
  void an_unreachable_redis_is_reported_once_a_minute() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config
        .getJsonObject("redis")
        .put("type", "standalone")
        .put("endpoints", new JsonArray().add("redis://127.0.0.1:" + TestRedis.freePort()))
        .put("commandTimeout", "200ms")
        .put("replicaAckTimeout", "100ms");
    config.put("admin", new JsonObject().put("pollInterval", "50ms"));
    Vertx vertx = Vertx.vertx();
    try (LogCapture logs = new LogCapture()) {
      TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      long polls = 2_000 / 50;
      Thread.sleep(2_000);
      long warnings =
          logs.warnings().stream().filter(l -> l.contains("control-plane poll failed")).count();
      assertEquals(1, warnings, polls + " polls failed; logged: " + logs.warnings());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
