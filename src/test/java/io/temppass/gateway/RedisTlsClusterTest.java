package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TlsRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redis.type: cluster} over TLS: a three-primary Redis Cluster serving TLS only (cluster bus
 * included), with a password. The gateway is given one seed; the nodes CLUSTER SLOTS names are
 * reached over TLS with the same trust file, host-name check and password. Many devices spread
 * their keys over all three primaries, and every decision succeeds. Caught breakage: {@code
 * redis.password} not handed to the cluster client (checked: NOAUTH, every decision 503).
 */
class RedisTlsClusterTest {
  @TempDir Path dir;

  @Test
  void decisions_work_on_a_tls_cluster() throws Exception {
    TlsRedis.Pki pki = TlsRedis.Pki.create(dir);
    List<TlsRedis> nodes = TlsRedis.cluster(pki, 3);
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config =
          TestGateway.with(
              TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
      config
          .getJsonObject("redis")
          .put("type", "cluster")
          .put("endpoints", new JsonArray().add(nodes.get(0).url("127.0.0.1")))
          .put("password", TlsRedis.PASSWORD)
          .put("tls", new JsonObject().put("trustFile", pki.ca().toString()))
          // Room for TLS handshakes with every node on a busy machine: the test is about reaching
          // the nodes, not about how fast.
          .put("commandTimeout", "10s")
          .put("replicaAckTimeout", "1s");
      config.getJsonObject("server").put("eventBusTimeout", "30s");
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      List<Future<JsonObject>> decisions = new ArrayList<>();
      // One at a time: each may open the first TLS connection to another node.
      for (int i = 0; i < 30; i++) {
        Future<JsonObject> d =
            api.authorize("apasstest1", "TempPass_TEST40", "tls-cluster-" + i, null, "REF30");
        d.await(60, TimeUnit.SECONDS);
        decisions.add(d);
      }
      for (Future<JsonObject> d : decisions)
        assertTrue(
            d.result().getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"),
            d.result().encode());
      assertEquals(
          200,
          RedisTlsTest.readinessUntil(api, 200),
          "readiness over the cluster's TLS connections");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      for (TlsRedis n : nodes) n.close();
    }
  }
}
