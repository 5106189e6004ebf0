package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v2/{sp}/decisions/preauthorize/{mvpd}} (DP): the same answers as authorization
 * without tokens or decision times, {@code preauthorization_denied_by_mvpd} on a deny, at most 5
 * resources; for TempPass the pass's current answer, never starting a clock or using a resource.
 */
class PreauthorizeTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  Vertx vertx;
  TestMvpd mvpd;
  Pods pods;
  Api api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(
                TestGateway.config(),
                mvpd.integration(SP, MVPD),
                TestGateway.promotional(SP, "promo", "1h", 2),
                TestGateway.basic(SP, "basic", "1h")),
            SP);
    pods = Pods.startEach(config);
    api = new Api(vertx, pods.port(0));
  }

  @AfterEach
  void stop() throws Exception {
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> preauthorize(String mvpdId, String device, String email, String... resources)
      throws Exception {
    var req =
        api.raw()
            .post(pods.port(0), "127.0.0.1", "/api/v2/" + SP + "/decisions/preauthorize/" + mvpdId)
            .putHeader("Authorization", AccessTokens.bearer())
            .putHeader("Content-Type", "application/json")
            .putHeader("AP-Device-Identifier", Api.fingerprint(device));
    if (email != null) req.putHeader("AP-TempPass-Identity", Api.identity(email));
    return req.sendJsonObject(Api.body(resources)).await(15, TimeUnit.SECONDS);
  }

  /**
   * The route decides, not a search of the raw path: a path that normalises to the preauthorize
   * route (an encoded letter, a dot segment) is a preauthorization, never starting a clock or
   * signing a token; one that normalises to authorize is an authorization. Caught breakage: telling
   * them apart by {@code path().contains("/decisions/preauthorize/")} (as before the fix), which
   * ran a full authorization for the first two.
   */
  @Test
  void the_route_not_the_raw_path_tells_preauthorization_from_authorization() throws Exception {
    // A client of its own: the test clients check every response against the document, whose
    // paths are the normalised ones.
    io.vertx.ext.web.client.WebClient plain = io.vertx.ext.web.client.WebClient.create(vertx);
    for (String path :
        new String[] {
          "/decisions/%70reauthorize/basic", "/decisions/authorize/../preauthorize/basic"
        }) {
      HttpResponse<Buffer> r =
          plain
              .post(pods.port(0), "127.0.0.1", "/api/v2/" + SP + path)
              .putHeader("Authorization", AccessTokens.bearer())
              .putHeader("Content-Type", "application/json")
              .putHeader("AP-Device-Identifier", Api.fingerprint("raw-path"))
              .sendJsonObject(Api.body("REF30"))
              .await(15, TimeUnit.SECONDS);
      JsonObject d = decisions(r).getJsonObject(0);
      assertEquals(false, d.containsKey("token"), path + ": " + d);
    }
    HttpResponse<Buffer> authorized =
        plain
            .post(
                pods.port(0),
                "127.0.0.1",
                "/api/v2/" + SP + "/decisions/preauthorize/../authorize/basic")
            .putHeader("Authorization", AccessTokens.bearer())
            .putHeader("Content-Type", "application/json")
            .putHeader("AP-Device-Identifier", Api.fingerprint("raw-path"))
            .sendJsonObject(Api.body("REF30"))
            .await(15, TimeUnit.SECONDS);
    assertEquals(true, decisions(authorized).getJsonObject(0).containsKey("token"));
    plain.close();
  }

  static JsonArray decisions(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("decisions");
  }

  @Test
  void mvpd_preauthorization_has_no_tokens_and_its_own_deny_code() throws Exception {
    mvpd.nextLogin("subscriber-pre", Map.of());
    mvpd.deny("not-included", "Upgrade your package.");
    new MvpdSignIn(vertx, pods.port(0)).signIn(SP, MVPD, "dev-pre").await(30, TimeUnit.SECONDS);
    JsonArray d = decisions(preauthorize(MVPD, "dev-pre", null, "included", "not-included"));
    JsonObject permit = d.getJsonObject(0);
    assertEquals(
        List.of("resource", "serviceProvider", "mvpd", "source", "authorized"),
        List.copyOf(permit.fieldNames()));
    assertTrue(permit.getBoolean("authorized"));
    assertEquals("mvpd", permit.getString("source"));
    JsonObject deny = d.getJsonObject(1);
    assertFalse(deny.getBoolean("authorized"));
    assertEquals("preauthorization_denied_by_mvpd", deny.getJsonObject("error").getString("code"));
    assertEquals("Upgrade your package.", deny.getJsonObject("error").getString("details"));
  }

  @Test
  void at_most_five_resources() throws Exception {
    HttpResponse<Buffer> r = preauthorize(MVPD, "dev-six", null, "a", "b", "c", "d", "e", "f");
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals("too_many_resources", r.bodyAsJsonObject().getString("code"));
    assertEquals(200, preauthorize(MVPD, "dev-five", null, "a", "b", "c", "d", "e").statusCode());
  }

  @Test
  void without_a_profile_each_item_is_profile_missing() throws Exception {
    JsonObject d = decisions(preauthorize(MVPD, "dev-none", null, "x")).getJsonObject(0);
    assertEquals("authenticated_profile_missing", d.getJsonObject("error").getString("code"));
  }

  /**
   * Preauthorizing on a promotional pass starts no clock and uses no slot: afterwards an
   * authorization still has both slots, and the pass starts only then. Breakage caught: answering
   * preauthorize through the authorization script would start the clock and take the slots.
   */
  @Test
  void tempPass_preauthorization_consumes_nothing() throws Exception {
    JsonArray pre =
        decisions(preauthorize("promo", "dev-promo", "viewer@example.com", "t1", "t2", "t3"));
    assertTrue(pre.getJsonObject(0).getBoolean("authorized"));
    assertTrue(pre.getJsonObject(1).getBoolean("authorized"));
    assertFalse(
        pre.getJsonObject(2).getBoolean("authorized"), "a third title would exceed the pass");
    assertEquals(
        "temporary_access_resources_limit_exceeded",
        pre.getJsonObject(2).getJsonObject("error").getString("code"));
    assertFalse(pre.getJsonObject(0).containsKey("token"));
    for (int i = 0; i < 3; i++) assertEquals("temppass", pre.getJsonObject(i).getString("source"));

    JsonObject profile =
        api.profile(SP, "promo", "dev-promo", "viewer@example.com")
            .send()
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject()
            .getJsonObject("profiles")
            .getJsonObject("promo");
    assertEquals(
        2,
        profile
            .getJsonObject("attributes")
            .getJsonObject("remaining_resources")
            .getInteger("value"),
        "no slot used");

    JsonArray real =
        api.authorize(SP, "promo", "dev-promo", "viewer@example.com", "t3", "t4")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions");
    assertTrue(real.getJsonObject(0).getBoolean("authorized"));
    assertTrue(
        real.getJsonObject(1).getBoolean("authorized"),
        "both slots were still free after preauthorization");

    JsonArray after =
        decisions(preauthorize("promo", "dev-promo", "viewer@example.com", "t3", "t5"));
    assertTrue(after.getJsonObject(0).getBoolean("authorized"), "a used title stays permitted");
    assertEquals(
        "temporary_access_resources_limit_exceeded",
        after.getJsonObject(1).getJsonObject("error").getString("code"));
  }

  /**
   * An identity whose own pass is used up is denied on a device bound to another identity by
   * authorization (issue 15's lock-out), and preauthorization answers the same. Breakage caught: a
   * profile read that ignores the presenting identity's own trial.
   */
  @Test
  void tempPass_preauthorization_applies_the_identitys_own_lockout() throws Exception {
    api.authorize(SP, "promo", "dev-a", "a@example.com", "t1", "t2").await(10, TimeUnit.SECONDS);
    api.authorize(SP, "promo", "dev-c", "c@example.com", "t1").await(10, TimeUnit.SECONDS);
    JsonObject real =
        api.authorize(SP, "promo", "dev-c", "a@example.com", "t9")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions")
            .getJsonObject(0);
    assertEquals(
        "temporary_access_resources_limit_exceeded", real.getJsonObject("error").getString("code"));
    JsonObject pre =
        decisions(preauthorize("promo", "dev-c", "a@example.com", "t8")).getJsonObject(0);
    assertFalse(pre.getBoolean("authorized"), pre.encode());
    assertEquals(
        "temporary_access_resources_limit_exceeded", pre.getJsonObject("error").getString("code"));
  }

  @Test
  void basic_tempPass_preauthorization_starts_no_clock() throws Exception {
    assertTrue(
        decisions(preauthorize("basic", "dev-basic", null, "x"))
            .getJsonObject(0)
            .getBoolean("authorized"));
    long before = System.currentTimeMillis();
    Thread.sleep(50);
    JsonObject d =
        api.authorize(SP, "basic", "dev-basic", null, "x")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions")
            .getJsonObject(0);
    assertTrue(
        d.getLong("notBefore") >= before,
        "the pass started with the authorization, not the preauthorization");
  }
}
