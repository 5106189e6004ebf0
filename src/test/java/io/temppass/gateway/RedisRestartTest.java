package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProcess;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped, restarted and hung under steady load: while it is gone or silent every request is
 * answered with an Enhanced Error in bounded time and readiness reports not-ready; once it is back
 * the gateway serves again within five seconds, without a restart.
 */
class RedisRestartTest {
  static final long COMMAND_TIMEOUT = 500;

  /** One answer: its status and when it arrived, against the send time. */
  record Answer(int status, long sentNanos, long doneNanos) {
    long millis() {
      return (doneNanos - sentNanos) / 1_000_000;
    }
  }

  /** One request; a non-200 must be an Enhanced Error that names the request. */
  private static Future<Answer> timed(Api api, int i) {
    long start = System.nanoTime();
    return api.decisions("apasstest1", "TempPass_TEST40", "restart-device-" + i)
        .timeout(30_000)
        .sendJsonObject(Api.body("REF30"))
        .map(
            r -> {
              if (r.statusCode() != 200) {
                JsonObject error = r.bodyAsJsonObject();
                if (!r.getHeader("X-Request-Id").equals(error.getString("trace"))
                    || error.getInteger("status") != r.statusCode()) {
                  throw new IllegalStateException("not an Enhanced Error: " + r.bodyAsString());
                }
              }
              return new Answer(r.statusCode(), start, System.nanoTime());
            });
  }

  private static List<Answer> burst(Api api, int from) throws Exception {
    return burst(api, from, 20);
  }

  private static List<Answer> burst(Api api, int from, int size) throws Exception {
    List<Future<Answer>> answers = new ArrayList<>();
    for (int i = 0; i < size; i++) answers.add(timed(api, from + i));
    Future.all(answers).await(30, TimeUnit.SECONDS);
    List<Answer> out = new ArrayList<>();
    for (Future<Answer> f : answers) out.add(f.result());
    return out;
  }

  private static boolean allOk(List<Answer> burst) {
    return burst.stream().allMatch(a -> a.status() == 200);
  }

  private static long completed(List<Answer> burst) {
    return burst.stream().mapToLong(Answer::doneNanos).max().orElseThrow();
  }

  private static int readiness(Api api) throws Exception {
    return api.get("/health/ready").map(HttpResponse::statusCode).await(5, TimeUnit.SECONDS);
  }

