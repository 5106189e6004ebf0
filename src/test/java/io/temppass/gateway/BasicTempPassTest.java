package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.DecisionFields;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Basic TempPass (SPEC 4.1) against a real gateway and a real Redis. */
@ExtendWith(VertxExtension.class)
class BasicTempPassTest {
  static final String SP = "apasstest1";
  static final String MVPD = "TempPass_TEST40";
  static final String SHORT = "TempPass_SHORT";
  static final long SHORT_TTL = 400;

  Gateway gateway;
  Api api;
  RedisProbe redis;
  String prefix;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic(SP, MVPD, "1h"),
            TestGateway.basic(SP, SHORT, SHORT_TTL).put("lockoutRetention", "1h"));
    prefix = TestGateway.keyPrefix(config);
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  gateway = g;
                  api = new Api(vertx, g.port(), 50);
                  redis = new RedisProbe(vertx);
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    api.close();
    redis.close();
    gateway.stop().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void available_pass_reproduces_adobes_sample(VertxTestContext ctx) {
    long before = System.currentTimeMillis();
    api.decisions(SP, MVPD, Api.SAMPLE_DEVICE)
        .sendJsonObject(Api.body("REF30"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertEquals(200, res.statusCode());
                          assertTrue(res.getHeader("Content-Type").startsWith("application/json"));
                          assertTrue(res.getHeader("X-Request-Id") != null);
                          JsonObject body = res.bodyAsJsonObject();
                          assertEquals(Set.of("decisions"), body.fieldNames());
                          JsonObject d = body.getJsonArray("decisions").getJsonObject(0);
                          assertEquals(DecisionFields.PERMITTED, new ArrayList<>(d.fieldNames()));
                          assertEquals("REF30", d.getString("resource"));
                          assertEquals(SP, d.getString("serviceProvider"));
                          assertEquals(MVPD, d.getString("mvpd"));
                          assertEquals("temppass", d.getString("source"));
                          assertEquals(true, d.getBoolean("authorized"));
                          long notBefore = d.getLong("notBefore");
                          assertTrue(
                              Math.abs(notBefore - before) < 60_000,
                              "notBefore is epoch millis near now");
                          assertEquals(
                              notBefore + 3_600_000,
                              d.getLong("notAfter"),
                              "decision notAfter = pass expiry");
                          JsonObject token = d.getJsonObject("token");
                          assertEquals(
                              Set.of("notBefore", "notAfter", "serializedToken"),
                              token.fieldNames());
                          assertEquals(
                              notBefore,
                              token.getLong("notBefore"),
                              "token notBefore = decision notBefore");
                          assertEquals(
                              notBefore + 7 * 60_000,
                              token.getLong("notAfter"),
                              "media token lifetime 7 minutes");
                          assertFalse(token.getString("serializedToken").isEmpty());
                          ctx.completeNow();
                        })));
  }

  @Test
  void the_clock_starts_at_the_first_authorization_and_does_not_move(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "device-clock", null, "REF30")
        .compose(
            first ->
                api.authorize(SP, MVPD, "device-clock", null, "other")
                    .map(second -> List.of(first, second)))
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          JsonObject first = both.get(0).getJsonArray("decisions").getJsonObject(0);
                          JsonObject second =
                              both.get(1).getJsonArray("decisions").getJsonObject(0);
                          assertTrue(second.getBoolean("authorized"));
                          assertEquals(first.getLong("notAfter"), second.getLong("notAfter"));
                          assertTrue(second.getLong("notBefore") >= first.getLong("notBefore"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void expired_pass_is_denied_and_stays_locked_out(Vertx vertx, VertxTestContext ctx) {
    api.authorize(SP, SHORT, "device-expiry", null, "REF30")
        .compose(
            first -> {
              ctx.verify(
                  () ->
                      assertTrue(
                          first
                              .getJsonArray("decisions")
                              .getJsonObject(0)
                              .getBoolean("authorized")));
              long wait =
                  first.getJsonArray("decisions").getJsonObject(0).getLong("notAfter")
                      - first.getJsonArray("decisions").getJsonObject(0).getLong("notBefore")
                      + 150;
              return vertx.timer(wait);
            })
        .compose(v -> api.authorize(SP, SHORT, "device-expiry", null, "REF30"))
        .compose(
            expired -> {
              ctx.verify(
                  () -> assertDurationExceeded(expired.getJsonArray("decisions").getJsonObject(0)));
              // Well past the pass: the lock-out is kept for lockoutRetention, so the device stays
              // denied.
              return vertx
                  .timer(SHORT_TTL)
                  .compose(
                      v -> api.authorize(SP, SHORT, "device-expiry", null, "REF30", "another"));
            })
        .onComplete(
            ctx.succeeding(
                later ->
                    ctx.verify(
                        () -> {
                          assertEquals(2, later.getJsonArray("decisions").size());
                          assertDurationExceeded(later.getJsonArray("decisions").getJsonObject(0));
                          assertDurationExceeded(later.getJsonArray("decisions").getJsonObject(1));
                          ctx.completeNow();
                        })));
  }

  @Test
  void an_expired_device_does_not_lock_out_another_device(Vertx vertx, VertxTestContext ctx) {
    api.authorize(SP, SHORT, "device-a", null, "REF30")
        .compose(v -> vertx.timer(SHORT_TTL + 150))
        .compose(v -> api.authorize(SP, SHORT, "device-b", null, "REF30"))
        .onComplete(
            ctx.succeeding(
                b ->
                    ctx.verify(
                        () -> {
                          assertTrue(
                              b.getJsonArray("decisions")
                                  .getJsonObject(0)
                                  .getBoolean("authorized"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void the_pass_key_has_a_bounded_expiry(VertxTestContext ctx) {
    api.authorize(SP, SHORT, "device-ttl", null, "REF30")
        .compose(v -> redis.keys(prefix))
        .compose(
            keys -> {
              ctx.verify(() -> assertEquals(1, keys.size()));
              return redis.send(Command.PTTL, keys.get(0));
            })
        .onComplete(
            ctx.succeeding(
                pttl ->
                    ctx.verify(
                        () -> {
                          long ms = pttl.toLong();
                          assertTrue(
                              ms > 3_000_000 && ms <= 3_600_000 + SHORT_TTL,
                              "expiry = ttl + lockoutRetention, got " + ms);
                          ctx.completeNow();
                        })));
  }

  @Test
  void a_hundred_concurrent_first_requests_start_one_clock(VertxTestContext ctx) {
    List<Future<JsonObject>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) all.add(api.authorize(SP, MVPD, "device-race", null, "REF30"));
    Future.all(all)
        .compose(v -> redis.keys(prefix))
        .onComplete(
            ctx.succeeding(
                keys ->
                    ctx.verify(
                        () -> {
                          Set<Long> expiries = new HashSet<>();
                          for (Future<JsonObject> f : all) {
                            JsonObject d = f.result().getJsonArray("decisions").getJsonObject(0);
                            assertTrue(d.getBoolean("authorized"));
                            expiries.add(d.getLong("notAfter"));
                          }
                          assertEquals(
                              1, expiries.size(), "every request saw the same pass expiry");
                          assertEquals(1, keys.size(), "one pass key in Redis");
                          ctx.completeNow();
                        })));
  }

  static void assertDurationExceeded(JsonObject d) {
    assertEquals(false, d.getBoolean("authorized"));
    assertEquals("temppass", d.getString("source"));
    assertNull(d.getValue("token"));
    assertNull(d.getValue("notBefore"));
    assertNull(d.getValue("notAfter"));
    JsonObject e = d.getJsonObject("error");
    assertEquals(403, e.getInteger("status"));
    assertEquals("temporary_access_duration_limit_exceeded", e.getString("code"));
    assertEquals("The temporary access duration limit has been exceeded.", e.getString("message"));
    assertEquals("authentication", e.getString("action"));
    assertTrue(e.getString("helpUrl").startsWith("https://"));
    assertEquals(Set.of("status", "code", "message", "helpUrl", "action"), e.fieldNames());
  }
}
