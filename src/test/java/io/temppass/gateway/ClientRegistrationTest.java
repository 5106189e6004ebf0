package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Adobe's Dynamic Client Registration end to end on one gateway (real Redis, real HTTP, real
 * signatures): the admin API of registered applications, {@code /o/client/register} and {@code
 * /o/client/token} with every status and error code of Adobe's DCR API, and the checks a
 * gateway-issued token meets on {@code /api/v2} and the admin API. Every response is also held to
 * docs/openapi.yaml by {@link Api}.
 *
 * <p>Breakages seen to turn these red (made locally, not committed): {@code GatewayJwts} not
 * checking the signature (other key, tampered payload); the {@code alg} check removed (Nimbus then
 * refuses {@code none} at parse, still red only on {@code HS256}); {@code ClientRegistration}
 * skipping the revoked flag; {@code AccessTokenVerifier.mayCall} ignoring the application's service
 * providers.
 */
@ExtendWith(VertxExtension.class)
class ClientRegistrationTest {
  static final String SP = "apasstest1";
  static final String MVPD = "TempPass_TEST40";

  Gateway gateway;
  Api api;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    gateway =
        TestGateway.start(
                vertx,
                Dcr.with(TestGateway.with(TestGateway.config(), TestGateway.basic(SP, MVPD, "1h"))))
            .await(30, TimeUnit.SECONDS);
    api = new Api(vertx, gateway.port());
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
  }

  private String statement(JsonObject body) throws Exception {
    return Dcr.created(api, body).getString("software_statement");
  }

  private static void assertOAuthError(HttpResponse<Buffer> r, String error) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals(error, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    assertFalse(
        r.bodyAsJsonObject().getString("error_description", "").isBlank(),
        "a description says what to fix");
  }

  private HttpResponse<Buffer> decide(String token, String sp) throws Exception {
    return api.decisions(sp, MVPD, "dcr-device")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(Api.body("r1"))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void an_app_registers_gets_a_token_and_calls_the_v2_api() throws Exception {
    JsonObject created = Dcr.created(api, Dcr.app(SP));
    String id = created.getString("id");
    assertEquals(List.of("api:client:v2"), created.getJsonArray("scopes").getList());
    String statement = created.getString("software_statement");
    JsonObject claims = payload(statement);
    assertEquals(id, claims.getString("sub"));
    assertEquals(Dcr.ISSUER, claims.getString("iss"));
    assertNull(claims.getValue("exp"), "statements do not expire");

    HttpResponse<Buffer> registered =
        Dcr.register(
            api,
            new JsonObject()
                .put("software_statement", statement)
                .put("redirect_uri", "https://www.example.com/done"));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    JsonObject client = registered.bodyAsJsonObject();
    assertTrue(client.getString("client_id").startsWith(id + "."));
    assertEquals(
        List.of("https://www.example.com/done"), client.getJsonArray("redirect_uris").getList());
    assertEquals(List.of("client_credentials"), client.getJsonArray("grant_types").getList());
    assertEquals(List.of("api:client:v2"), client.getJsonArray("scopes").getList());
    long issuedAt = client.getLong("client_id_issued_at");
    assertTrue(Math.abs(issuedAt - System.currentTimeMillis() / 1000) < 60, "seconds");

    HttpResponse<Buffer> token =
        Dcr.token(api, client.getString("client_id"), client.getString("client_secret"))
            .await(10, TimeUnit.SECONDS);
    assertEquals(201, token.statusCode(), token.bodyAsString());
    JsonObject answer = token.bodyAsJsonObject();
    assertEquals("bearer", answer.getString("token_type"));
    assertEquals(21600, answer.getLong("expires_in"));
    assertTrue(Math.abs(answer.getLong("created_at") - System.currentTimeMillis()) < 60_000);
    JsonObject tokenClaims = payload(answer.getString("access_token"));
    assertEquals(client.getString("client_id"), tokenClaims.getString("sub"));
    assertEquals(id, tokenClaims.getString("application_id"));
    assertEquals(answer.getString("id"), tokenClaims.getString("jti"));
    assertEquals(21600, tokenClaims.getLong("exp") - tokenClaims.getLong("iat"));

    HttpResponse<Buffer> decision = decide(answer.getString("access_token"), SP);
    assertEquals(200, decision.statusCode(), decision.bodyAsString());
    assertTrue(
        decision
            .bodyAsJsonObject()
            .getJsonArray("decisions")
            .getJsonObject(0)
            .getBoolean("authorized"));
  }

  /** Adobe's CMU sample sends the three parameters as a query string on a POST. */
  @Test
  void the_token_parameters_may_come_in_the_query_string() throws Exception {
    JsonObject client = Dcr.client(api, statement(Dcr.app(SP)));
    HttpResponse<Buffer> r =
        api.raw()
            .post(
                "/o/client/token?grant_type=client_credentials&client_id="
                    + client.getString("client_id")
                    + "&client_secret="
                    + client.getString("client_secret"))
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  @Test
  void register_refuses_malformed_requests_with_invalid_request() throws Exception {
    String statement = statement(Dcr.app(SP));
    assertOAuthError(Dcr.register(api, new JsonObject()), "invalid_request");
    assertOAuthError(
        Dcr.register(api, new JsonObject().put("software_statement", 42)), "invalid_request");
    assertOAuthError(
        Dcr.register(
            api, new JsonObject().put("software_statement", statement).put("redirect_uri", 1)),
        "invalid_request");
    HttpResponse<Buffer> repeated =
        api.raw()
            .post("/o/client/register")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(
                Buffer.buffer(
                    "{\"software_statement\":\"" + statement + "\",\"software_statement\":\"x\"}"))
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(repeated, "invalid_request");
    HttpResponse<Buffer> notJson =
        api.raw()
            .post("/o/client/register")
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer("software_statement=" + statement))
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(notJson, "invalid_request");
    HttpResponse<Buffer> form =
        api.raw()
            .post("/o/client/register")
            .sendForm(MultiMap.caseInsensitiveMultiMap().add("software_statement", statement))
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(form, "invalid_request");
    HttpResponse<Buffer> badDeviceInfo =
        api.raw()
            .post("/o/client/register")
            .putHeader("Content-Type", "application/json")
            .putHeader("X-Device-Info", "%%%")
            .sendBuffer(new JsonObject().put("software_statement", statement).toBuffer())
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(badDeviceInfo, "invalid_request");
    HttpResponse<Buffer> withDeviceInfo =
        api.raw()
            .post("/o/client/register")
            .putHeader("Content-Type", "application/json;charset=utf-8")
            .putHeader("X-Device-Info", Api.SAMPLE_DEVICE_INFO)
            .sendBuffer(new JsonObject().put("software_statement", statement).toBuffer())
            .await(10, TimeUnit.SECONDS);
    assertEquals(201, withDeviceInfo.statusCode(), withDeviceInfo.bodyAsString());
  }

  @Test
  void register_refuses_a_statement_it_did_not_sign_with_invalid_software_statement()
      throws Exception {
    String statement = statement(Dcr.app(SP));
    String id = payload(statement).getString("sub");
    String[] parts = statement.split("\\.");
    // Signed by another key under our key's kid.
    assertOAuthError(
        Dcr.register(api, Dcr.statement(id, Dcr.OTHER_KEY, Dcr.STATEMENT_KEY.kid())),
        "invalid_software_statement");
    // Our signature over another payload.
    String otherPayload =
        b64(
            new JsonObject()
                .put("iss", Dcr.ISSUER)
                .put("sub", UUID.randomUUID().toString())
                .encode());
    assertOAuthError(
        Dcr.register(api, parts[0] + "." + otherPayload + "." + parts[2]),
        "invalid_software_statement");
    // alg none, with and without a signature part.
    String none = b64("{\"alg\":\"none\",\"kid\":\"" + Dcr.STATEMENT_KEY.kid() + "\"}");
    assertOAuthError(Dcr.register(api, none + "." + parts[1] + "."), "invalid_software_statement");
    assertOAuthError(
        Dcr.register(api, none + "." + parts[1] + "." + parts[2]), "invalid_software_statement");
    // HS256 keyed with anything: never tried.
    String hs = b64("{\"alg\":\"HS256\",\"kid\":\"" + Dcr.STATEMENT_KEY.kid() + "\"}");
    assertOAuthError(
        Dcr.register(api, hs + "." + parts[1] + "." + parts[2]), "invalid_software_statement");
    // An unknown kid, though signed by our key.
    assertOAuthError(
        Dcr.register(api, Dcr.statement(id, Dcr.STATEMENT_KEY, "no-such-kid")),
        "invalid_software_statement");
    // A well-signed statement for an application that does not exist.
    assertOAuthError(
        Dcr.register(
            api,
            Dcr.statement(
                UUID.randomUUID().toString(), Dcr.STATEMENT_KEY, Dcr.STATEMENT_KEY.kid())),
        "invalid_software_statement");
    assertOAuthError(Dcr.register(api, "not-a-jwt"), "invalid_software_statement");
    // The genuine one still registers.
    assertEquals(201, Dcr.register(api, statement).statusCode());
  }

  @Test
  void register_checks_the_redirect_uri_against_domains_and_custom_schemes() throws Exception {
    String statement = statement(Dcr.app(SP));
    for (String good :
        List.of(
            "https://example.com/x",
            "http://app.example.com:8080/cb",
            "com.example.app://signed-in",
            "COM.EXAMPLE.APP:/x")) {
      HttpResponse<Buffer> r =
          Dcr.register(
              api, new JsonObject().put("software_statement", statement).put("redirect_uri", good));
      assertEquals(201, r.statusCode(), good + ": " + r.bodyAsString());
    }
    for (String bad :
        List.of(
            "https://evil.com/x",
            "https://example.com.evil.com/",
            "https://notexample.com/",
            "javascript:alert(1)",
            "other.app://x",
            "/relative",
            "")) {
      assertOAuthError(
          Dcr.register(
              api, new JsonObject().put("software_statement", statement).put("redirect_uri", bad)),
          "invalid_redirect_uri");
    }
  }

  @Test
  void a_revoked_application_is_refused_at_every_step() throws Exception {
    JsonObject created = Dcr.created(api, Dcr.app(SP));
    String statement = created.getString("software_statement");
    JsonObject client = Dcr.client(api, statement);
    String token = Dcr.accessToken(api, statement);
    assertEquals(200, decide(token, SP).statusCode());

    HttpResponse<Buffer> revoked =
        api.admin(HttpMethod.DELETE, "/admin/v1/applications/" + created.getString("id"))
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(204, revoked.statusCode(), revoked.bodyAsString());

    assertOAuthError(Dcr.register(api, statement), "unapproved_software_statement");
    assertOAuthError(
        Dcr.token(api, client.getString("client_id"), client.getString("client_secret"))
            .await(10, TimeUnit.SECONDS),
        "unauthorized_client");
    HttpResponse<Buffer> decision = decide(token, SP);
    assertEquals(401, decision.statusCode());
    assertEquals(
        "invalid_access_token_client_application", decision.bodyAsJsonObject().getString("code"));
    JsonObject record =
        api.admin(HttpMethod.GET, "/admin/v1/applications/" + created.getString("id"))
            .send()
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    assertTrue(record.getBoolean("revoked"), "the record is kept, marked revoked");
  }

  @Test
  void token_refuses_each_fault_with_its_code() throws Exception {
    String statement = statement(Dcr.app(SP));
    JsonObject client = Dcr.client(api, statement);
    JsonObject other = Dcr.client(api, statement);
    String id = client.getString("client_id");
    String secret = client.getString("client_secret");

    assertOAuthError(
        form(
            MultiMap.caseInsensitiveMultiMap()
                .add("client_id", id)
                .add("grant_type", "client_credentials"),
            ""),
        "invalid_request");
    assertOAuthError(
        form(
            MultiMap.caseInsensitiveMultiMap()
                .add("client_id", id)
                .add("client_secret", secret)
                .add("grant_type", "client_credentials"),
            "?client_id=" + id),
        "invalid_request");
    assertOAuthError(
        form(
            MultiMap.caseInsensitiveMultiMap()
                .add("client_id", id)
                .add("client_secret", secret)
                .add("grant_type", "authorization_code"),
            ""),
        "unsupported_grant_type");
    // Another client's secret, a made-up id, a secret with one character changed.
    assertOAuthError(
        Dcr.token(api, id, other.getString("client_secret")).await(10, TimeUnit.SECONDS),
        "invalid_client");
    assertOAuthError(
        Dcr.token(api, UUID.randomUUID() + ".AAAAAAAAAAAAAAAAAAAAAA", secret)
            .await(10, TimeUnit.SECONDS),
        "invalid_client");
    String flipped = (secret.charAt(0) == 'A' ? "B" : "A") + secret.substring(1);
    assertOAuthError(Dcr.token(api, id, flipped).await(10, TimeUnit.SECONDS), "invalid_client");
    // Credentials twice: as parameters and as HTTP Basic.
    HttpResponse<Buffer> twoMechanisms =
        api.raw()
            .post("/o/client/token")
            .putHeader(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)))
            .sendForm(
                MultiMap.caseInsensitiveMultiMap()
                    .add("client_id", id)
                    .add("client_secret", secret)
                    .add("grant_type", "client_credentials"))
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(twoMechanisms, "invalid_request");
    HttpResponse<Buffer> json =
        api.raw()
            .post("/o/client/token")
            .sendJsonObject(new JsonObject().put("client_id", id))
            .await(10, TimeUnit.SECONDS);
    assertOAuthError(json, "invalid_request");
  }

  private HttpResponse<Buffer> form(MultiMap form, String query) throws Exception {
    return api.raw().post("/o/client/token" + query).sendForm(form).await(10, TimeUnit.SECONDS);
  }

  /**
   * The application's service providers bound its tokens (401 {@code
   * invalid_access_token_service_provider}), and its scopes the routes: an app token is no admin
   * credential (403), an operator's is no client credential (401).
   */
  @Test
  void a_token_acts_only_for_its_service_providers_and_within_its_scopes(Vertx vertx)
      throws Exception {
    String appToken = Dcr.accessToken(api, statement(Dcr.app("someoneElse")));
    HttpResponse<Buffer> elsewhere = decide(appToken, SP);
    assertEquals(401, elsewhere.statusCode());
    assertEquals(
        "invalid_access_token_service_provider", elsewhere.bodyAsJsonObject().getString("code"));

    String ownToken = Dcr.accessToken(api, statement(Dcr.app(SP)));
    HttpResponse<Buffer> admin =
        api.raw()
            .get("/admin/v1/applications")
            .putHeader("Authorization", "Bearer " + ownToken)
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(403, admin.statusCode());
    assertEquals("insufficient_scope", admin.bodyAsJsonObject().getString("code"));

    String operatorToken =
        Dcr.accessToken(
            api, statement(Dcr.app(SP).put("scopes", new JsonArray().add("temppass:admin"))));
    HttpResponse<Buffer> asOperator =
        api.raw()
            .get("/admin/v1/applications")
            .putHeader("Authorization", "Bearer " + operatorToken)
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(200, asOperator.statusCode(), asOperator.bodyAsString());
    assertEquals(401, decide(operatorToken, SP).statusCode(), "no client scope");
    // External issuers keep working beside the gateway's own tokens.
    assertEquals(200, decide(AccessTokens.valid(), SP).statusCode());
  }

  @Test
  void the_admin_api_validates_lists_reads_reissues_and_logs(Vertx vertx) throws Exception {
    try (LogCapture logs = new LogCapture()) {
      HttpResponse<Buffer> bad = Dcr.create(api, Dcr.app(SP).put("domain", "typo.example"));
      assertEquals(400, bad.statusCode());
      assertEquals("invalid_parameter_application", bad.bodyAsJsonObject().getString("code"));
      assertTrue(bad.bodyAsJsonObject().getString("details").contains("domain"));
      HttpResponse<Buffer> noProviders =
          Dcr.create(api, Dcr.app(SP).put("serviceProviders", new JsonArray()));
      assertEquals(400, noProviders.statusCode());
      assertTrue(noProviders.bodyAsJsonObject().getString("details").contains("serviceProviders"));
      HttpResponse<Buffer> notJson =
          api.admin(HttpMethod.POST, "/admin/v1/applications")
              .sendBuffer(Buffer.buffer("{"))
              .await(10, TimeUnit.SECONDS);
      assertEquals(400, notJson.statusCode());

      JsonObject created = Dcr.created(api, Dcr.app(SP));
      String id = created.getString("id");
      JsonArray all =
          api.admin(HttpMethod.GET, "/admin/v1/applications")
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonArray("applications");
      assertEquals(1, all.size());
      assertEquals(id, all.getJsonObject(0).getString("id"));
      assertEquals(
          404,
          api.admin(HttpMethod.GET, "/admin/v1/applications/" + UUID.randomUUID())
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());

      vertx.timer(1100).await(5, TimeUnit.SECONDS); // a new iat, a second later
      HttpResponse<Buffer> fresh =
          api.admin(HttpMethod.POST, "/admin/v1/applications/" + id + "/software-statement")
              .send()
              .await(10, TimeUnit.SECONDS);
      assertEquals(201, fresh.statusCode(), fresh.bodyAsString());
      String again = fresh.bodyAsJsonObject().getString("software_statement");
      assertEquals(id, payload(again).getString("sub"));
      assertNotEquals(
          payload(created.getString("software_statement")).getLong("iat"),
          payload(again).getLong("iat"));
      assertEquals(201, Dcr.register(api, again).statusCode());

      assertTrue(
          logs.lines().stream()
              .anyMatch(
                  l -> l.contains("application " + id) && l.contains("created by admin client")),
          String.join("\n", logs.lines()));
      for (String line : logs.lines())
        assertFalse(line.contains(created.getString("software_statement")), "no statement in logs");
    }
  }

  static JsonObject payload(String jws) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
