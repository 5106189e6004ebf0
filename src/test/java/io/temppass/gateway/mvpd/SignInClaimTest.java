package io.temppass.gateway.mvpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim a gateway takes on a session while it completes a sign-in (login_start, login_claim,
 * login_finish), against the test Redis: its deadline is Redis's own time, and only the claim that
 * holds the session may end it. Before the fix the deadline was one gateway's wall clock compared
 * with another's (a skew over the 2 s margin reopened a live claim), and a gateway finishing after
 * its deadline overwrote whatever attempt had taken the session since.
 */
class SignInClaimTest {
  Vertx vertx;
  Redis redis;
  SessionStore sessions;
  String prefix;

  @BeforeEach
  void start() {
    JsonObject tree = TestGateway.config();
    // Generous under load (a cluster client's first calls find the slots): the holds are explicit.
    tree.getJsonObject("redis").put("commandTimeout", "10s");
    GatewayConfig config = TestGateway.parse(tree);
    prefix = config.redis().keyPrefix();
    vertx = Vertx.vertx();
    redis = RedisFactory.create(vertx, config.redis(), config.redis().endpoints(), 4);
    GatewayMetrics metrics =
        new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    sessions =
        new SessionStore(new ScriptRunner(redis, metrics, config.redis()), new MvpdKeys(prefix));
  }

  @AfterEach
  void stop() throws Exception {
    redis.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  /** A new session, ready for the browser step. */
  String session() throws Exception {
    Map<String, String> fields = new HashMap<>();
    fields.put("sp", "REF30");
    fields.put("mvpd", "Cablevision");
    fields.put("status", "new");
    return await(sessions.create(fields, 60_000));
  }

  long redisMillis() throws Exception {
    Response t = await(redis.send(Request.cmd(Command.TIME)));
    return t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
  }

  /**
   * The claim's deadline is Redis's time plus the hold the gateway asks for, whatever the gateway's
   * clock says: a live claim refuses a new browser step, and one past its hold is open again.
   * Catches a deadline taken from a gateway's clock (the stored deadline would not follow Redis's
   * TIME) and a deadline that is never honoured.
   */
  @Test
  void a_claim_holds_for_its_duration_by_redis_time() throws Exception {
    String code = session();
    assertEquals(1, await(sessions.startLogin(code, code + ".s1", "verifier", "nonce")));
    long before = redisMillis();
    Map<String, String> claimed = await(sessions.claim(code, code + ".s1", 1_500, "claim-1"));
    long after = redisMillis();
    assertEquals("verifier", claimed.get("ver"), "the claimer gets the PKCE verifier");
    Map<String, String> stored = await(sessions.get(code));
    long deadline = Long.parseLong(stored.get("cu"));
    assertTrue(
        deadline >= before + 1_500 && deadline <= after + 1_500,
        "deadline "
            + deadline
            + " is Redis's time plus the hold, in ["
            + before
            + ", "
            + after
            + "]");
    assertNull(stored.get("ver"), "the verifier leaves Redis with the claim");

    assertEquals(-2, await(sessions.startLogin(code, code + ".s2", "v2", "n2")), "a live claim");
    int reopened = -2;
    long until = System.currentTimeMillis() + 20_000;
    while (reopened != 1 && System.currentTimeMillis() < until) {
      Thread.sleep(100);
      reopened = await(sessions.startLogin(code, code + ".s2", "v2", "n2"));
    }
    assertEquals(1, reopened, "a claim past its hold is open again");
    assertTrue(redisMillis() >= deadline, "not before the deadline");
  }

  /**
   * A gateway that finishes after its claim's deadline, once another attempt has claimed the
   * session, changes nothing: the session stays the new claim's, and the new claim ends it. Catches
   * a finish that does not check the claim's id (the last writer won: the late gateway marked the
   * session done with its own profile, or opened it under the new attempt's feet).
   */
  @Test
  void a_late_finish_of_an_abandoned_claim_changes_nothing() throws Exception {
    String code = session();
    assertEquals(1, await(sessions.startLogin(code, code + ".a", "va", "na")));
    await(sessions.claim(code, code + ".a", 1, "claim-a"));
    int started = -2;
    long until = System.currentTimeMillis() + 20_000;
    while (started != 1 && System.currentTimeMillis() < until) {
      Thread.sleep(20);
      started = await(sessions.startLogin(code, code + ".b", "vb", "nb"));
    }
    assertEquals(1, started, "the abandoned claim's deadline passed");
    await(sessions.claim(code, code + ".b", 60_000, "claim-b"));

    assertEquals(-1, await(sessions.finish(code, "claim-a", true, "gen-a")));
    assertEquals(-1, await(sessions.finish(code, "claim-a", false, null)));
    Map<String, String> stored = await(sessions.get(code));
    assertEquals("claimed", stored.get("status"), stored.toString());
    assertNull(stored.get("gen"), stored.toString());

    assertEquals(1, await(sessions.finish(code, "claim-b", true, "gen-b")));
    stored = await(sessions.get(code));
    assertEquals("done", stored.get("status"));
    assertEquals("gen-b", stored.get("gen"));
  }
}
