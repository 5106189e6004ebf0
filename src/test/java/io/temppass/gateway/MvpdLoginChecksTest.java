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
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a sign-in must prove before a profile exists, and how long the profile then lives: an ID
 * token that does not carry this sign-in's nonce creates no profile; a plain OAuth 2.0 MVPD (no
 * discovery) signs in through its user-info endpoint; a profile past {@code authenticationTtl}
 * disappears from profiles and its decisions say {@code authenticated_profile_expired}.
 */
class MvpdLoginChecksTest {
  static final String SP = "REF30";

  Vertx vertx;
  TestMvpd mvpd;
  Pods pods;
  MvpdSignIn browser;
  Api api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(
                TestGateway.config(),
                mvpd.integration(SP, "Oidc"),
                mvpd.integration(SP, "ShortLived").put("authenticationTtl", "2s"),
                mvpd.plainOAuthIntegration(SP, "PlainOAuth")),
            SP);
    pods = Pods.startEach(config);
    browser = new MvpdSignIn(vertx, pods.port(0));
    api = new Api(vertx, pods.port(0));
  }

  @AfterEach
  void stop() throws Exception {
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  JsonObject codeProfiles(String code, String device) throws Exception {
    return browser
        .browser()
        .get(pods.port(0), "127.0.0.1", "/api/v2/" + SP + "/profiles/code/" + code)
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("AP-Device-Identifier", Api.fingerprint(device))
        .send()
        .await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject()
        .getJsonObject("profiles");
  }

  /**
   * An ID token whose nonce is not the one this sign-in sent (a replayed or injected token) creates
   * no profile. vertx-auth-oauth2 does not compare the nonce. Breakage caught: removing the nonce
   * comparison in OAuthLogin.
   */
  @Test
  void an_id_token_with_another_nonce_creates_no_profile() throws Exception {
    mvpd.nextLogin("subscriber-wrong-nonce", Map.of("nonce", "someone-elses-nonce"));
    MvpdSignIn.Result r = browser.signIn(SP, "Oidc", "dev-nonce").await(30, TimeUnit.SECONDS);
    assertEquals(
        MvpdSignIn.REDIRECT_URL, r.landedOn(), "a refused sign-in still lands on redirectUrl");
    assertEquals(new JsonObject(), codeProfiles(r.code(), "dev-nonce"));
    JsonObject d =
        api.authorize(SP, "Oidc", "dev-nonce", null, "t")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions")
            .getJsonObject(0);
    assertEquals("authenticated_profile_missing", d.getJsonObject("error").getString("code"));
  }

  @Test
  void a_plain_oauth_mvpd_signs_in_through_user_info() throws Exception {
    mvpd.nextLogin("subscriber-plain", Map.of("householdID", "HH-PLAIN"));
    MvpdSignIn.Result r = browser.signIn(SP, "PlainOAuth", "dev-plain").await(30, TimeUnit.SECONDS);
    JsonObject attributes =
        codeProfiles(r.code(), "dev-plain").getJsonObject("PlainOAuth").getJsonObject("attributes");
    assertEquals("subscriber-plain", attributes.getJsonObject("userID").getString("value"));
    assertEquals("HH-PLAIN", attributes.getJsonObject("householdID").getString("value"));
    assertTrue(
        api.authorize(SP, "PlainOAuth", "dev-plain", null, "t")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions")
            .getJsonObject(0)
            .getBoolean("authorized"));
  }

  @Test
  void a_profile_past_its_authentication_ttl_is_gone_and_decisions_say_expired() throws Exception {
    mvpd.nextLogin("subscriber-short", Map.of());
    MvpdSignIn.Result r = browser.signIn(SP, "ShortLived", "dev-short").await(30, TimeUnit.SECONDS);
    JsonObject profile = codeProfiles(r.code(), "dev-short").getJsonObject("ShortLived");
    assertEquals(profile.getLong("notBefore") + 2_000, profile.getLong("notAfter"));
    long deadline = System.currentTimeMillis() + 15_000;
    JsonObject shown =
        api.profile(SP, "ShortLived", "dev-short", null)
            .send()
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    while (!shown.getJsonObject("profiles").isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      shown =
          api.profile(SP, "ShortLived", "dev-short", null)
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject();
    }
    assertTrue(
        System.currentTimeMillis() >= profile.getLong("notAfter"), "shown until its notAfter");
    assertEquals(new JsonObject(), shown.getJsonObject("profiles"));
    JsonObject d =
        api.authorize(SP, "ShortLived", "dev-short", null, "t")
            .await(10, TimeUnit.SECONDS)
            .getJsonArray("decisions")
            .getJsonObject(0);
    assertFalse(d.getBoolean("authorized"));
    assertEquals("authenticated_profile_expired", d.getJsonObject("error").getString("code"));
  }
}
