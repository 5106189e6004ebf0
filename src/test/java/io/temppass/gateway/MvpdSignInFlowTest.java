package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.DecisionFields;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.token.MediaTokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The regular-MVPD path end to end, over real HTTP against an independent OpenID Connect provider
 * as the MVPD: session → browser step → MVPD sign-in → redirect back → profile → decisions with
 * {@code source: "mvpd"} (the seed's sample 1) → a denied resource → logout → missing profile.
 */
@ExtendWith(VertxExtension.class)
class MvpdSignInFlowTest {
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

  JsonObject config() throws Exception {
    return TestGateway.withMvpdSessions(
        TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP);
  }

  /** The seed's sample 1, request headers and body as Adobe wrote them. */
  static io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>
      sampleOne(Api api) {
    return api.raw()
        .post("/api/v2/REF30/decisions/authorize/Cablevision")
        .putHeader("Authorization", io.temppass.gateway.support.AccessTokens.bearer())
        .putHeader("Content-Type", "application/json")
        .putHeader(
            "AP-Device-Identifier", "fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi")
        .putHeader("X-Device-Info", Api.SAMPLE_DEVICE_INFO)
        .putHeader("Accept", "application/json")
        .putHeader(
            "User-Agent", "Mozilla/5.0 (Apple TV; U; CPU AppleTV5,3 OS 11.0 like Mac OS X; en_US)")
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer("{\n    \"resources\": [\"REF30\"]\n}"));
  }

  @Test
  void sign_in_then_sample_one_is_answered_by_the_mvpd_field_for_field(
      Vertx vertx, VertxTestContext ctx) throws Exception {
    mvpd.nextLogin("subscriber-42", Map.of("householdID", "HH-1001", "zip", "10001"));
    TestGateway.start(vertx, config())
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  MvpdSignIn browser = new MvpdSignIn(vertx, g.port());
                  long before = System.currentTimeMillis();
                  browser
                      .signIn(SP, MVPD, Api.SAMPLE_DEVICE)
                      .compose(
                          result -> {
                            ctx.verify(
                                () -> assertEquals(MvpdSignIn.REDIRECT_URL, result.landedOn()));
                            return api.raw()
                                .get("/api/v2/REF30/profiles/code/" + result.code())
                                .putHeader(
                                    "Authorization",
                                    io.temppass.gateway.support.AccessTokens.bearer())
                                .putHeader(
                                    "AP-Device-Identifier", Api.fingerprint(Api.SAMPLE_DEVICE))
                                .send();
                          })
                      .compose(
                          profile -> {
                            ctx.verify(
                                () -> {
                                  assertEquals(200, profile.statusCode(), profile.bodyAsString());
                                  JsonObject p =
                                      profile
                                          .bodyAsJsonObject()
                                          .getJsonObject("profiles")
                                          .getJsonObject(MVPD);
                                  assertNotNull(p, profile.bodyAsString());
                                  assertEquals(MVPD, p.getString("issuer"));
                                  assertEquals("regular", p.getString("type"));
                                  assertEquals(
                                      new JsonObject()
                                          .put("value", "subscriber-42")
                                          .put("state", "plain"),
                                      p.getJsonObject("attributes").getJsonObject("userID"));
                                  assertEquals(
                                      "HH-1001",
                                      p.getJsonObject("attributes")
                                          .getJsonObject("householdID")
                                          .getString("value"));
                                  assertTrue(p.getLong("notBefore") >= before);
                                  assertEquals(
                                      p.getLong("notBefore") + 30L * 24 * 3600 * 1000,
                                      p.getLong("notAfter"));
                                });
                            return sampleOne(api);
                          })
                      .onComplete(
                          ctx.succeeding(
                              response ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(
                                            200, response.statusCode(), response.bodyAsString());
                                        assertEquals(
                                            "application/json;charset=UTF-8",
                                            response.getHeader("Content-Type"));
                                        JsonArray decisions =
                                            response.bodyAsJsonObject().getJsonArray("decisions");
                                        assertEquals(1, decisions.size());
                                        JsonObject d = decisions.getJsonObject(0);
                                        assertEquals(
                                            DecisionFields.PERMITTED,
                                            new ArrayList<>(d.fieldNames()));
                                        assertEquals("REF30", d.getString("resource"));
                                        assertEquals("REF30", d.getString("serviceProvider"));
                                        assertEquals("Cablevision", d.getString("mvpd"));
                                        assertEquals("mvpd", d.getString("source"));
                                        assertTrue(d.getBoolean("authorized"));
                                        JsonObject token = d.getJsonObject("token");
                                        assertEquals(
                                            Set.of("notBefore", "notAfter", "serializedToken"),
                                            token.fieldNames());
                                        assertEquals(
                                            d.getLong("notBefore"),
                                            token.getLong("notBefore"),
                                            "token notBefore = decision notBefore (sample 1)");
                                        assertEquals(
                                            token.getLong("notBefore") + 7 * 60_000L,
                                            token.getLong("notAfter"));
                                        assertEquals(
                                            d.getLong("notBefore") + 3_600_000L,
                                            d.getLong("notAfter"),
                                            "decision window = authorizationTtl (1 h default)");
                                        assertEquals(
                                            MediaTokenVerifier.Status.VALID_TOKEN,
                                            new MediaTokenVerifier(
                                                    com.nimbusds.jose.jwk.JWKSet.parse(
                                                        g.jwks().encode()),
                                                    java.time.Clock.systemUTC())
                                                .verify(
                                                    token.getString("serializedToken"),
                                                    "REF30",
                                                    "REF30")
                                                .status());
                                        assertEquals(
                                            "subscriber-42",
                                            mvpd.subjectOf("REF30"),
                                            "the MVPD was asked about the signed-in subscriber");
                                        browser.close();
                                        ctx.completeNow();
                                      })));
                }));
  }

  @Test
  void deny_with_text_then_logout_then_profile_missing(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    mvpd.nextLogin("subscriber-7", Map.of());
    mvpd.deny("premium-movie", "This title is not in your package.");
    TestGateway.start(vertx, config())
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  MvpdSignIn browser = new MvpdSignIn(vertx, g.port());
                  String device = "device-deny-logout";
                  browser
                      .signIn(SP, MVPD, device)
                      .compose(
                          r -> api.authorize(SP, MVPD, device, null, "premium-movie", "free-movie"))
                      .compose(
                          body -> {
                            ctx.verify(
                                () -> {
                                  JsonObject denied =
                                      body.getJsonArray("decisions").getJsonObject(0);
                                  assertFalse(denied.getBoolean("authorized"));
                                  assertEquals("mvpd", denied.getString("source"));
                                  assertFalse(denied.containsKey("token"));
                                  JsonObject e = denied.getJsonObject("error");
                                  assertEquals("authorization_denied_by_mvpd", e.getString("code"));
                                  assertEquals(403, e.getInteger("status"));
                                  assertEquals("none", e.getString("action"));
                                  assertEquals(
                                      "This title is not in your package.", e.getString("details"));
                                  assertTrue(
                                      body.getJsonArray("decisions")
                                          .getJsonObject(1)
                                          .getBoolean("authorized"));
                                });
                            return api.raw()
                                .get(
                                    "/api/v2/REF30/logout/Cablevision?redirectUrl=https%3A%2F%2Fapp.example.com%2Fbye")
                                .putHeader(
                                    "Authorization",
                                    io.temppass.gateway.support.AccessTokens.bearer())
                                .putHeader("AP-Device-Identifier", Api.fingerprint(device))
                                .send();
                          })
                      .compose(
                          logout -> {
                            ctx.verify(
                                () -> {
                                  assertEquals(200, logout.statusCode(), logout.bodyAsString());
                                  JsonObject entry =
                                      logout
                                          .bodyAsJsonObject()
                                          .getJsonObject("logouts")
                                          .getJsonObject(MVPD);
                                  assertEquals("logout", entry.getString("actionName"));
                                  assertEquals("interactive", entry.getString("actionType"));
                                  assertEquals(MVPD, entry.getString("mvpd"));
                                  assertTrue(
                                      entry
                                          .getString("url")
                                          .contains(
                                              "post_logout_redirect_uri=https%3A%2F%2Fapp.example.com%2Fbye"),
                                      entry.encode());
                                });
                            return api.authorize(SP, MVPD, device, null, "free-movie");
                          })
                      .compose(
                          body -> {
                            ctx.verify(
                                () -> {
                                  JsonObject d = body.getJsonArray("decisions").getJsonObject(0);
                                  assertFalse(d.getBoolean("authorized"));
                                  assertEquals(
                                      "authenticated_profile_missing",
                                      d.getJsonObject("error").getString("code"));
                                  assertEquals(
                                      "The authenticated profile associated with this request is missing.",
                                      d.getJsonObject("error").getString("message"));
                                });
                            return api.raw()
                                .get("/api/v2/REF30/logout/Cablevision")
                                .putHeader(
                                    "Authorization",
                                    io.temppass.gateway.support.AccessTokens.bearer())
                                .putHeader("AP-Device-Identifier", Api.fingerprint(device))
                                .send();
                          })
                      .onComplete(
                          ctx.succeeding(
                              again ->
                                  ctx.verify(
                                      () -> {
                                        JsonObject entry =
                                            again
                                                .bodyAsJsonObject()
                                                .getJsonObject("logouts")
                                                .getJsonObject(MVPD);
                                        assertEquals("invalid", entry.getString("actionName"));
                                        assertEquals("none", entry.getString("actionType"));
                                        browser.close();
                                        ctx.completeNow();
                                      })));
                }));
  }
}
