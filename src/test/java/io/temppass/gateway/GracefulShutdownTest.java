package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real gateway process (a child JVM), timed from the signal.
 *
 * <p>Breakages caught: the former JVM shutdown hook (which waited on a Vert.x close callback
 * dispatched to an already stopped event loop) fails {@code
 * an_idle_gateway_exits_promptly_with_status_0}: exit after the 20 s grace with status 143 and a
 * RejectedExecutionException on stderr. An {@code HttpVerticle.stop} that closes hard ({@code
 * server.close()} instead of {@code server.shutdown(...)}) fails {@code
 * requests_in_flight_when_the_listener_closes_all_complete}: the paused requests lose their
 * connections. Readiness kept up during the delay (the {@code draining} flag not set) fails the 100
 * ms readiness assertion.
 */
class GracefulShutdownTest {
  @TempDir Path dir;
  Process gateway;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void cleanUp() throws Exception {
    if (gateway != null) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * Starts {@code Main} in a child JVM on {@code port}, with the given server settings; stdout and
   * stderr to files.
   */
  private Process launch(int port, String serverSettings, String redisSettings) throws Exception {
    Path config =
        GatewayProcess.config(
            dir,
            "gateway",
            "{host: 127.0.0.1, port: " + port + ", instances: 2, " + serverSettings + "}",
            "{endpoints: [" + TestRedis.url() + "], keyPrefix: sig" + port + redisSettings + "}",
            "{enabled: false}");
    return GatewayProcess.builder("--config", config.toString())
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile())
        .start();
  }

  private String stdout() throws Exception {
    return Files.readString(dir.resolve("stdout.log"));
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr.log"));
  }