  private static int readinessUntil(Api api, int status) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    int ready = readiness(api);
    while (ready != status && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      ready = readiness(api);
    }
    return ready;
  }

  private static JsonObject config(RedisProcess redis) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config
        .getJsonObject("redis")
        .put("type", "standalone")
        .put("endpoints", new JsonArray().add(redis.url()))
        .put("commandTimeout", COMMAND_TIMEOUT + "ms");
    // On, as by default, with room for the whole test: only its fail-open path shows.
    config.put(
        "throttle",
        new JsonObject().put("enabled", true).put("ratePerSecond", 1000).put("burst", 100_000));
    return config;
  }

  /**
   * Stopped: refused connections are answered 503 at once. Restarted: the first burst whose every
   * answer is a 200 must have completed within 5 s of the restarted Redis accepting connections
   * (measured to the burst's last answer, not its start). Caught breakage: a readiness check that
   * stays 200 while Redis is gone ({@code HttpVerticle.ready} ignoring the check's result; the hung
   * case below catches it too).
   */
  @Test
  void redis_stopped_and_restarted_under_load() throws Exception {
    RedisProcess redis = RedisProcess.start();
    Vertx vertx = Vertx.vertx();
    // The client on event loops of its own, so that its timings do not wait for the gateway's.
    Vertx client = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config(redis)).await(30, TimeUnit.SECONDS);
      Api api = new Api(client, gateway.port(), 32);
      assertTrue(allOk(burst(api, 0)));
      assertEquals(200, readiness(api));

      redis.stop();
      for (int round = 1; round <= 3; round++) {
        for (Answer a : burst(api, round * 100)) {
          assertEquals(503, a.status(), "Redis down: service_unavailable");
          assertTrue(a.millis() < 1_000, "answered in " + a.millis() + " ms");
        }
      }
      assertEquals(
          503, readinessUntil(api, 503), "readiness reports not-ready while Redis is down");
      assertTrue(
          MetricsTest.value(gateway.metrics().scrape(), "temppass_throttle_fail_open_total") >= 60,
          "the throttle failed open for each request while Redis was down, and counted it");

      redis.restart();
      long accepting = System.nanoTime();
      List<Answer> served = burst(api, 1000);
      for (int round = 1;
          !allOk(served) && System.nanoTime() - accepting < 5_000_000_000L;
          round++) {
        Thread.sleep(50);
        served = burst(api, 1000 + round * 100);
      }
      assertTrue(allOk(served), "no all-200 burst within 5 s of Redis accepting connections");
      long after = (completed(served) - accepting) / 1_000_000;
      assertTrue(
          after <= 5_000,
          "the first all-200 burst completed " + after + " ms after Redis accepted connections");
      assertEquals(200, readinessUntil(api, 200));
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      redis.close();
    }
  }

  /**
   * Hung (SIGSTOP: connections stay open, nothing is answered), the case {@code
   * redis.commandTimeout} exists for: every request gets a 503 Enhanced Error within the command
   * timeout + 250 ms, and once Redis continues (SIGCONT) service resumes within 5 s. The throttle
   * in front of the decision waits for the same hung Redis, so this bound holds only because it
   * fails open early. Caught breakages: no {@code .timeout(...)} in {@code ScriptRunner.run}
   * (answered only by the 2 s event-bus timeout, about 2,110 ms here); the throttle waiting the
   * full command timeout before failing open (about 1,010 ms per request here, twice the command
   * timeout).
   */
  @Test
  void hung_redis_is_answered_within_the_command_timeout() throws Exception {
    RedisProcess redis = RedisProcess.start();
    long pid = redis.pid();
    Vertx vertx = Vertx.vertx();
    // The client on event loops of its own, so that its timings do not wait for the gateway's.
    Vertx client = Vertx.vertx();
    boolean suspended = false;
    try {
      Gateway gateway = TestGateway.start(vertx, config(redis)).await(30, TimeUnit.SECONDS);
      Api api = new Api(client, gateway.port(), 32);
      assertTrue(allOk(burst(api, 0)));

      // One unmeasured pass through the timeout path first (CLIENT PAUSE holds every reply for a
      // while), so the measured rounds do not include this JVM loading and compiling that path.
      Vertx probe = Vertx.vertx();
      try {
        Redis.createClient(probe, redis.url())
            .send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(4 * COMMAND_TIMEOUT).arg("ALL"))
            .await(5, TimeUnit.SECONDS);
      } finally {
        probe.close().await(10, TimeUnit.SECONDS);
      }
      burst(api, 50, 8);
      long pauseEnds = System.currentTimeMillis() + 10_000;
      while (!allOk(burst(api, 60, 8)))
        assertTrue(System.currentTimeMillis() < pauseEnds, "the pause did not end");

      redis.suspend(pid);
      suspended = true;
      for (int round = 1; round <= 3; round++) {
        // Eight at a time: the bound is about waiting for Redis, and twenty requests queued on two
        // busy cores add scheduling delay that has nothing to do with it.
        List<Answer> answers = burst(api, round * 100, 8);
        List<Long> millis = answers.stream().map(Answer::millis).toList();
        for (Answer a : answers) {
          assertEquals(503, a.status(), "Redis hung: service_unavailable");
          assertTrue(
              a.millis() <= COMMAND_TIMEOUT + 250,
              "round "
                  + round
                  + ": answered in "
                  + millis
                  + " ms, over the command timeout + 250 ms");
        }
      }
      assertEquals(
          503, readinessUntil(api, 503), "readiness reports not-ready while Redis is hung");

      redis.resume(pid);
      suspended = false;
      long resumed = System.nanoTime();
      List<Answer> served = burst(api, 1000);
      for (int round = 1; !allOk(served) && System.nanoTime() - resumed < 5_000_000_000L; round++) {
        Thread.sleep(50);
        served = burst(api, 1000 + round * 100);
      }
      assertTrue(allOk(served), "no all-200 burst within 5 s of SIGCONT");
      long after = (completed(served) - resumed) / 1_000_000;
      assertTrue(
          after <= 5_000, "the first all-200 burst completed " + after + " ms after SIGCONT");
      assertEquals(200, readinessUntil(api, 200));
    } finally {
      if (suspended) redis.resume(pid);
      client.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      redis.close();
    }
  }
}
