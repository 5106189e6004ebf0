package io.temppass.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/**
 * The real Redis server the tests talk to: {@code REDIS_URL} when set (for example a Debian
 * redis-server); else, with {@code TEST_REDIS_DOCKER=1} where a Docker engine runs, a {@code
 * redis:7} container started by Testcontainers; else a real redis-server binary from the
 * embedded-redis artifact on a free port. Started once per test JVM. Tests isolate themselves with
 * their own key prefix, never by flushing.
 */
public final class TestRedis {
  private static String url;
  private static RedisServer server;
  private static TestRedisCluster cluster;

  private TestRedis() {}

  /**
   * Whether the suite runs against a Redis Cluster ({@code -Dtest.redis=cluster}: three primaries
   * with a replica each, started once per JVM) instead of one standalone server.
   */
  public static boolean cluster() {
    return "cluster".equals(System.getProperty("test.redis"));
  }

  /** The shared cluster (cluster mode only). */
  public static synchronized TestRedisCluster sharedCluster() {
    endpoints();
    return cluster;
  }

  /** Seed endpoints for the gateway: the primaries of the cluster, or the standalone server. */
  public static synchronized java.util.List<String> endpoints() {
    if (!cluster()) return java.util.List.of(url());
    if (cluster == null) cluster = TestRedisCluster.start(3, 1);
    return cluster.endpoints();
  }

  public static synchronized String url() {
    if (url != null) return url;
    String env = System.getenv("REDIS_URL");
    if (env != null && !env.isBlank()) {
      url = env;
      return url;
    }
    if ("1".equals(System.getenv("TEST_REDIS_DOCKER"))) {
      org.testcontainers.containers.GenericContainer<?> container =
          new org.testcontainers.containers.GenericContainer<>("redis:7").withExposedPorts(6379);
      container.start();
      url = "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
      return url;
    }
    try {
      int port = freePort();
      server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .build();
      server.start();
      url = "redis://127.0.0.1:" + port;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.stop();
                    } catch (IOException ignored) {
                      // the JVM is exiting; the child process dies with it
                    }
                  }));
      return url;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
