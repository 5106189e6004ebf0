package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.DecisionFields;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 4.4: degradation rules from configuration and at run time, dummy authorization, the
 * missing-profile deny.
 */
@ExtendWith(VertxExtension.class)
class DegradationTest {
  static final String SP = "REF30";

  /**
   * Ten poll intervals: how long a rule may take to reach another process before the test fails.
   */
  static final Duration PROPAGATION = Duration.ofSeconds(5);

  static JsonObject regular(String mvpd) {
    return new JsonObject().put("serviceProvider", SP).put("mvpd", mvpd).put("type", "regular");
  }

  private Future<JsonArray> twoResources(Api api, String mvpd) {
    return api.authorize(SP, mvpd, Api.SAMPLE_DEVICE, null, "REF30", "apasstest1")
        .map(b -> b.getJsonArray("decisions"));
  }

  @Test
  void authNAll_authZAll_and_authZNone_reproduce_adobes_samples(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            regular("AuthNAllMvpd").put("degradation", "AuthNAll").put("degradedTtl", "110m"),
            regular("AuthZAllMvpd").put("degradation", "AuthZAll"),
            regular("AuthZNoneMvpd").put("degradation", "AuthZNone"));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  Future.all(
                          twoResources(api, "AuthNAllMvpd"),
                          twoResources(api, "AuthZAllMvpd"),
                          twoResources(api, "AuthZNoneMvpd"))
                      .onComplete(
                          ctx.succeeding(
                              all ->
                                  ctx.verify(
                                      () -> {
                                        JsonArray authN = all.resultAt(0);
                                        JsonArray authZ = all.resultAt(1);
                                        JsonArray none = all.resultAt(2);
                                        for (int i = 0; i < 2; i++) {
                                          String resource = i == 0 ? "REF30" : "apasstest1";
                                          JsonObject d = authN.getJsonObject(i);
                                          assertEquals(
                                              DecisionFields.PERMITTED,
                                              new ArrayList<>(d.fieldNames()));
                                          assertEquals(resource, d.getString("resource"));
                                          assertEquals("AuthNAllMvpd", d.getString("mvpd"));
                                          assertEquals("degradation", d.getString("source"));
                                          assertTrue(d.getBoolean("authorized"));
                                          assertEquals(
                                              d.getLong("notBefore"),
                                              d.getJsonObject("token").getLong("notBefore"));
                                          assertEquals(
                                              d.getLong("notBefore") + 110 * 60_000L,
                                              d.getLong("notAfter"));
                                          assertEquals(
                                              Set.of("notBefore", "notAfter", "serializedToken"),
                                              d.getJsonObject("token").fieldNames());

                                          JsonObject z = authZ.getJsonObject(i);
                                          assertEquals(
                                              DecisionFields.PERMITTED_WITHOUT_TIMES,
                                              new ArrayList<>(z.fieldNames()));
                                          assertEquals("degradation", z.getString("source"));
                                          assertEquals("AuthZAllMvpd", z.getString("mvpd"));
                                          assertTrue(z.getBoolean("authorized"));

                                          JsonObject n = none.getJsonObject(i);
                                          assertEquals(
                                              DecisionFields.DENIED,
                                              new ArrayList<>(n.fieldNames()));
                                          assertEquals(resource, n.getString("resource"));
                                          assertEquals(SP, n.getString("serviceProvider"));
                                          assertEquals("AuthZNoneMvpd", n.getString("mvpd"));
                                          assertEquals("degradation", n.getString("source"));
                                          assertEquals(false, n.getBoolean("authorized"));
                                          JsonObject e = n.getJsonObject("error");
                                          assertEquals(403, e.getInteger("status"));
                                          assertEquals(
                                              "authorization_denied_by_degradation_rule",
                                              e.getString("code"));
                                          assertEquals(
                                              "The integration has an AuthZNone rule applied for the requested resources",
                                              e.getString("message"));
                                          assertEquals("none", e.getString("action"));
                                        }
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  @Test
  void dummy_authorization_permits_and_a_plain_regular_mvpd_is_denied(
      Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            regular("Dummy").put("dummyAuthorization", true),
            regular("Cablevision"));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  Future.all(twoResources(api, "Dummy"), twoResources(api, "Cablevision"))
                      .onComplete(
                          ctx.succeeding(
                              all ->
                                  ctx.verify(
                                      () -> {
                                        JsonArray dummy = all.resultAt(0);
                                        JsonArray plain = all.resultAt(1);
                                        for (int i = 0; i < 2; i++) {
                                          assertEquals(
                                              "dummy", dummy.getJsonObject(i).getString("source"));
                                          assertTrue(
                                              dummy.getJsonObject(i).getBoolean("authorized"));
                                          assertTrue(
                                              dummy
                                                      .getJsonObject(i)
                                                      .getJsonObject("token")
                                                      .getString("serializedToken")
                                                      .length()
                                                  > 100);
                                          JsonObject denied = plain.getJsonObject(i);
                                          assertEquals("mvpd", denied.getString("source"));
                                          assertEquals(false, denied.getBoolean("authorized"));
                                          assertNull(denied.getValue("token"));
                                          assertEquals(
                                              403,
                                              denied.getJsonObject("error").getInteger("status"));
                                          assertEquals(
                                              "authenticated_profile_missing",
                                              denied.getJsonObject("error").getString("code"));
                                          assertEquals(
                                              "authentication",
                                              denied.getJsonObject("error").getString("action"));
                                        }
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  /**
   * Two gateways in separate Vert.x instances (as two pods) share one Redis. A rule applied through
   * the first reaches the second's decisions through its control-plane poll (every 500 ms by
   * default), and so does its removal. The second is polled until it answers with the rule, with a
   * deadline far above the poll interval, so a slow machine cannot fail the test and a process that
   * never picks the rule up cannot pass it. Caught breakage: no periodic poll in {@code
   * ControlPlane} (the rule stays local to the first process).
   */
  @Test
  void a_rule_applied_through_one_process_reaches_another(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    JsonObject config = TestGateway.with(TestGateway.config(), regular("Cablevision"));
    try (Pods pods = Pods.start(config, 2)) {
      Api apiA = new Api(vertx, pods.port(0));
      Api apiB = new Api(vertx, pods.port(1));
      twoResources(apiB, "Cablevision")
          .compose(
              before -> {
                ctx.verify(
                    () ->
                        assertEquals(
                            "authenticated_profile_missing",
                            before.getJsonObject(0).getJsonObject("error").getString("code")));
                return apiA.admin(HttpMethod.PUT, "/admin/v1/degradation/REF30/Cablevision")
                    .sendJsonObject(new JsonObject().put("rule", "AuthZNone"));
              })
          .compose(
              put -> {
                ctx.verify(() -> assertEquals(204, put.statusCode(), put.bodyAsString()));
                return Eventually.poll(
                    vertx,
                    PROPAGATION,
                    () -> twoResources(apiB, "Cablevision"),
                    d -> "degradation".equals(d.getJsonObject(0).getString("source")));
              })
          .compose(
              after -> {
                ctx.verify(
                    () -> {
                      assertEquals(
                          "degradation",
                          after.getJsonObject(0).getString("source"),
                          "the rule reached the second process");
                      assertEquals(
                          "authorization_denied_by_degradation_rule",
                          after.getJsonObject(1).getJsonObject("error").getString("code"));
                    });
                return apiA.admin(HttpMethod.DELETE, "/admin/v1/degradation/REF30/Cablevision")
                    .send();
              })
          .compose(
              del ->
                  Eventually.poll(
                      vertx,
                      PROPAGATION,
                      () -> twoResources(apiB, "Cablevision"),
                      d -> "mvpd".equals(d.getJsonObject(0).getString("source"))))
          .onComplete(
              ctx.succeeding(
                  removed ->
                      ctx.verify(
                          () -> {
                            assertEquals(
                                "authenticated_profile_missing",
                                removed.getJsonObject(0).getJsonObject("error").getString("code"),
                                "the removal reached the second process");
                            ctx.completeNow();
                          })));
      ctx.awaitCompletion(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void degradation_admin_calls_need_the_admin_credential(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = TestGateway.with(TestGateway.config(), regular("Cablevision"));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  String path = "/admin/v1/degradation/REF30/Cablevision";
                  JsonObject rule = new JsonObject().put("rule", "AuthNAll");
                  Future.all(
                          api.admin(HttpMethod.PUT, path)
                              .putHeader("Authorization", "Bearer nope")
                              .sendJsonObject(rule),
                          api.admin(HttpMethod.PUT, path)
                              .putHeader(
                                  "Authorization",
                                  io.temppass.gateway.support.AccessTokens.bearer())
                              .sendJsonObject(rule),
                          api.admin(HttpMethod.PUT, path)
                              .sendJsonObject(new JsonObject().put("rule", "AuthEverything")),
                          api.admin(HttpMethod.POST, path).send())
                      .onComplete(
                          ctx.succeeding(
                              all ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(
                                            401,
                                            ((io.vertx.ext.web.client.HttpResponse<?>)
                                                    all.resultAt(0))
                                                .statusCode());
                                        assertEquals(
                                            403,
                                            ((io.vertx.ext.web.client.HttpResponse<?>)
                                                    all.resultAt(1))
                                                .statusCode());
                                        io.vertx.ext.web.client.HttpResponse<
                                                io.vertx.core.buffer.Buffer>
                                            bad = all.resultAt(2);
                                        assertEquals(400, bad.statusCode());
                                        assertEquals(
                                            "invalid_parameter_rule",
                                            bad.bodyAsJsonObject().getString("code"));
                                        io.vertx.ext.web.client.HttpResponse<
                                                io.vertx.core.buffer.Buffer>
                                            post = all.resultAt(3);
                                        assertEquals(405, post.statusCode());
                                        assertEquals("DELETE, GET, PUT", post.getHeader("Allow"));
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }
}
