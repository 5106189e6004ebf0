package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Killing a Redis Cluster primary that has replicas, under promotional load: after the failover the
 * gateway serves again by itself, and no trial was granted more than maxResources. With
 * {@code redis.replicaAcks: 1} a grant is acknowledged by the replica (WAIT) before the gateway
 * answers, so the failover cannot lose a grant a viewer was already told about.
 */
class ClusterFailoverTest {
  static final int MAX = 3;
  static final int IDENTITIES = 12;

  @Test
  void after_a_primary_fails_over_the_gateway_serves_again_and_never_over_grants() throws Exception {
    // Two replicas per primary: after the failover the new primary still has one to acknowledge writes.
    try (TestRedisCluster cluster = TestRedisCluster.start(3, 2)) {
      JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.promotional("apasstest1", "flexibleTempPass", "1h", MAX));
      config.getJsonObject("redis").put("type", "cluster").put("endpoints", new JsonArray(new ArrayList<Object>(cluster.endpoints())))
          .put("replicaAcks", 1).put("replicaAckTimeout", "300ms").put("commandTimeout", "1s");
      Vertx vertx = Vertx.vertx();
      try {
        Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
        Api api = new Api(vertx, gateway.port(), 64);
        Map<String, Set<String>> granted = new HashMap<>();

        round(api, 0, granted);
        TestRedisCluster.Node victim = cluster.primaries().get(0);
        // Requests in flight while the primary dies: each is answered, permit, deny or an error.
        List<Future<HttpResponse<Buffer>>> during = fire(api, 1);
        cluster.killPrimary(victim);
        Future.join(during).await(30, TimeUnit.SECONDS);
        collect(during, 1, granted);

        // Served again: a round where every request succeeds, within a deadline.
        long deadline = System.currentTimeMillis() + 10_000;
        boolean served = false;
        for (int r = 2; !served && System.currentTimeMillis() < deadline; r++) served = round(api, r, granted);
        assertTrue(served, "the gateway did not serve again within 10 s of the failover");
        round(api, 99, granted);

        assertEquals(IDENTITIES, granted.size());
        for (Map.Entry<String, Set<String>> e : granted.entrySet()) {
          assertTrue(e.getValue().size() <= MAX, e.getKey() + " was granted " + e.getValue());
        }
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  /** One request per identity, each for a resource new to it; true when all were answered 200. */
  private static boolean round(Api api, int round, Map<String, Set<String>> granted) throws Exception {
    List<Future<HttpResponse<Buffer>>> answers = fire(api, round);
    Future.join(answers).await(30, TimeUnit.SECONDS);
    collect(answers, round, granted);
    boolean ok = answers.stream().allMatch(f -> f.succeeded() && f.result().statusCode() == 200);
    if (!ok) {
      answers.stream().filter(f -> f.failed() || f.result().statusCode() != 200).findFirst()
          .ifPresent(f -> System.out.println("round " + round + " not yet served: " + (f.failed() ? f.cause() : f.result().bodyAsString())));
    }
    return ok;
  }

  private static List<Future<HttpResponse<Buffer>>> fire(Api api, int round) {
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < IDENTITIES; i++) {
      answers.add(api.decisions("apasstest1", "flexibleTempPass", "device-" + i)
          .putHeader("AP-TempPass-Identity", Api.identity("viewer" + i + "@example.com"))
          .sendJsonObject(Api.body("title-" + round)));
    }
    return answers;
  }

  private static void collect(List<Future<HttpResponse<Buffer>>> answers, int round, Map<String, Set<String>> granted) {
    for (int i = 0; i < answers.size(); i++) {
      Future<HttpResponse<Buffer>> f = answers.get(i);
      if (f.failed() || f.result().statusCode() != 200) continue;
      JsonObject d = f.result().bodyAsJsonObject().getJsonArray("decisions").getJsonObject(0);
      Set<String> mine = granted.computeIfAbsent("viewer" + i, k -> new HashSet<>());
      if (d.getBoolean("authorized")) mine.add(d.getString("resource"));
    }
  }
}
