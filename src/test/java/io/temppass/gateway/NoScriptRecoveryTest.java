package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.RedisProcess;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A Redis that lost its script cache (restart, failover, SCRIPT FLUSH) answers NOSCRIPT; the
 * gateway falls back to EVAL once per script and is back on EVALSHA afterwards. Read from Redis's
 * own counters ({@code INFO commandstats} and {@code errorstats}, summed over every primary),
 * because the responses alone cannot tell a gateway that always sends EVAL from one that recovers.
 *
 * <p>Each phase runs one basic decision (script basic_authorize) and one promotional decision
 * (promo_bind, then promo_authorize): three scripts, each run once on one key, so on one node.
 * Caught breakages: {@code ScriptRunner.run} and {@code runDurable} always sending EVAL (the normal
 * phase counts no EVALSHA); the NOSCRIPT fallback removed from either (the decisions after the
 * flush fail); a fallback that retries EVALSHA without loading the script (NOSCRIPT stays, the
 * decisions after the flush fail).
 */
class NoScriptRecoveryTest {
  static final List<LuaScript> SCRIPTS =
      List.of(
          LuaScript.load("basic_authorize"),
          LuaScript.load("promo_bind"),
          LuaScript.load("promo_authorize"));
  static final int PER_PHASE = SCRIPTS.size();

  @Test
  void evalsha_is_the_normal_path_and_one_noscript_per_script_reloads_it() throws Exception {
    Vertx vertx = Vertx.vertx();
    RedisProbe redis = new RedisProbe(vertx);
    try {
      JsonObject config = config();
      recovers(vertx, config, redis, false);
    } finally {
      redis.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The same with {@code redis.replicaAcks: 1}, where authorizations go as a batch (script + WAIT)
   * on one connection: the NOSCRIPT arrives inside the batch reply, and the batch is resent with
   * EVAL. Against a primary with one replica (of this test's own, or the shared cluster's).
   */
  @Test
  void the_replica_acknowledged_batch_path_recovers_the_same_way() throws Exception {
    Vertx vertx = Vertx.vertx();
    RedisProcess primary = null;
    RedisProcess replica = null;
    RedisProbe redis;
    JsonObject config = config();
    if (TestRedis.cluster()) {
      redis = new RedisProbe(vertx);
    } else {
      primary = RedisProcess.start();
      replica = RedisProcess.replicaOf(primary);
      config.getJsonObject("redis").put("endpoints", new JsonArray().add(primary.url()));
      redis = new RedisProbe(vertx, primary.url());
      RedisProbe replicaProbe = new RedisProbe(vertx, replica.url());
      String link =
          Eventually.poll(
                  vertx,
                  Duration.ofSeconds(20),
                  () -> replicaProbe.send(Command.INFO, "replication").map(Response::toString),
                  info -> info.contains("master_link_status:up"))
              .await(30, TimeUnit.SECONDS);
      replicaProbe.close();
      assertTrue(link.contains("master_link_status:up"), link);
    }
    config
        .getJsonObject("redis")
        .put("replicaAcks", 1)
        .put("replicaAckTimeout", "2s")
        .put("commandTimeout", "5s");
    try {
      recovers(vertx, config, redis, true);
    } finally {
      redis.close();
      vertx.close().await(10, TimeUnit.SECONDS);
      if (replica != null) replica.close();
      if (primary != null) primary.close();
    }
  }

  private static JsonObject config() {
    return TestGateway.with(
        TestGateway.config(),
        TestGateway.basic("sp", "basic", "1h"),
        TestGateway.promotional("sp", "promo", "1h", 5));
  }

  /** The three phases; with {@code batch}, each authorization also sent its WAIT. */
  private static void recovers(Vertx vertx, JsonObject config, RedisProbe redis, boolean batch)
      throws Exception {
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    long waits = batch ? PER_PHASE : 0;
    try {
      // Warm-up: whatever the cache held before, the scripts are loaded afterwards.
      phase(api, "r0");

      Map<String, Long> normal = measured(redis, () -> phase(api, "r1"));
      assertEquals(waits, normal.getOrDefault("wait", 0L), normal.toString());
      assertEquals(
          PER_PHASE, normal.getOrDefault("evalsha", 0L), "EVALSHA is the normal path: " + normal);
      assertEquals(
          0, normal.getOrDefault("eval", 0L), "no EVAL while the scripts are cached: " + normal);
      assertEquals(0, normal.getOrDefault("NOSCRIPT", 0L), normal.toString());

      redis.sendToAll(Command.SCRIPT, "FLUSH").await(5, TimeUnit.SECONDS);
      Map<String, Long> flushed = measured(redis, () -> phase(api, "r2"));
      // The batch that met NOSCRIPT still ran its WAIT (nothing to wait for), and the resent one
      // its own.
      assertEquals(2 * waits, flushed.getOrDefault("wait", 0L), flushed.toString());
      assertEquals(
          PER_PHASE,
          flushed.getOrDefault("NOSCRIPT", 0L),
          "exactly one NOSCRIPT per script: " + flushed);
      assertEquals(
          PER_PHASE,
          flushed.getOrDefault("eval", 0L)
              + flushed.getOrDefault("script", 0L)
              + flushed.getOrDefault("script|load", 0L),
          "each NOSCRIPT triggers exactly one EVAL or SCRIPT LOAD: " + flushed);
      assertEquals(
          PER_PHASE,
          flushed.getOrDefault("evalsha", 0L),
          "each script was tried with EVALSHA first: " + flushed);
      for (LuaScript script : SCRIPTS) {
        long cached = 0;
        for (Response node :
            redis.sendToAll(Command.SCRIPT, "EXISTS", script.sha1()).await(5, TimeUnit.SECONDS))
          cached += node.get(0).toLong();
        assertTrue(cached >= 1, script.name() + " is cached again after the fallback");
      }

      Map<String, Long> resumed = measured(redis, () -> phase(api, "r3"));
      assertEquals(waits, resumed.getOrDefault("wait", 0L), resumed.toString());
      assertEquals(PER_PHASE, resumed.getOrDefault("evalsha", 0L), "EVALSHA resumes: " + resumed);
      assertEquals(0, resumed.getOrDefault("eval", 0L), resumed.toString());
      assertEquals(0, resumed.getOrDefault("NOSCRIPT", 0L), resumed.toString());
    } finally {
      api.close();
      gateway.stop().await(10, TimeUnit.SECONDS);
    }
  }

  /** One basic and one promotional decision for a new resource; both must be permits. */
  private static void phase(Api api, String resource) throws Exception {
    JsonObject basic =
        api.authorize("sp", "basic", "d1", null, resource).await(10, TimeUnit.SECONDS);
    JsonObject promo =
        api.authorize("sp", "promo", "d1", "a@example.com", resource).await(10, TimeUnit.SECONDS);
    assertTrue(
        basic.getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"), basic.encode());
    JsonObject p = promo.getJsonArray("decisions").getJsonObject(0);
    assertTrue(p.getBoolean("authorized"), promo.encode());
    assertEquals(resource, p.getString("resource"));
  }

  private interface Step {
    void run() throws Exception;
  }

  /** The counter deltas over {@code step}. */
  private static Map<String, Long> measured(RedisProbe redis, Step step) throws Exception {
    Map<String, Long> before = redis.commandStats().await(5, TimeUnit.SECONDS);
    step.run();
    Map<String, Long> after = redis.commandStats().await(5, TimeUnit.SECONDS);
    Map<String, Long> delta = new HashMap<>();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (d != 0) delta.put(e.getKey(), d);
    }
    return delta;
  }
}