  private void awaitReady(Api api) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (readiness(api) == 200) return;
      assertTrue(gateway.isAlive(), "gateway exited: " + stderr() + stdout());
      Thread.sleep(100);
    }
    throw new AssertionError("gateway did not become ready: " + stderr() + stdout());
  }

  private static int readiness(Api api) {
    try {
      return api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Milliseconds from {@code signalNanos} until the process exited, or fails after {@code
   * limitMillis}.
   */
  private long exitMillis(long signalNanos, long limitMillis) throws Exception {
    boolean exited = gateway.waitFor(limitMillis + 5_000, TimeUnit.MILLISECONDS);
    long millis = (System.nanoTime() - signalNanos) / 1_000_000;
    assertTrue(exited, "still running " + millis + " ms after SIGTERM; stderr: " + stderr());
    return millis;
  }

  /**
   * Idle: readiness answers 503 within 100 ms of SIGTERM (load balancers stop sending), and the
   * process exits with status 0 within shutdownReadinessDelay + 2 s of the signal, nothing on
   * stderr.
   */
  @Test
  void an_idle_gateway_exits_promptly_with_status_0() throws Exception {
    int port = TestRedis.freePort();
    long delayMillis = 1_000;
    gateway =
        launch(port, "shutdownReadinessDelay: " + delayMillis + "ms, shutdownGracePeriod: 20s", "");
    Api api = new Api(vertx, port, 1);
    awaitReady(api);

    long signal = System.nanoTime();
    gateway.destroy(); // SIGTERM
    // Readiness is "down within 100 ms" when every query sent more than 100 ms after the signal
    // gets
    // 503. Judged by when each query was sent, not answered, so that a slow answer on a loaded
    // machine
    // cannot be mistaken for a slow readiness change (a query answered 200 was sent while still
    // up).
    List<long[]> queries = new ArrayList<>();
    long sentMillis;
    do {
      sentMillis = (System.nanoTime() - signal) / 1_000_000;
      queries.add(new long[] {sentMillis, readiness(api)});
    } while (sentMillis < 300);
    for (long[] q : queries) {
      if (q[0] > 100)
        assertEquals(
            503,
            q[1],
            "readiness query sent " + q[0] + " ms after SIGTERM; all: " + describe(queries));
    }
    assertTrue(queries.stream().anyMatch(q -> q[1] == 503), describe(queries));

    long exit = exitMillis(signal, delayMillis + 2_000);
    assertTrue(exit <= delayMillis + 2_000, "exited " + exit + " ms after SIGTERM");
    assertTrue(
        exit >= delayMillis, "exited " + exit + " ms after SIGTERM, before the readiness delay");
    assertEquals(0, gateway.exitValue(), "exit status; stderr: " + stderr());
    assertEquals("", stderr());
    assertTrue(stdout().contains("shutting down"), stdout());
  }

  /**
   * Requests genuinely in flight when the listener closes: the readiness delay is 0 and Redis is
   * paused ({@code CLIENT PAUSE}), so at the signal every request has been sent and none answered.
   * Each must still get a complete 200 (a server that closed hard would cut them off), and the
   * process must exit with status 0 as soon as they are done: within the grace period timed from
   * the signal, and within 2.5 s of the last answer.
   */
  @Test
  void requests_in_flight_when_the_listener_closes_all_complete() throws Exception {
    int port = TestRedis.freePort();
    long graceMillis = 15_000;
    gateway =
        launch(
            port,
            "shutdownReadinessDelay: 0s, shutdownGracePeriod: "
                + graceMillis
                // Vert.x's gauge of requests being served tells when the gateway holds them all.
                + "ms, eventBusTimeout: 10s, vertxHttpMetrics: true",
            ", commandTimeout: 8s");
    int inFlight = 16;
    Api api = new Api(vertx, port, inFlight);
    awaitReady(api);
    // Open every connection of the client's pool first, so each request below is written at once.
    List<Future<HttpResponse<Buffer>>> warm = new ArrayList<>();
    for (int i = 0; i < inFlight; i++) warm.add(decide(api, "warm-" + i));
    Future.all(warm).await(20, TimeUnit.SECONDS);

    RedisProbe redis = new RedisProbe(vertx);
    long pauseMillis = 4_000;
    // WRITE mode holds every script (EVALSHA) but lets reads through, so the control-plane poller
    // and
    // this test's own checks keep working while the decisions wait.
    redis.send(Command.CLIENT, "PAUSE", pauseMillis, "WRITE").await(5, TimeUnit.SECONDS);
    long pausedAt = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 0; i < inFlight; i++) answers.add(decide(api, "inflight-" + i));
    // Signal only once the gateway holds them all: Vert.x's own gauge of requests being served,
    // read on a separate connection (the /metrics request itself counts as one).
    Api monitor = new Api(vertx, port, 1);
    long deadline = System.nanoTime() + 3_000_000_000L;
    double active = 0;
    while (System.nanoTime() < deadline
        && (active =
                MetricsTest.value(
                    monitor.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString(),
                    "vertx_http_server_active_requests"))
            < inFlight + 1) {
      Thread.sleep(20);
    }
    assertTrue(active >= inFlight + 1, "requests being served before the signal: " + active);
    long answeredBeforeSignal = answers.stream().filter(Future::isComplete).count();
    long signal = System.nanoTime();
    gateway.destroy(); // SIGTERM
    assertEquals(0, answeredBeforeSignal, "requests must still be waiting on Redis at the signal");
    assertTrue(
        (signal - pausedAt) / 1_000_000 < pauseMillis, "the signal came while Redis was paused");

    Future.join(new ArrayList<>(answers))
        .transform(ar -> Future.succeededFuture())
        .await(30, TimeUnit.SECONDS);
    long lastAnswer = (System.nanoTime() - signal) / 1_000_000;
    for (int i = 0; i < answers.size(); i++) {
      Future<HttpResponse<Buffer>> f = answers.get(i);
      assertTrue(f.succeeded(), "request " + i + " in flight at SIGTERM failed: " + f.cause());
      assertEquals(200, f.result().statusCode(), f.result().bodyAsString());
      assertTrue(
          f.result()
              .bodyAsJsonObject()
              .getJsonArray("decisions")
              .getJsonObject(0)
              .getBoolean("authorized"));
    }
    long exit = exitMillis(signal, graceMillis);
    assertTrue(
        exit <= graceMillis, "exited " + exit + " ms after SIGTERM (grace " + graceMillis + " ms)");
    assertTrue(
        exit <= lastAnswer + 2_500,
        "exited "
            + exit
            + " ms after SIGTERM, "
            + (exit - lastAnswer)
            + " ms after the last answer");
    assertEquals(0, gateway.exitValue(), "exit status; stderr: " + stderr());
    assertEquals("", stderr());
    redis.close();
  }

  /**
   * A start-up that cannot succeed (port taken) exits at once, status 2, with the reason on stderr.
   */
  @Test
  void a_failed_start_up_exits_at_once_with_a_clear_message() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      long start = System.nanoTime();
      gateway =
          launch(taken.getLocalPort(), "shutdownReadinessDelay: 30s, shutdownGracePeriod: 60s", "");
      assertTrue(gateway.waitFor(120, TimeUnit.SECONDS), "still running");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(2, gateway.exitValue());
      assertTrue(stderr().startsWith("start-up failed: "), stderr());
      assertTrue(stderr().toLowerCase().contains("address already in use"), stderr());
      // JVM start and key loading included (up to 15 s seen on a loaded 2-core machine); the former
      // exit waited out the readiness delay and the grace period first, 90 s here.
      assertTrue(millis < 30_000, "exited " + millis + " ms after launch");
    }
  }

  private static String describe(List<long[]> queries) {
    return queries.stream().map(q -> q[0] + "ms:" + q[1]).toList().toString();
  }

  private static Future<HttpResponse<Buffer>> decide(Api api, String device) {
    return api.decisions("apasstest1", "TempPass_TEST40", device)
        .timeout(20_000)
        .sendJsonObject(Api.body("REF30"));
  }
}
