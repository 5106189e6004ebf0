package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.RedisProcess;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With {@code redis.replicaAcks: 1}, admin writes (a reset-all's new generation, degradation rules)
 * wait for a replica like grants do, so a failover cannot undo a reset the admin was told had
 * happened. Against a primary of the test's own: alone, the write fails closed (503); with a
 * replica, it is answered 204 after a {@code WAIT}. Caught breakage: the control plane's runner
 * built without the replica settings (as before), which answers 204 with no replica at all.
 */
class ControlWriteDurabilityTest {
  private static final String SP = "apasstest1";
  private static final String RESET_ALL =
      "/reset-tempass/v3/reset/generic?requestor_id=" + SP + "&mvpd_id=promo&key=";

  @Test
  void admin_writes_wait_for_a_replica() throws Exception {
    RedisProcess primary = RedisProcess.start();
    RedisProcess replica = null;
    Vertx vertx = Vertx.vertx();
    RedisProbe probe = new RedisProbe(vertx, primary.url());
    try {
      JsonObject config =
          TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, "promo", "1h", 2));
      config
          .getJsonObject("redis")
          .put("type", "standalone")
          .put("endpoints", new JsonArray().add(primary.url()))
          .put("replicaAcks", 1)
          .put("replicaAckTimeout", "200ms");
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());

      HttpResponse<Buffer> alone =
          api.admin(HttpMethod.DELETE, RESET_ALL).send().await(10, TimeUnit.SECONDS);
      assertEquals(503, alone.statusCode(), alone.bodyAsString());
      assertEquals(
          "service_unavailable", alone.bodyAsJsonObject().getString("code"), alone.bodyAsString());
      long waitsAlone = probe.commandStats().await(5, TimeUnit.SECONDS).getOrDefault("wait", 0L);
      // One WAIT, or two where the script was not yet cached (the batch is resent after NOSCRIPT).
      assertTrue(waitsAlone >= 1, "the write was followed by its WAIT");

      replica = RedisProcess.replicaOf(primary);
      String link =
          Eventually.poll(
                  vertx,
                  Duration.ofSeconds(20),
                  () -> probe.send(Command.INFO, "replication").map(Response::toString),
                  info -> info.contains("connected_slaves:1") && info.contains("state=online"))
              .await(30, TimeUnit.SECONDS);
      assertTrue(link.contains("state=online"), link);

      HttpResponse<Buffer> replicated =
          api.admin(HttpMethod.DELETE, RESET_ALL).send().await(10, TimeUnit.SECONDS);
      assertEquals(204, replicated.statusCode(), replicated.bodyAsString());
      assertEquals(
          waitsAlone + 1,
          probe.commandStats().await(5, TimeUnit.SECONDS).getOrDefault("wait", 0L).longValue());
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    } finally {
      probe.close();
      vertx.close().await(10, TimeUnit.SECONDS);
      if (replica != null) replica.close();
      primary.close();
    }
  }
}
