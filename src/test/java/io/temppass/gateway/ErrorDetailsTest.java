package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.JsonLogCapture;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every 4xx says what exactly was wrong: the top-level Enhanced Error carries {@code details} a
 * developer can act on, never the token; the request log ({@code logging.requests}) repeats it.
 * Before, a missing header, a garbage token, an expired token and a wrong issuer all answered the
 * same 401 with nothing else, and a decisions body without Content-Type and one of broken JSON
 * answered the same 400.
 */
class ErrorDetailsTest {
  static final String SP = "apasstest1";
  static final String MVPD = "TempPass_TEST40";

  Vertx vertx = Vertx.vertx();
  int port;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject config() {
    return TestGateway.with(TestGateway.config(), TestGateway.basic(SP, MVPD, "1h"));
  }

  private Api start(JsonObject config) throws Exception {
    port = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port();
    return new Api(vertx, port);
  }

  private static HttpRequest<Buffer> decisions(Api api) {
    return api.decisions(SP, MVPD, "details-device");
  }

  private static JsonObject error(HttpResponse<Buffer> res, int status, String code) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    JsonObject body = res.bodyAsJsonObject();
    assertEquals(code, body.getString("code"));
    assertEquals(res.getHeader("X-Request-Id"), body.getString("trace"));
    return body;
  }

  private static String details401(HttpResponse<Buffer> res, String token) {
    JsonObject body = error(res, 401, "invalid_access_token_client_application");
    String details = body.getString("details");
    assertTrue(details != null && !details.isBlank(), "no details: " + body);
    if (token != null) assertFalse(details.contains(token), "the token is echoed: " + details);
    return details;
  }

  private static HttpResponse<Buffer> withToken(Api api, String token) throws Exception {
    return decisions(api)
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(Api.body("REF30"))
        .await(10, TimeUnit.SECONDS);
  }

  /**
   * Each way an access token fails says which: missing header, not a JWT, expired (with the time),
   * another issuer, no scope. Breakage caught: dropping the details in AccessTokenSteps, or the
   * verifier's reasons falling back to one generic text.
   */
  @Test
  void each_bad_access_token_says_what_is_wrong() throws Exception {
    Api api = start(config());
    HttpRequest<Buffer> noHeader = decisions(api);
    noHeader.headers().remove("Authorization");
    HttpResponse<Buffer> missing =
        noHeader.sendJsonObject(Api.body("REF30")).await(10, TimeUnit.SECONDS);
    assertTrue(details401(missing, null).contains("Authorization header is missing"));

    assertTrue(details401(withToken(api, "garbage"), "garbage").contains("not a signed JWT"));

    long expiredAt = Instant.now().getEpochSecond() - 3600;
    String expired =
        AccessTokens.rs256(
            AccessTokens.claims().put("exp", expiredAt), AccessTokens.KEY.getPrivate());
    String expiredDetails = details401(withToken(api, expired), expired);
    assertTrue(
        expiredDetails.contains("expired at " + Instant.ofEpochSecond(expiredAt)), expiredDetails);

    String otherIssuer =
        AccessTokens.rs256(
            AccessTokens.claims().put("iss", "idp.elsewhere"), AccessTokens.KEY.getPrivate());
    String issuerDetails = details401(withToken(api, otherIssuer), otherIssuer);
    assertTrue(issuerDetails.contains("issuer is not accepted"), issuerDetails);

    String forged = AccessTokens.rs256(AccessTokens.claims(), AccessTokens.OTHER_KEY.getPrivate());
    assertTrue(details401(withToken(api, forged), forged).contains("signature"));

    String noScope =
        AccessTokens.rs256(
            AccessTokens.claims().put("scopes", "openid"), AccessTokens.KEY.getPrivate());
    assertTrue(details401(withToken(api, noScope), noScope).contains("'api:client:v2'"));
  }

  /**
   * A caller not yet authenticated learns which check failed (algorithm, issuer, audience) but not
   * what the gateway accepts: the configured {@code accessTokens.algorithms}, {@code issuer} and
   * {@code audience} are never echoed, as they would help forge a token that passes every check but
   * the signature. Breakage caught: a detail that quotes a configured value again.
   */
  @Test
  void a_refused_token_does_not_learn_the_accepted_values() throws Exception {
    JsonObject config = config();
    config
        .getJsonObject("accessTokens")
        .put("audience", "aud-secret-name")
        .put("algorithms", new io.vertx.core.json.JsonArray().add("RS256").add("PS384"));
    Api api = start(config);
    String hmac = AccessTokens.hs256WithPublicKey(AccessTokens.claims());
    String otherIssuer =
        AccessTokens.rs256(
            AccessTokens.claims().put("iss", "idp.elsewhere").put("aud", "aud-secret-name"),
            AccessTokens.KEY.getPrivate());
    String otherAudience =
        AccessTokens.rs256(
            AccessTokens.claims().put("aud", "someone-else"), AccessTokens.KEY.getPrivate());
    for (String[] c :
        List.of(
            new String[] {hmac, "algorithm is not accepted"},
            new String[] {otherIssuer, "issuer is not accepted"},
            new String[] {otherAudience, "audience is not accepted"})) {
      String details = details401(withToken(api, c[0]), c[0]);
      assertTrue(details.contains(c[1]), details);
      for (String configured : List.of("RS256", "PS384", AccessTokens.ISSUER, "aud-secret-name"))
        assertFalse(details.contains(configured), "echoes " + configured + ": " + details);
    }
  }

  /**
   * A decisions body with no Content-Type and one of broken JSON used to answer the same bare
   * {@code invalid_parameter_resources}; now the first says the header is missing and the second
   * where the JSON breaks. Breakage caught: RequestRules.readResources losing the parser's
   * position, or validateHeaders failing without details.
   */
  @Test
  void a_bad_decisions_body_says_what_is_wrong() throws Exception {
    Api api = start(config());
    HttpRequest<Buffer> untyped = decisions(api);
    untyped.headers().remove("Content-Type");
    HttpResponse<Buffer> noType =
        untyped
            .sendBuffer(Buffer.buffer("{\"resources\":[\"REF30\"]}"))
            .await(10, TimeUnit.SECONDS);
    assertEquals(
        "Content-Type missing: send application/json",
        error(noType, 400, "invalid_parameter_resources").getString("details"));

    HttpResponse<Buffer> broken =
        decisions(api)
            .sendBuffer(Buffer.buffer("{\"resources\" [\"REF30\"]}"))
            .await(10, TimeUnit.SECONDS);
    String details = error(broken, 400, "invalid_parameter_resources").getString("details");
    assertTrue(details.startsWith("the JSON body at line 1 column 14: "), details);

    HttpResponse<Buffer> tooMany =
        decisions(api)
            .sendJsonObject(Api.body("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"))
            .await(10, TimeUnit.SECONDS);
    assertTrue(
        error(tooMany, 403, "too_many_resources")
            .getString("details")
            .contains("server.maxResourcesPerRequest"));
  }

  /**
   * A JSON body sent to the sessions API used to answer "The request could not be parsed as HTTP":
   * now the message is general and the details say the API reads a form. Breakage caught: the
   * sessions handler failing without details.
   */
  @Test
  void a_json_body_to_sessions_says_a_form_is_expected() throws Exception {
    Api api = start(config());
    HttpResponse<Buffer> res =
        api.raw()
            .post(port, "127.0.0.1", "/api/v2/" + SP + "/sessions")
            .putHeader("Authorization", AccessTokens.bearer())
            .putHeader("AP-Device-Identifier", Api.fingerprint("details-device"))
            .sendJsonObject(new JsonObject().put("mvpd", MVPD))
            .await(10, TimeUnit.SECONDS);
    JsonObject body = error(res, 400, "bad_request");
    assertFalse(body.getString("message").contains("HTTP"), body.getString("message"));
    assertTrue(
        body.getString("details")
            .startsWith(
                "Content-Type must be application/x-www-form-urlencoded, got 'application/json'"),
        body.getString("details"));
  }

  /**
   * An error a service answers with its code alone (here the MVPD sessions service: an unknown
   * session code) still carries details saying what the code means. Breakage caught: HttpErrors
   * failing without ErrorDetails' fallback.
   */
  @Test
  void an_error_from_a_service_still_has_details() throws Exception {
    Api api = start(config());
    HttpResponse<Buffer> res =
        api.raw()
            .get(port, "127.0.0.1", "/api/v2/" + SP + "/sessions/ABCDEFGH")
            .putHeader("Authorization", AccessTokens.bearer())
            .putHeader("AP-Device-Identifier", Api.fingerprint("details-device"))
            .send()
            .await(10, TimeUnit.SECONDS);
    JsonObject body = error(res, 400, "invalid_authentication_session");
    assertTrue(body.getString("details").contains("sessions.codeTtl"), body.encode());
  }

  /**
   * With {@code logging.requests} on, every request gets one line naming its method, route, status,
   * request id and client id, and an error's code and details; off (the default), none. Breakage
   * caught: the end handler not calling the request log, or the log ignoring the setting.
   */
  @Test
  void the_request_log_has_one_line_per_request_when_on() throws Exception {
    JsonObject on = config().put("logging", new JsonObject().put("requests", true));
    Api api = start(on);
    List<JsonObject> lines;
    HttpResponse<Buffer> ok;
    HttpResponse<Buffer> refused;
    try (JsonLogCapture logs = new JsonLogCapture()) {
      ok = withToken(api, AccessTokens.valid());
      refused = withToken(api, "garbage");
      lines = requestLines(logs, 2);
    }
    assertEquals(200, ok.statusCode());
    JsonObject first = byId(lines, ok.getHeader("X-Request-Id"));
    assertEquals("POST", first.getString("method"));
    assertEquals("decisions", first.getString("route"));
    assertEquals(200, first.getInteger("status"));
    assertEquals(AccessTokens.claims().getString("sub"), first.getString("clientId"));
    assertTrue(first.containsKey("durationMs"));
    JsonObject second = byId(lines, refused.getHeader("X-Request-Id"));
    assertEquals(401, second.getInteger("status"));
    assertEquals("invalid_access_token_client_application", second.getString("code"));
    assertEquals(refused.bodyAsJsonObject().getString("details"), second.getString("details"));

    vertx.close().await(10, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    Api quiet = start(config());
    try (JsonLogCapture logs = new JsonLogCapture()) {
      assertEquals(200, withToken(quiet, AccessTokens.valid()).statusCode());
      assertEquals(List.of(), requestLines(logs, 0));
    }
  }

  private static List<JsonObject> requestLines(JsonLogCapture logs, int expected)
      throws InterruptedException {
    // The line is written by the response's end handler, which may run just after the client has
    // the answer.
    long deadline = System.currentTimeMillis() + 5_000;
    List<JsonObject> lines;
    do {
      lines =
          logs.lines().stream()
              .map(JsonObject::new)
              .filter(l -> "io.temppass.gateway.requests".equals(l.getString("logger")))
              .toList();
      if (lines.size() >= expected && expected > 0) return lines;
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline && (expected > 0 || lines.isEmpty()));
    return lines;
  }

  private static JsonObject byId(List<JsonObject> lines, String requestId) {
    return lines.stream()
        .filter(l -> requestId.equals(l.getString("requestId")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no request line for " + requestId + ": " + lines));
  }
}
