package io.temppass.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * A standalone redis-server of a test's own (the binary of the embedded-redis artifact), for tests
 * that stop, restart, suspend or replicate a Redis and so cannot use the shared one. The port stays
 * the same across restarts, as a Redis behind a fixed address would.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final List<String> settings;
  private RedisServer server;

  private RedisProcess(int port, List<String> settings) {
    this.port = port;
    this.settings = settings;
  }

  /** A fresh server on a free port. */
  public static RedisProcess start() throws IOException {
    return start(List.of());
  }

  /** A fresh server that replicates {@code primary}. */
  public static RedisProcess replicaOf(RedisProcess primary) throws IOException {
    return start(List.of("replicaof 127.0.0.1 " + primary.port()));
  }

  private static RedisProcess start(List<String> extra) throws IOException {
    List<String> settings = new ArrayList<>(List.of("save \"\"", "appendonly no"));
    settings.addAll(extra);
    RedisProcess p = new RedisProcess(TestRedis.freePort(), settings);
    p.start0();
    return p;
  }

  private void start0() throws IOException {
    redis.embedded.core.RedisServerBuilder builder =
        RedisServer.newRedisServer().port(port).bind("127.0.0.1");
    for (String s : settings) builder.setting(s);
    server = builder.build();
    server.start();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the process (the port then refuses connections). */
  public void stop() throws IOException {
    if (server != null) server.stop();
    server = null;
  }

  /**
   * Starts it again on the same port, empty: the state of a Redis restarted without persistence.
   */
  public void restart() throws IOException {
    if (server != null) throw new IllegalStateException("still running");
    start0();
  }

  /** The server's process id, as it reports it in {@code INFO server}. */
  public long pid() {
    String info = TestRedisCluster.call(port, "INFO", "server").toString();
    for (String line : info.split("\r\n")) {
      if (line.startsWith("process_id:"))
        return Long.parseLong(line.substring("process_id:".length()));
    }
    throw new IllegalStateException("no process_id in INFO server");
  }

  /**
   * SIGSTOP: a hung Redis. The kernel still accepts connections and buffers commands, but nothing
   * is answered until {@link #resume}; the case a command timeout exists for.
   */
  public void suspend(long pid) {
    signal("-STOP", pid);
  }

  /** SIGCONT after {@link #suspend}. */
  public void resume(long pid) {
    signal("-CONT", pid);
  }

  private static void signal(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
        throw new IllegalStateException("kill " + signal + " " + pid + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
