package io.temppass.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.TestRedisCluster.Node;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks that {@link TestRedisCluster} is a real cluster the Vert.x cluster client can use, with
 * keys spread over every primary, and that it stays usable after a primary is killed.
 */
class TestRedisClusterTest {

  @Test
  void slot_matches_redis_reference_values_and_honours_hash_tags() {
    assertEquals(12739, TestRedisCluster.slot("123456789"));
    assertEquals(12182, TestRedisCluster.slot("foo"));
    assertEquals(TestRedisCluster.slot("user1000"), TestRedisCluster.slot("{user1000}.following"));
    assertEquals(
        TestRedisCluster.slot("{user1000}.following"),
        TestRedisCluster.slot("{user1000}.followers"));
    assertEquals(TestRedisCluster.slot("foo{}{bar}"), TestRedisCluster.slot("foo{}{bar}"));
    assertNotEquals(TestRedisCluster.slot("bar"), TestRedisCluster.slot("foo{}{bar}"));
    assertEquals(TestRedisCluster.slot("bar"), TestRedisCluster.slot("foo{bar}{zap}"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void cluster_client_reads_and_writes_on_three_primaries_and_after_a_failover() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestRedisCluster cluster = TestRedisCluster.start(3, 1)) {
      List<Node> primaries = cluster.primaries();
      assertEquals(3, primaries.size());
      for (Node p : primaries) assertEquals(1, cluster.replicasOf(p).size());

      List<String> keys = keysOnEachThirdOfTheSlots();
      Redis client =
          Redis.createClient(
              vertx,
              new RedisOptions()
                  .setType(RedisClientType.CLUSTER)
                  .setEndpoints(cluster.endpoints()));
      for (String key : keys) send(client, Command.SET, key, "before");
      for (String key : keys) assertEquals("before", send(client, Command.GET, key).toString());
      HashSet<Node> owners = new HashSet<>();
      for (String key : keys) owners.add(cluster.primaryFor(key));
      assertEquals(new HashSet<>(primaries), owners);

      String failedOverKey = keys.get(1);
      Node victim = cluster.primaryFor(failedOverKey);
      Node replica = cluster.replicasOf(victim).get(0);
      Node successor = cluster.killPrimary(victim);
      assertEquals(replica, successor);
      assertEquals(successor, cluster.primaryFor(failedOverKey));
      assertTrue(cluster.primaries().contains(successor) && !cluster.primaries().contains(victim));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Exception last = null;
      while (System.nanoTime() < deadline) {
        try {
          send(client, Command.SET, failedOverKey, "after");
          if ("after".equals(String.valueOf(send(client, Command.GET, failedOverKey)))) {
            last = null;
            break;
          }
        } catch (Exception e) {
          last = e;
        }
        Thread.sleep(100);
      }
      if (last != null)
        throw new AssertionError("no SET/GET on the failed-over slots within 10 s", last);
      assertEquals("after", send(client, Command.GET, failedOverKey).toString());
      client.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * One key per primary: hash tags whose slots fall in each primary's third, {@code [i*16384/3,
   * (i+1)*16384/3)}.
   */
  private static List<String> keysOnEachThirdOfTheSlots() {
    List<String> keys = new ArrayList<>(List.of("", "", ""));
    for (int i = 0; keys.contains(""); i++) {
      String key = "{tag" + i + "}:value";
      int slot = TestRedisCluster.slot(key);
      int third = 0;
      while (third < 2 && slot >= (third + 1) * TestRedisCluster.SLOTS / 3) third++;
      if (keys.get(third).isEmpty()) keys.set(third, key);
    }
    return keys;
  }

  private static Response send(Redis client, Command command, String... args) throws Exception {
    Request request = Request.cmd(command);
    for (String a : args) request.arg(a);
    return client.send(request).await(2, TimeUnit.SECONDS);
  }
}
