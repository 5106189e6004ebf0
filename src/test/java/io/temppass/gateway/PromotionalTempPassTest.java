package io.temppass.gateway;

import static io.temppass.gateway.BasicTempPassTest.assertDurationExceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.DecisionFields;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Promotional TempPass (SPEC 4.2): identity-keyed trials, distinct resources, device binding. */
@ExtendWith(VertxExtension.class)
class PromotionalTempPassTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";
  static final String SHORT = "flexibleShort";
  static final long SHORT_TTL = 400;

  Gateway gateway;
  Api api;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional(SP, MVPD, "4h", 3),
            TestGateway.promotional(SP, SHORT, SHORT_TTL, 3));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  gateway = g;
                  api = new Api(vertx, g.port());
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    api.close();
    gateway.stop().onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void available_pass_reproduces_adobes_sample(VertxTestContext ctx) {
    api.decisions(SP, MVPD, Api.SAMPLE_DEVICE)
        .putHeader("AP-TempPass-Identity", "eyJlbWFpbCI6ImZvb0BiYXIuY29tIn0=")
        .sendJsonObject(Api.body("REF30"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertEquals(200, res.statusCode());
                          JsonObject d =
                              res.bodyAsJsonObject().getJsonArray("decisions").getJsonObject(0);
                          assertEquals(DecisionFields.PERMITTED, new ArrayList<>(d.fieldNames()));
                          assertEquals("REF30", d.getString("resource"));
                          assertEquals(SP, d.getString("serviceProvider"));
                          assertEquals(MVPD, d.getString("mvpd"));
                          assertEquals("temppass", d.getString("source"));
                          assertEquals(true, d.getBoolean("authorized"));
                          assertEquals(
                              d.getLong("notBefore") + 4 * 3_600_000L, d.getLong("notAfter"));
                          assertEquals(
                              d.getLong("notBefore"),
                              d.getJsonObject("token").getLong("notBefore"));
                          assertTrue(
                              d.getJsonObject("token").getString("serializedToken").length() > 100);
                          ctx.completeNow();
                        })));
  }

  @Test
  void resources_limit_exceeded_after_max_distinct_resources(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-limit", "limit@example.com", "r1")
        .compose(v -> api.authorize(SP, MVPD, "dev-limit", "limit@example.com", "r2"))
        .compose(v -> api.authorize(SP, MVPD, "dev-limit", "limit@example.com", "r3"))
        .compose(v -> api.authorize(SP, MVPD, "dev-limit", "limit@example.com", "r4"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertResourcesExceeded(res.getJsonArray("decisions").getJsonObject(0));
                          ctx.completeNow();
                        })));
  }

  @Test
  void resources_are_counted_distinct(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-distinct", "distinct@example.com", "r1", "r1")
        .compose(v -> api.authorize(SP, MVPD, "dev-distinct", "distinct@example.com", "r1"))
        .compose(v -> api.authorize(SP, MVPD, "dev-distinct", "distinct@example.com", "r2", "r3"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          JsonArray d = res.getJsonArray("decisions");
                          assertTrue(
                              d.getJsonObject(0).getBoolean("authorized"),
                              "r1 three times used one slot");
                          assertTrue(d.getJsonObject(1).getBoolean("authorized"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void re_authorizing_a_used_resource_after_exhaustion_consumes_nothing(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-reuse", "reuse@example.com", "r1", "r2", "r3")
        .compose(v -> api.authorize(SP, MVPD, "dev-reuse", "reuse@example.com", "r2", "r9", "r1"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          JsonArray d = res.getJsonArray("decisions");
                          assertTrue(d.getJsonObject(0).getBoolean("authorized"));
                          assertResourcesExceeded(d.getJsonObject(1));
                          assertTrue(d.getJsonObject(2).getBoolean("authorized"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void a_multi_resource_request_crossing_the_limit_is_decided_in_order(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-multi", "multi@example.com", "r1")
        .compose(
            v ->
                api.authorize(SP, MVPD, "dev-multi", "multi@example.com", "a", "b", "c", "r1", "d"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          JsonArray d = res.getJsonArray("decisions");
                          assertEquals(
                              List.of("a", "b", "c", "r1", "d"),
                              d.stream().map(o -> ((JsonObject) o).getString("resource")).toList());
                          assertTrue(d.getJsonObject(0).getBoolean("authorized"));
                          assertTrue(d.getJsonObject(1).getBoolean("authorized"));
                          assertResourcesExceeded(d.getJsonObject(2));
                          assertTrue(
                              d.getJsonObject(3).getBoolean("authorized"),
                              "already used: permitted");
                          assertResourcesExceeded(d.getJsonObject(4));
                          assertEquals(
                              d.getJsonObject(0).getJsonObject("token").getLong("notBefore"),
                              d.getJsonObject(1).getJsonObject("token").getLong("notBefore"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void expired_trial_denies_every_resource(Vertx vertx, VertxTestContext ctx) {
    api.authorize(SP, SHORT, "dev-exp", "exp@example.com", "r1")
        .compose(v -> vertx.timer(SHORT_TTL + 150))
        .compose(v -> api.authorize(SP, SHORT, "dev-exp", "exp@example.com", "r1", "r2"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertDurationExceeded(res.getJsonArray("decisions").getJsonObject(0));
                          assertDurationExceeded(res.getJsonArray("decisions").getJsonObject(1));
                          ctx.completeNow();
                        })));
  }

  @Test
  void missing_or_invalid_identity_is_an_item_level_deny(VertxTestContext ctx) {
    List<String> bad =
        List.of(
            "",
            "not base64!",
            "e30=" /* {} */,
            "eyJlbWFpbCI6IiJ9" /* {"email":""} */,
            "eyJlbWFpbCI6MX0=" /* {"email":1} */,
            "WzFd" /* [1] */);
    List<io.vertx.core.Future<JsonObject>> all = new ArrayList<>();
    all.add(api.authorize(SP, MVPD, "dev-id", null, "REF30"));
    for (String header : bad) {
      all.add(
          api.decisions(SP, MVPD, "dev-id")
              .putHeader("AP-TempPass-Identity", header)
              .sendJsonObject(Api.body("REF30"))
              .map(
                  r -> {
                    if (r.statusCode() != 200)
                      throw new IllegalStateException("HTTP " + r.statusCode());
                    return r.bodyAsJsonObject();
                  }));
    }
    io.vertx.core.Future.all(all)
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          for (io.vertx.core.Future<JsonObject> f : all) {
                            JsonObject d = f.result().getJsonArray("decisions").getJsonObject(0);
                            assertEquals(false, d.getBoolean("authorized"));
                            assertNull(d.getValue("token"));
                            JsonObject e = d.getJsonObject("error");
                            assertEquals(400, e.getInteger("status"));
                            assertEquals(
                                "invalid_header_identity_for_temporary_access",
                                e.getString("code"));
                            assertEquals(
                                "The identity for temporary access header value is missing or invalid.",
                                e.getString("message"));
                            assertEquals("none", e.getString("action"));
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  void a_new_identity_on_a_used_device_continues_that_devices_trial(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-shared", "first@example.com", "r1", "r2", "r3")
        .compose(v -> api.authorize(SP, MVPD, "dev-shared", "second@example.com", "r4"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertResourcesExceeded(res.getJsonArray("decisions").getJsonObject(0));
                          ctx.completeNow();
                        })));
  }

  @Test
  void a_known_identity_on_a_new_device_continues_its_own_trial(VertxTestContext ctx) {
    api.authorize(SP, MVPD, "dev-old", "Roamer@Example.com ", "r1", "r2", "r3")
        .compose(v -> api.authorize(SP, MVPD, "dev-new", "roamer@example.com", "r4"))
        .compose(
            res -> {
              ctx.verify(
                  () -> assertResourcesExceeded(res.getJsonArray("decisions").getJsonObject(0)));
              // A fresh identity on a fresh device gets a trial of its own.
              return api.authorize(SP, MVPD, "dev-fresh", "fresh@example.com", "r4");
            })
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertTrue(
                              res.getJsonArray("decisions")
                                  .getJsonObject(0)
                                  .getBoolean("authorized"));
                          ctx.completeNow();
                        })));
  }

  static void assertResourcesExceeded(JsonObject d) {
    assertEquals(false, d.getBoolean("authorized"));
    assertNull(d.getValue("token"));
    assertNull(d.getValue("notBefore"));
    JsonObject e = d.getJsonObject("error");
    assertEquals(403, e.getInteger("status"));
    assertEquals("temporary_access_resources_limit_exceeded", e.getString("code"));
    assertEquals("The temporary access resources limit has been exceeded.", e.getString("message"));
    assertEquals("authentication", e.getString("action"));
    assertEquals(Set.of("status", "code", "message", "helpUrl", "action"), e.fieldNames());
  }
}
