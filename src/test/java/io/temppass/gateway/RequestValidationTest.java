package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One test per row of SPEC 3: the exact HTTP status and Enhanced Error code, a top-level body,
 * trace = X-Request-Id.
 */
@ExtendWith(VertxExtension.class)
class RequestValidationTest {
  static final String SP = "apasstest1";
  static final String MVPD = "TempPass_TEST40";

  Gateway gateway;
  Api api;
  String prefix;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic(SP, MVPD, "1h"),
            TestGateway.basic(SP, "inactive", "1h").put("active", false));
    config.getJsonObject("server").put("maxResourcesPerRequest", 3);
    prefix = TestGateway.keyPrefix(config);
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

  private void expect(
      VertxTestContext ctx, Future<HttpResponse<Buffer>> response, int status, String code) {
    response.onComplete(
        ctx.succeeding(
            res ->
                ctx.verify(
                    () -> {
                      assertEquals(status, res.statusCode(), res.bodyAsString());
                      assertTrue(res.getHeader("Content-Type").startsWith("application/json"));
                      JsonObject body = res.bodyAsJsonObject();
                      // Every 4xx says what exactly was wrong (details); a 5xx has nothing to
                      // tell the client beyond its trace.
                      assertEquals(
                          status < 500
                              ? Set.of(
                                  "status", "code", "message", "helpUrl", "action", "trace",
                                  "details")
                              : Set.of("status", "code", "message", "helpUrl", "action", "trace"),
                          body.fieldNames());
                      if (status < 500)
                        assertFalse(body.getString("details").isBlank(), body.encode());
                      assertEquals(status, body.getInteger("status"));
                      assertEquals(code, body.getString("code"));
                      assertEquals(res.getHeader("X-Request-Id"), body.getString("trace"));
                      assertTrue(body.getString("helpUrl").endsWith("#" + code));
                      if (status == 401)
                        assertEquals(
                            "Bearer error=\"invalid_token\"", res.getHeader("WWW-Authenticate"));
                      ctx.completeNow();
                    })));
  }

  private Future<HttpResponse<Buffer>> send(Consumer<HttpRequest<Buffer>> change) {
    return send(SP, MVPD, change, Api.body("REF30").toBuffer());
  }

  private Future<HttpResponse<Buffer>> send(
      String sp, String mvpd, Consumer<HttpRequest<Buffer>> change, Buffer body) {
    HttpRequest<Buffer> req = api.decisions(sp, mvpd, "validation-device");
    change.accept(req);
    return req.sendBuffer(body);
  }

  @Test
  void service_provider_outside_the_allowed_characters_is_rejected(VertxTestContext ctx) {
    expect(
        ctx,
        send("bad%20sp", MVPD, r -> {}, Api.body("REF30").toBuffer()),
        400,
        "invalid_parameter_service_provider");
  }

  @Test
  void empty_service_provider_is_rejected(VertxTestContext ctx) {
    expect(
        ctx,
        send("", MVPD, r -> {}, Api.body("REF30").toBuffer()),
        400,
        "invalid_parameter_service_provider");
  }

  /**
   * vertx-web matches routes on the normalised path (an empty segment collapses) and a named path
   * parameter never matches an empty segment, so these requests reach the not-found step, which
   * must still answer the missing parameter, not 404. Catches: {@code HttpVerticle.notFound}
   * without its empty-parameter patterns (each answers {@code not_found}).
   */
  @Test
  void empty_path_parameters_are_missing_parameters_not_unknown_paths(VertxTestContext ctx) {
    Map<String, String> expected =
        new TreeMap<>(
            Map.of(
                "/api/v2/" + SP + "/decisions/authorize/",
                "invalid_parameter_mvpd",
                "/api/v2//decisions/authorize/" + MVPD,
                "invalid_parameter_service_provider",
                "/api/v2//decisions/preauthorize/" + MVPD,
                "invalid_parameter_service_provider",
                "/api/v2/" + SP + "/logout/",
                "invalid_parameter_mvpd",
                "/api/v2//profiles/" + MVPD,
                "invalid_parameter_service_provider",
                "/api/v2//configuration/",
                "invalid_parameter_service_provider"));
    Map<String, String> answered = new TreeMap<>();
    Future<Void> all = Future.succeededFuture();
    for (String path : expected.keySet()) {
      all =
          all.compose(v -> api.raw().get(path).send())
              .map(
                  res -> {
                    answered.put(
                        path, res.statusCode() + " " + res.bodyAsJsonObject().getString("code"));
                    return null;
                  });
    }
    all.onComplete(
        ctx.succeeding(
            v ->
                ctx.verify(
                    () -> {
                      Map<String, String> want = new TreeMap<>();
                      expected.forEach((path, code) -> want.put(path, "400 " + code));
                      assertEquals(want, answered);
                      ctx.completeNow();
                    })));
  }

  @Test
  void overlong_mvpd_is_rejected(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, "m".repeat(129), r -> {}, Api.body("REF30").toBuffer()),
        400,
        "invalid_parameter_mvpd");
  }

  @Test
  void path_is_checked_before_the_access_token(VertxTestContext ctx) {
    expect(
        ctx,
        send(
            SP,
            "bad!mvpd",
            r -> r.putHeader("Authorization", "garbage"),
            Api.body("REF30").toBuffer()),
        400,
        "invalid_parameter_mvpd");
  }

  @Test
  void missing_authorization_is_401(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.headers().remove("Authorization")),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void wrong_scheme_is_401(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Basic " + AccessTokens.valid())),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void garbage_token_is_401(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer not.a.jwt")),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void unsigned_alg_none_token_is_401(VertxTestContext ctx) {
    expect(
        ctx,
        send(
            r ->
                r.putHeader(
                    "Authorization", "Bearer " + AccessTokens.unsigned(AccessTokens.claims()))),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void hs256_signed_with_the_public_key_is_401(VertxTestContext ctx) {
    expect(
        ctx,
        send(
            r ->
                r.putHeader(
                    "Authorization",
                    "Bearer " + AccessTokens.hs256WithPublicKey(AccessTokens.claims()))),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void token_signed_by_an_unknown_key_is_401(VertxTestContext ctx) {
    String token = AccessTokens.rs256(AccessTokens.claims(), AccessTokens.OTHER_KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void expired_token_is_401(VertxTestContext ctx) {
    long now = System.currentTimeMillis() / 1000;
    String token =
        AccessTokens.rs256(
            AccessTokens.claims()
                .put("iat", now - 7200)
                .put("nbf", now - 7200)
                .put("exp", now - 3600),
            AccessTokens.KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void not_yet_valid_token_is_401(VertxTestContext ctx) {
    long now = System.currentTimeMillis() / 1000;
    String token =
        AccessTokens.rs256(
            AccessTokens.claims().put("nbf", now + 3600), AccessTokens.KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void wrong_issuer_is_401(VertxTestContext ctx) {
    String token =
        AccessTokens.rs256(
            AccessTokens.claims().put("iss", "evil.example"), AccessTokens.KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void missing_scope_is_401(VertxTestContext ctx) {
    String token =
        AccessTokens.rs256(
            AccessTokens.claims().put("scopes", "api:client:v1"), AccessTokens.KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void token_without_exp_is_401(VertxTestContext ctx) {
    JsonObject claims = AccessTokens.claims();
    claims.remove("exp");
    String token = AccessTokens.rs256(claims, AccessTokens.KEY.getPrivate());
    expect(
        ctx,
        send(r -> r.putHeader("Authorization", "Bearer " + token)),
        401,
        "invalid_access_token_client_application");
  }

  @Test
  void missing_device_identifier_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.headers().remove("AP-Device-Identifier")),
        400,
        "invalid_header_device_identifier");
  }

  @Test
  void device_identifier_with_another_type_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("AP-Device-Identifier", "serial YmEyM2QxNDE=")),
        400,
        "invalid_header_device_identifier");
  }

  @Test
  void device_identifier_not_base64_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("AP-Device-Identifier", "fingerprint ***")),
        400,
        "invalid_header_device_identifier");
  }

  @Test
  void device_identifier_over_256_bytes_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("AP-Device-Identifier", Api.fingerprint("x".repeat(257)))),
        400,
        "invalid_header_device_identifier");
  }

  @Test
  void device_info_not_base64_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("X-Device-Info", "{not base64}")),
        400,
        "invalid_header_device_info");
  }

  @Test
  void content_type_other_than_json_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(r -> r.putHeader("Content-Type", "text/plain")),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void accept_without_json_is_400(VertxTestContext ctx) {
    expect(ctx, send(r -> r.putHeader("Accept", "text/html")), 400, "invalid_header_accept");
  }

  @Test
  void body_that_is_not_json_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, MVPD, r -> {}, Buffer.buffer("{\"resources\":[\"REF30\"")),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void empty_resources_array_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, MVPD, r -> {}, Buffer.buffer("{\"resources\":[]}")),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void non_string_or_empty_resource_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, MVPD, r -> {}, Buffer.buffer("{\"resources\":[\"a\",\"\"]}")),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void resource_longer_than_2048_characters_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, MVPD, r -> {}, Api.body("r".repeat(2049)).toBuffer()),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void body_over_64_kib_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(
            SP,
            MVPD,
            r -> {},
            Buffer.buffer("{\"resources\":[\"a\"],\"pad\":\"" + "x".repeat(70_000) + "\"}")),
        400,
        "invalid_parameter_resources");
  }

  @Test
  void more_resources_than_configured_is_403(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, MVPD, r -> {}, Api.body("a", "b", "c", "d").toBuffer()),
        403,
        "too_many_resources");
  }

  @Test
  void unknown_integration_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, "NoSuchMvpd", r -> {}, Api.body("REF30").toBuffer()),
        400,
        "invalid_integration");
  }

  @Test
  void inactive_integration_is_400(VertxTestContext ctx) {
    expect(
        ctx,
        send(SP, "inactive", r -> {}, Api.body("REF30").toBuffer()),
        400,
        "invalid_integration");
  }

  @Test
  void wrong_method_is_405_with_allow(VertxTestContext ctx) {
    api.raw()
        .request(
            HttpMethod.GET,
            gateway.port(),
            "127.0.0.1",
            "/api/v2/" + SP + "/decisions/authorize/" + MVPD)
        .send()
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertEquals(405, res.statusCode());
                          assertEquals("POST", res.getHeader("Allow"));
                          assertEquals(
                              "method_not_allowed", res.bodyAsJsonObject().getString("code"));
                          ctx.completeNow();
                        })));
  }

  @Test
  void unknown_path_is_a_json_404(VertxTestContext ctx) {
    expect(ctx, api.get("/nope"), 404, "not_found");
  }

  /**
   * A Redis error reply (here WRONGTYPE on a corrupted key) is unexpected: a JSON 500, never a
   * stack trace.
   */
  @Test
  void unexpected_failure_is_a_json_500(Vertx vertx, VertxTestContext ctx) {
    RedisProbe redis = new RedisProbe(vertx);
    // Find the key the device would use by making one request, then corrupt it.
    api.authorize(SP, MVPD, "validation-device", null, "REF30")
        .compose(v -> redis.keys(prefix))
        .compose(
            keys ->
                redis
                    .send(Command.DEL, keys.get(0))
                    .compose(v -> redis.send(Command.HSET, keys.get(0), "x", "y")))
        .onComplete(ctx.succeeding(v -> expect(ctx, send(r -> {}), 500, "internal_server_error")));
  }

  @Test
  void a_client_request_id_is_echoed_as_trace(VertxTestContext ctx) {
    send(r -> r.putHeader("X-Request-Id", "lb-1234").headers().remove("AP-Device-Identifier"))
        .onComplete(
            ctx.succeeding(
                res ->
                    ctx.verify(
                        () -> {
                          assertEquals("lb-1234", res.getHeader("X-Request-Id"));
                          assertEquals("lb-1234", res.bodyAsJsonObject().getString("trace"));
                          ctx.completeNow();
                        })));
  }
}
