package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 5: profiles for basic and promotional TempPass, degraded profiles, and the configuration
 * listing.
 */
@ExtendWith(VertxExtension.class)
class ProfilesTest {
  static final String SP = "apasstest1";

  Gateway gateway;
  Api api;
  RedisProbe redis;
  String prefix;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic(SP, "TempPass_TEST40", 60_000)
                .put("displayName", "Adobe Temp Pass Test 3 min"),
            TestGateway.basic(SP, "short", 300),
            TestGateway.promotional(SP, "flexibleTempPass", "1h", 5),
            TestGateway.promotional(SP, "noMax", "1h", 5).put("maxResources", 0),
            new JsonObject()
                .put("serviceProvider", SP)
                .put("mvpd", "Degraded")
                .put("degradation", "AuthNAll"),
            new JsonObject()
                .put("serviceProvider", SP)
                .put("mvpd", "Cablevision")
                .put("displayName", "Optimum"),
            new JsonObject()
                .put("serviceProvider", SP)
                .put("mvpd", "Retired")
                .put("active", false));
    prefix = TestGateway.keyPrefix(config);
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  gateway = g;
                  api = new Api(vertx, g.port());
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

  static JsonObject profileOf(HttpResponse<Buffer> res, String mvpd) {
    assertEquals(200, res.statusCode(), res.bodyAsString());
    JsonObject profiles = res.bodyAsJsonObject().getJsonObject("profiles");
    assertEquals(Set.of(mvpd), profiles.fieldNames());
    return profiles.getJsonObject(mvpd);
  }

  static void assertTopLevel(HttpResponse<Buffer> res, int status, String code) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    assertEquals(code, res.bodyAsJsonObject().getString("code"));
    assertEquals(res.getHeader("X-Request-Id"), res.bodyAsJsonObject().getString("trace"));
  }

  @Test
  void basic_profile_before_first_use_is_projected_and_starts_no_clock(VertxTestContext ctx) {
    long before = System.currentTimeMillis();
    api.profile(SP, "TempPass_TEST40", "fresh-device", null)
        .send()
        .compose(
            res ->
                redis
                    .keys(prefix)
                    .map(
                        keys -> {
                          ctx.verify(
                              () -> {
                                JsonObject p = profileOf(res, "TempPass_TEST40");
                                assertEquals(
                                    Set.of("notBefore", "notAfter", "issuer", "type", "attributes"),
                                    p.fieldNames());
                                assertEquals("Adobe", p.getString("issuer"));
                                assertEquals("temporary", p.getString("type"));
                                assertTrue(Math.abs(p.getLong("notBefore") - before) < 60_000);
                                assertEquals(
                                    p.getLong("notBefore") + 60_000, p.getLong("notAfter"));
                                JsonObject attributes = p.getJsonObject("attributes");
                                assertEquals(
                                    Set.of("userID", "expiration_date"), attributes.fieldNames());
                                assertTrue(
                                    attributes
                                        .getJsonObject("userID")
                                        .getString("value")
                                        .matches("temppass_[0-9a-f]{40}"));
                                assertEquals(
                                    "plain", attributes.getJsonObject("userID").getString("state"));
                                assertEquals(
                                    p.getLong("notAfter"),
                                    attributes.getJsonObject("expiration_date").getLong("value"));
                                assertEquals(
                                    List.of(),
                                    keys.stream().filter(k -> !k.endsWith(":control")).toList(),
                                    "a profile read starts no clock");
                              });
                          return res;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void basic_profile_after_use_shows_the_live_pass_and_403_after_expiry(
      Vertx vertx, VertxTestContext ctx) {
    api.authorize(SP, "TempPass_TEST40", "used-device", null, "REF30")
        .compose(
            decision ->
                api.profile(SP, "TempPass_TEST40", "used-device", null)
                    .send()
                    .map(
                        res -> {
                          ctx.verify(
                              () -> {
                                JsonObject d = decision.getJsonArray("decisions").getJsonObject(0);
                                JsonObject p = profileOf(res, "TempPass_TEST40");
                                assertEquals(d.getLong("notAfter"), p.getLong("notAfter"));
                                assertTrue(p.getLong("notBefore") <= d.getLong("notBefore"));
                              });
                          return res;
                        }))
        .compose(v -> api.authorize(SP, "short", "used-device", null, "REF30"))
        .compose(v -> vertx.timer(450))
        .compose(v -> api.profile(SP, "short", "used-device", null).send())
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertTopLevel(res, 403, "temporary_access_duration_limit_exceeded");
                          ctx.completeNow();
                        })));
  }

  @Test
  void promotional_profile_shows_remaining_resources_and_used_assets(VertxTestContext ctx) {
    api.profile(SP, "flexibleTempPass", "promo-device", "foo@bar.com")
        .send()
        .compose(
            fresh -> {
              ctx.verify(
                  () -> {
                    JsonObject a = profileOf(fresh, "flexibleTempPass").getJsonObject("attributes");
                    assertEquals(5, a.getJsonObject("remaining_resources").getInteger("value"));
                    assertEquals(
                        new JsonArray(), a.getJsonObject("used_assets").getJsonArray("value"));
                  });
              return api.authorize(
                  SP,
                  "flexibleTempPass",
                  "promo-device",
                  "foo@bar.com",
                  "res01",
                  "res02",
                  "res03",
                  "res04");
            })
        .compose(v -> api.profile(SP, "flexibleTempPass", "promo-device", "foo@bar.com").send())
        .compose(
            used -> {
              ctx.verify(
                  () -> {
                    JsonObject p = profileOf(used, "flexibleTempPass");
                    assertEquals("temporary", p.getString("type"));
                    JsonObject a = p.getJsonObject("attributes");
                    assertEquals(
                        Set.of("userID", "expiration_date", "remaining_resources", "used_assets"),
                        a.fieldNames());
                    assertEquals(1, a.getJsonObject("remaining_resources").getInteger("value"));
                    assertEquals(
                        Set.of("res01", "res02", "res03", "res04"),
                        Set.copyOf(a.getJsonObject("used_assets").getJsonArray("value").getList()));
                    assertEquals("plain", a.getJsonObject("used_assets").getString("state"));
                    assertEquals(
                        p.getLong("notAfter"), a.getJsonObject("expiration_date").getLong("value"));
                  });
              return api.authorize(SP, "flexibleTempPass", "promo-device", "foo@bar.com", "res05");
            })
        .compose(v -> api.profile(SP, "flexibleTempPass", "promo-device", "foo@bar.com").send())
        .onComplete(
            ctx.succeeding(
                exhausted ->
                    ctx.verify(
                        () -> {
                          assertTopLevel(
                              exhausted, 403, "temporary_access_resources_limit_exceeded");
                          ctx.completeNow();
                        })));
  }

  @Test
  void promotional_profile_errors_are_top_level(VertxTestContext ctx) {
    Future.all(
            api.profile(SP, "flexibleTempPass", "promo-device", null).send(),
            api.profile(SP, "noMax", "promo-device", "foo@bar.com").send(),
            api.profile(SP, "Retired", "promo-device", null).send())
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertTopLevel(
                              all.resultAt(0), 400, "invalid_header_identity_for_temporary_access");
                          assertTopLevel(
                              all.resultAt(1), 500, "invalid_configuration_temporary_access");
                          assertTopLevel(all.resultAt(2), 400, "invalid_integration");
                          ctx.completeNow();
                        })));
  }

  @Test
  void degraded_and_regular_profiles(VertxTestContext ctx) {
    Future.all(
            api.profile(SP, "Degraded", "any-device", null).send(),
            api.profile(SP, "Cablevision", "any-device", null).send())
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          JsonObject p = profileOf(all.resultAt(0), "Degraded");
                          assertEquals("degraded", p.getString("type"));
                          assertEquals("Adobe", p.getString("issuer"));
                          assertTrue(
                              p.getJsonObject("attributes")
                                  .getJsonObject("userID")
                                  .getString("value")
                                  .matches("95cf93bcd183214a[0-9a-f]{40}"));
                          HttpResponse<Buffer> regular = all.resultAt(1);
                          assertEquals(200, regular.statusCode());
                          assertEquals(
                              new JsonObject().put("profiles", new JsonObject()),
                              regular.bodyAsJsonObject());
                          ctx.completeNow();
                        })));
  }

  @Test
  void profile_requests_are_validated_like_decisions(VertxTestContext ctx) {
    Future.all(
            api.profile(SP, "TempPass_TEST40", "d", null)
                .putHeader("Authorization", "Bearer x")
                .send(),
            api.profile(SP, "TempPass_TEST40", "d", null)
                .putHeader("AP-Device-Identifier", "fingerprint")
                .send(),
            api.profile(SP, "bad!", "d", null).send())
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertTopLevel(
                              all.resultAt(0), 401, "invalid_access_token_client_application");
                          assertTopLevel(all.resultAt(1), 400, "invalid_header_device_identifier");
                          assertTopLevel(all.resultAt(2), 400, "invalid_parameter_mvpd");
                          ctx.completeNow();
                        })));
  }

  @Test
  void configuration_lists_the_active_mvpds_with_their_tempPass_flag(VertxTestContext ctx) {
    api.raw()
        .get(gateway.port(), "127.0.0.1", "/api/v2/" + SP + "/configuration")
        .putHeader("Authorization", io.temppass.gateway.support.AccessTokens.bearer())
        .send()
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertEquals(200, res.statusCode(), res.bodyAsString());
                          JsonObject requestor = res.bodyAsJsonObject().getJsonObject("requestor");
                          assertEquals(SP, requestor.getString("id"));
                          JsonArray mvpds = requestor.getJsonArray("mvpds");
                          assertEquals(
                              List.of(
                                  "TempPass_TEST40",
                                  "short",
                                  "flexibleTempPass",
                                  "noMax",
                                  "Degraded",
                                  "Cablevision"),
                              mvpds.stream().map(o -> ((JsonObject) o).getString("id")).toList(),
                              "inactive integrations do not appear");
                          assertEquals(
                              new JsonObject()
                                  .put("id", "TempPass_TEST40")
                                  .put("displayName", "Adobe Temp Pass Test 3 min")
                                  .put("logoUrl", "")
                                  .put("isTempPass", true),
                              mvpds.getJsonObject(0));
                          assertEquals(
                              new JsonObject()
                                  .put("id", "Cablevision")
                                  .put("displayName", "Optimum")
                                  .put("logoUrl", "")
                                  .put("isTempPass", false),
                              mvpds.getJsonObject(5));
                          ctx.completeNow();
                        })));
  }
}
