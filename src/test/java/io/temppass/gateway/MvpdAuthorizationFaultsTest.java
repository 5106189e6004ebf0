package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.support.TestMvpd.Fault;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 4.6's MVPD failures, injected into a real HTTP authorization endpoint: each maps to its
 * documented item-level code (403, action retry, or the MVPD's deny) within the per-decision
 * deadline, and the circuit breaker opens, answers at once, then half-opens and recovers.
 */
@ExtendWith(VertxExtension.class)
class MvpdAuthorizationFaultsTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  TestMvpd mvpd;

  @BeforeEach
  void startMvpd(Vertx vertx) throws Exception {
    mvpd = TestMvpd.start(vertx);
  }

  @AfterEach
  void stopMvpd() {
    mvpd.close();
  }

  /**
   * Short timeouts so each fault shows quickly: read 300 ms, deadline 1 s, breaker after 3
   * failures, half-open after 1 s.
   */
  Future<Api> signedIn(Vertx vertx, JsonObject authorization, String device) throws Exception {
    JsonObject integration = mvpd.integration(SP, MVPD);
    integration.getJsonObject("authorization").mergeIn(authorization);
    JsonObject config =
        TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), integration), SP);
    mvpd.nextLogin("subscriber-faults", Map.of());
    return TestGateway.start(vertx, config)
        .compose(
            g ->
                new MvpdSignIn(vertx, g.port())
                    .signIn(SP, MVPD, device)
                    .map(r -> new Api(vertx, g.port())));
  }

  static JsonObject fastFailing() {
    return new JsonObject()
        .put("readTimeout", "300ms")
        .put("deadline", "1s")
        .put("breakerFailures", 3)
        .put("breakerResetTimeout", "1s");
  }

  static Future<JsonObject> decide(Api api, String device, String resource) {
    return api.authorize(SP, MVPD, device, null, resource)
        .map(b -> b.getJsonArray("decisions").getJsonObject(0));
  }

  static void assertRetry(JsonObject decision, String code) {
    assertFalse(decision.getBoolean("authorized"), decision.encode());
    assertEquals("mvpd", decision.getString("source"));
    assertFalse(decision.containsKey("token"));
    JsonObject e = decision.getJsonObject("error");
    assertEquals(code, e.getString("code"), decision.encode());
    assertEquals(403, e.getInteger("status"));
    assertEquals("retry", e.getString("action"));
  }

  @Test
  void a_slow_mvpd_is_a_connection_timeout_within_the_deadline(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    signedIn(vertx, fastFailing(), "dev-slow")
        .onComplete(
            ctx.succeeding(
                api -> {
                  mvpd.fault(Fault.SLOW, 5_000);
                  long start = System.nanoTime();
                  decide(api, "dev-slow", "slow-title")
                      .onComplete(
                          ctx.succeeding(
                              d ->
                                  ctx.verify(
                                      () -> {
                                        long tookMillis =
                                            TimeUnit.NANOSECONDS.toMillis(
                                                System.nanoTime() - start);
                                        assertRetry(d, "network_connection_timeout");
                                        // Bounded by the read timeout (300 ms) and well before the
                                        // MVPD's 5 s answer; the upper bound is generous for a
                                        // loaded machine.
                                        assertTrue(
                                            tookMillis >= 250 && tookMillis < 3_000,
                                            "answered after " + tookMillis + " ms");
                                        ctx.completeNow();
                                      })));
                }));
  }

  /**
   * With {@code maxConcurrency: 1}, a second decision while the first waits on a slow MVPD is
   * answered at once with {@code maximum_execution_time_exceeded}, without a second MVPD call.
   * Breakage caught: an unbounded connector queues the second call behind the first.
   */
  @Test
  void calls_over_the_concurrency_bound_are_refused_at_once(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JsonObject authorization =
        new JsonObject()
            .put("readTimeout", "1500ms")
            .put("deadline", "2s")
            .put("maxConcurrency", 1);
    signedIn(vertx, authorization, "dev-bound")
        .onComplete(
            ctx.succeeding(
                api -> {
                  mvpd.fault(Fault.SLOW, 1_000);
                  Future<JsonObject> slow = decide(api, "dev-bound", "first");
                  vertx.setTimer(
                      300,
                      t -> {
                        decide(api, "dev-bound", "second")
                            .onComplete(
                                ctx.succeeding(
                                    refused ->
                                        ctx.verify(
                                            () -> {
                                              assertRetry(
                                                  refused, "maximum_execution_time_exceeded");
                                              assertEquals(
                                                  0,
                                                  mvpd.calls("second"),
                                                  "refused without calling the MVPD");
                                              slow.onComplete(
                                                  ctx.succeeding(
                                                      first ->
                                                          ctx.verify(
                                                              () -> {
                                                                assertTrue(
                                                                    first.getBoolean("authorized"),
                                                                    first.encode());
                                                                ctx.completeNow();
                                                              })));
                                            })));
                      });
                }));
  }

  @Test
  void an_unreachable_mvpd_is_a_connection_timeout(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    int closed = TestRedis.freePort();
    JsonObject authorization =
        fastFailing().put("url", "http://127.0.0.1:" + closed + "/authorize-resource");
    signedIn(vertx, authorization, "dev-down")
        .compose(api -> decide(api, "dev-down", "any-title"))
        .onComplete(
            ctx.succeeding(
                d ->
                    ctx.verify(
                        () -> {
                          assertRetry(d, "network_connection_timeout");
                          ctx.completeNow();
                        })));
  }

  @Test
  void malformed_json_is_a_received_error(Vertx vertx, VertxTestContext ctx) throws Exception {
    signedIn(vertx, fastFailing(), "dev-malformed")
        .onComplete(
            ctx.succeeding(
                api -> {
                  mvpd.fault(Fault.MALFORMED, 0);
                  decide(api, "dev-malformed", "title")
                      .onComplete(
                          ctx.succeeding(
                              d ->
                                  ctx.verify(
                                      () -> {
                                        assertRetry(d, "network_received_error");
                                        ctx.completeNow();
                                      })));
                }));
  }

  @Test
  void deny_with_restrict_pc_is_a_parental_controls_deny_with_the_mvpds_text(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    mvpd.parentalControls("mature-title", "Blocked by parental controls.");
    signedIn(vertx, fastFailing(), "dev-pc")
        .compose(api -> decide(api, "dev-pc", "mature-title"))
        .onComplete(
            ctx.succeeding(
                d ->
                    ctx.verify(
                        () -> {
                          assertFalse(d.getBoolean("authorized"));
                          JsonObject e = d.getJsonObject("error");
                          assertEquals(
                              "authorization_denied_by_parental_controls", e.getString("code"));
                          assertEquals(403, e.getInteger("status"));
                          assertEquals("none", e.getString("action"));
                          assertEquals("Blocked by parental controls.", e.getString("details"));
                          ctx.completeNow();
                        })));
  }

  /**
   * 500s are received errors; after three in a row the breaker opens and answers at once without
   * calling the MVPD; after the reset timeout one trial call goes through and, the MVPD healthy
   * again, decisions are permits. Breakage caught: with the breaker removed (or never counting
   * failures), the open phase still reaches the MVPD and {@code calls} grows.
   */
  @Test
  void errors_open_the_breaker_which_answers_fast_then_half_opens_and_recovers(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    signedIn(vertx, fastFailing(), "dev-breaker")
        .onComplete(
            ctx.succeeding(
                api -> {
                  mvpd.fault(Fault.ERROR_500, 0);
                  decide(api, "dev-breaker", "t")
                      .compose(
                          d1 -> {
                            ctx.verify(() -> assertRetry(d1, "network_received_error"));
                            return decide(api, "dev-breaker", "t");
                          })
                      .compose(d2 -> decide(api, "dev-breaker", "t"))
                      .compose(
                          d3 -> {
                            ctx.verify(
                                () -> {
                                  assertRetry(d3, "network_received_error");
                                  assertEquals(3, mvpd.calls("t"));
                                });
                            return decide(api, "dev-breaker", "t");
                          })
                      .compose(
                          open -> {
                            ctx.verify(
                                () -> {
                                  assertRetry(open, "maximum_execution_time_exceeded");
                                  assertEquals(
                                      3, mvpd.calls("t"), "an open breaker does not call the MVPD");
                                });
                            mvpd.fault(Fault.NONE, 0);
                            return pollUntilPermitted(
                                vertx, api, System.currentTimeMillis() + 10_000);
                          })
                      .onComplete(
                          ctx.succeeding(
                              recovered ->
                                  ctx.verify(
                                      () -> {
                                        assertTrue(recovered.getBoolean("authorized"));
                                        assertEquals(
                                            4,
                                            mvpd.calls("t"),
                                            "one trial call after the reset timeout, then the cached permit");
                                        ctx.completeNow();
                                      })));
                }));
  }

  private static Future<JsonObject> pollUntilPermitted(Vertx vertx, Api api, long deadline) {
    return decide(api, "dev-breaker", "t")
        .compose(
            d -> {
              if (d.getBoolean("authorized") || System.currentTimeMillis() > deadline)
                return Future.succeededFuture(d);
              return vertx.timer(100).compose(t -> pollUntilPermitted(vertx, api, deadline));
            });
  }
}
