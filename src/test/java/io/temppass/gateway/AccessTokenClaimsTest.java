package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Access tokens that are validly signed by a trusted key yet malformed or not meant for the
 * gateway: each is a 401 {@code invalid_access_token_client_application}, never a 500 or an ERROR
 * log line.
 */
class AccessTokenClaimsTest {
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Api start(JsonObject config) throws Exception {
    return new Api(vertx, TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port());
  }

  private static JsonObject config() {
    return TestGateway.with(
        TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
  }

  private static HttpResponse<Buffer> send(Api api, String token) throws Exception {
    return api.decisions("apasstest1", "TempPass_TEST40", "claims-device")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(Api.body("REF30"))
        .await(10, TimeUnit.SECONDS);
  }

  private static void assert401(HttpResponse<Buffer> res) {
    assertEquals(401, res.statusCode(), res.bodyAsString());
    assertEquals(
        "invalid_access_token_client_application", res.bodyAsJsonObject().getString("code"));
  }

  /**
   * vertx-auth-jwt throws synchronously on a string or boolean time claim; that used to escape as a
   * 500 with an ERROR line. Breakage caught: without the time-claim check and the try around the
   * library call in {@code AccessTokenVerifier.authenticate}, these requests get 500.
   */
  @Test
  void string_or_boolean_time_claims_are_401_not_500() throws Exception {
    Api api = start(config());
    try (LogCapture logs = new LogCapture()) {
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("exp", "9999999999"), AccessTokens.KEY.getPrivate())));
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("exp", true), AccessTokens.KEY.getPrivate())));
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("nbf", "0"), AccessTokens.KEY.getPrivate())));
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("nbf", false), AccessTokens.KEY.getPrivate())));
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("iat", "now"), AccessTokens.KEY.getPrivate())));
      assert401(
          send(
              api,
              AccessTokens.rs256(
                  AccessTokens.claims().put("iat", true), AccessTokens.KEY.getPrivate())));
      assertTrue(logs.warnings().isEmpty(), "logged: " + logs.warnings());
    }
    assertEquals(
        200, send(api, AccessTokens.valid()).statusCode(), "a well-formed token still passes");
  }

  /**
   * A token whose scopes are in the standard OAuth {@code scope} claim (RFC 9068) is accepted like
   * one with Adobe's {@code scopes}; the standard claim as an array (the wrong type) is 401 saying
   * so. Breakage caught: AccessTokenVerifier reading only {@code scopes} (the first got 401).
   */
  @Test
  void the_standard_scope_claim_is_accepted() throws Exception {
    Api api = start(config());
    JsonObject standard = AccessTokens.claims();
    standard.remove("scopes");
    standard.put("scope", "openid api:client:v2");
    HttpResponse<Buffer> ok =
        send(api, AccessTokens.rs256(standard, AccessTokens.KEY.getPrivate()));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());

    standard.put("scope", new JsonArray().add("api:client:v2"));
    HttpResponse<Buffer> wrongType =
        send(api, AccessTokens.rs256(standard, AccessTokens.KEY.getPrivate()));
    assert401(wrongType);
    assertTrue(
        wrongType.bodyAsJsonObject().getString("details").startsWith("the scope claim must be"));
  }

  /**
   * RFC 7515 §4.1.11: the gateway understands no JWS extension, so any {@code crit} header is
   * refused.
   */
  @Test
  void a_crit_header_is_401() throws Exception {
    Api api = start(config());
    JsonObject header =
        new JsonObject()
            .put("alg", "RS256")
            .put("typ", "JWT")
            .put("crit", new JsonArray().add("exp"))
            .put("exp", 1);
    assert401(
        send(
            api, AccessTokens.rs256(header, AccessTokens.claims(), AccessTokens.KEY.getPrivate())));
  }

  /**
   * With {@code accessTokens.audience} set, a token without that audience is 401; a string or an
   * array naming it passes.
   */
  @Test
  void the_configured_audience_is_required() throws Exception {
    JsonObject config = config();
    config.getJsonObject("accessTokens").put("audience", "temppass-gateway");
    Api api = start(config);
    assert401(send(api, AccessTokens.valid()));
    assert401(
        send(
            api,
            AccessTokens.rs256(
                AccessTokens.claims().put("aud", "another-api"), AccessTokens.KEY.getPrivate())));
    assertEquals(
        200,
        send(
                api,
                AccessTokens.rs256(
                    AccessTokens.claims().put("aud", "temppass-gateway"),
                    AccessTokens.KEY.getPrivate()))
            .statusCode());
    assertEquals(
        200,
        send(
                api,
                AccessTokens.rs256(
                    AccessTokens.claims()
                        .put("aud", new JsonArray().add("x").add("temppass-gateway")),
                    AccessTokens.KEY.getPrivate()))
            .statusCode());
  }

  /**
   * Keys fetched over plain HTTP could be swapped in transit: refused at start-up outside
   * development.
   */
  @Test
  void a_plain_http_jwks_url_is_refused_outside_development() {
    JsonObject config = config();
    config.getJsonObject("accessTokens").remove("publicKeys");
    config.getJsonObject("accessTokens").put("jwks", "http://idp.example/jwks.json");
    ConfigException e = assertThrows(ConfigException.class, () -> TestGateway.parse(config));
    assertTrue(e.getMessage().startsWith("accessTokens.jwks: must be https://"), e.getMessage());
    config.getJsonObject("accessTokens").put("jwks", "https://idp.example/jwks.json");
    assertEquals("https://idp.example/jwks.json", TestGateway.parse(config).accessTokens().jwks());
  }
}
