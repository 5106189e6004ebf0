package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.http.HttpVerticle;
import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.ApiContract;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.validation.ResponseValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/openapi.yaml cannot drift from the code. {@link Api} and {@link MvpdSignIn} check every
 * response the integration tests receive against the document ({@link ApiContract}); this class
 * checks the document itself, that the router and the document name the same paths, and drives
 * every operation, success and error answers, TempPass and MVPD, through a running gateway.
 *
 * <p>Breakages each was seen to catch (made locally, not committed):
 *
 * <ul>
 *   <li>{@code /api/v2/{serviceProvider}/logout/{mvpd}} removed from the document: {@link
 *       #the_router_and_the_document_name_the_same_paths} ("router paths against document paths"),
 *       and through the clients this class's operation walk and {@code MvpdSignInFlowTest}'s logout
 *       ("no operation of the document matches it");
 *   <li>{@code ProfilesHandler} writing {@code issuers} for {@code issuer} in TempPass and degraded
 *       profiles: {@link #every_operation_answers_as_the_document_says} and four {@code
 *       ProfilesTest} tests ("does not match additional properties schema");
 *   <li>{@code ErrorRenderer} sending {@code WWW-Authenticate: Basic} with a 401, or its HTML pages
 *       as {@code text/plain}: {@link #every_operation_answers_as_the_document_says};
 *   <li>{@code service_unavailable} misspelt in the document's {@code ErrorCode} enum: {@link
 *       #the_document_lists_every_error_code};
 *   <li>a parameter {@code in: body}, or a schema {@code type: strin}: {@link
 *       #the_document_is_a_valid_openapi_3_1_document} checks that both are refused.
 * </ul>
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {
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
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            mvpd.integration(SP, MVPD),
            TestGateway.basic(SP, "TempPass", "1h"),
            TestGateway.promotional(SP, "FlexibleTempPass", "1h", 1));
    return TestGateway.withMvpdSessions(config, SP);
  }

  @Test
  void the_document_is_a_valid_openapi_3_1_document(Vertx vertx, VertxTestContext ctx) {
    ApiContract contract = ApiContract.get();
    assertEquals("3.1.0", contract.document().getString("openapi"));
    // The check is live: a parameter in a place OpenAPI 3.1 does not have fails the meta-schema,
    // a schema type JSON Schema does not know fails vertx-openapi's reading of the schemas.
    JsonObject misplaced = ApiContract.readDocument().copy();
    misplaced
        .getJsonObject("components")
        .getJsonObject("parameters")
        .getJsonObject("Accept")
        .put("in", "body");
    JsonObject mistyped = ApiContract.readDocument().copy();
    mistyped
        .getJsonObject("components")
        .getJsonObject("schemas")
        .getJsonObject("Id")
        .put("type", "strin");
    ApiContract.load(vertx, misplaced)
        .transform(
            ar ->
                ar.failed() && ar.cause().getMessage().contains("not a valid OpenAPI 3.1 document")
                    ? Future.succeededFuture()
                    : Future.failedFuture("a parameter in: body was accepted: " + ar.cause()))
        .compose(v -> ApiContract.load(vertx, mistyped))
        .transform(
            ar ->
                ar.failed()
                    ? Future.succeededFuture()
                    : Future.failedFuture("a schema of type strin was accepted"))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A code added to {@link ErrorCode} (or dropped from it) without the document's enum fails here.
   */
  @Test
  void the_document_lists_every_error_code() {
    Set<String> codes = new TreeSet<>();
    for (ErrorCode code : ErrorCode.values()) codes.add(code.code);
    Set<String> documented = new TreeSet<>();
    for (Object code :
        ApiContract.get()
            .document()
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("ErrorCode")
            .getJsonArray("enum")) documented.add((String) code);
    assertEquals(
        codes, documented, "ErrorCode codes (right) against the document's ErrorCode enum (left)");
  }

  @Test
  void the_router_and_the_document_name_the_same_paths(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    TestGateway.start(vertx, config())
        .onComplete(
            ctx.succeeding(
                g ->
                    ctx.verify(
                        () -> {
                          Set<String> routed = new TreeSet<>();
                          for (Route route : httpVerticle(vertx).routes()) {
                            String path = templateOf(route);
                            if (path != null) routed.add(path);
                          }
                          Set<String> documented = new TreeSet<>();
                          for (String path :
                              ApiContract.get().document().getJsonObject("paths").fieldNames())
                            documented.add(path.replaceAll("\\{[^}]+}", "{}"));
                          assertEquals(
                              documented,
                              routed,
                              "router paths (right) against docs/openapi.yaml paths (left)");
                          g.stop().onComplete(ctx.succeedingThenComplete());
                        })));
  }

  @Test
  void the_gateway_serves_the_document_of_docs(Vertx vertx, VertxTestContext ctx) throws Exception {
    byte[] file = Files.readAllBytes(Path.of("docs", "openapi.yaml"));
    TestGateway.start(vertx, config())
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  api.get("/openapi.yaml")
                      .onComplete(
                          ctx.succeeding(
                              r ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(200, r.statusCode());
                                        assertEquals(
                                            "application/yaml", r.getHeader("Content-Type"));
                                        assertEquals(Buffer.buffer(file), r.body());
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  /**
   * The check itself: a real response passes; with a field renamed, without its X-Request-Id, or on
   * a path the document lacks it is refused; and vertx-openapi's own ResponseValidator gives the
   * same verdicts as the in-place check the test clients run.
   */
  @Test
  void a_response_unlike_the_document_is_refused(Vertx vertx, VertxTestContext ctx) {
    ApiContract contract = ApiContract.get();
    ResponseValidator validator = ResponseValidator.create(vertx, contract.contract());
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Content-Type", "application/json;charset=UTF-8")
            .add("X-Request-Id", "r-1");
    MultiMap withoutId = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    JsonObject good =
        new JsonObject()
            .put(
                "decisions",
                new io.vertx.core.json.JsonArray()
                    .add(
                        new JsonObject()
                            .put("resource", "REF30")
                            .put("serviceProvider", SP)
                            .put("mvpd", "TempPass")
                            .put("source", "temppass")
                            .put("authorized", true)));
    JsonObject renamed = good.copy();
    JsonObject item = renamed.getJsonArray("decisions").getJsonObject(0);
    item.put("authorised", item.remove("authorized"));
    JsonObject error =
        new JsonObject()
            .put("status", 401)
            .put("code", "invalid_access_token_client_application")
            .put("message", "m")
            .put("helpUrl", "h")
            .put("action", "application-registration")
            .put("trace", "r-1");
    MultiMap unauthorized =
        MultiMap.caseInsensitiveMultiMap()
            .addAll(headers)
            .add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    MultiMap basic =
        MultiMap.caseInsensitiveMultiMap().addAll(headers).add("WWW-Authenticate", "Basic");
    String path = "/api/v2/REF30/decisions/authorize/TempPass";

    assertEquals(null, contract.problem(HttpMethod.POST, path, 200, headers, good.toBuffer()));
    assertTrue(contract.problem(HttpMethod.POST, path, 200, headers, renamed.toBuffer()) != null);
    assertTrue(contract.problem(HttpMethod.POST, path, 200, withoutId, good.toBuffer()) != null);
    assertTrue(
        contract.problem(HttpMethod.GET, "/api/v2/REF30/nowhere", 200, headers, good.toBuffer())
            != null);
    assertEquals(
        null, contract.problem(HttpMethod.POST, path, 401, unauthorized, error.toBuffer()));
    assertTrue(contract.problem(HttpMethod.POST, path, 401, basic, error.toBuffer()) != null);

    // The same cases through ResponseValidator: passes where the check passes, fails where it
    // fails.
    contract
        .checkWithResponseValidator(validator, HttpMethod.POST, path, 200, headers, good.toBuffer())
        .compose(
            v ->
                contract.checkWithResponseValidator(
                    validator, HttpMethod.POST, path, 401, unauthorized, error.toBuffer()))
        .compose(
            v ->
                refused(
                    contract.checkWithResponseValidator(
                        validator, HttpMethod.POST, path, 200, headers, renamed.toBuffer())))
        .compose(
            v ->
                refused(
                    contract.checkWithResponseValidator(
                        validator, HttpMethod.POST, path, 200, withoutId, good.toBuffer())))
        .compose(
            v ->
                refused(
                    contract.checkWithResponseValidator(
                        validator, HttpMethod.POST, path, 401, basic, error.toBuffer())))
        .onComplete(ctx.succeedingThenComplete());
  }

  static Future<Void> refused(Future<Void> check) {
    return check.transform(
        ar ->
            ar.failed()
                ? Future.succeededFuture()
                : Future.failedFuture("ResponseValidator accepted a response the check refuses"));
  }

  /**
   * Each operation once or more, success and error answers, TempPass and MVPD; {@link Api} and
   * {@link MvpdSignIn} validate every response against the document, so a step fails when its
   * answer is not described there. The expected statuses pin that each step reached the answer it
   * is meant to show.
   */
  @Test
  void every_operation_answers_as_the_document_says(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    mvpd.nextLogin("subscriber-7", Map.of("zip", "10001"));
    TestGateway.start(vertx, config())
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  MvpdSignIn browser = new MvpdSignIn(vertx, g.port());
                  Calls calls = new Calls(api, "openapi-device");
                  Step.all(steps(api, browser, calls, g.port()), ctx)
                      // A whole sign-in against the mock OIDC provider, then its profile, a
                      // decision, logout. One retry: on a loaded machine the MVPD's discovery can
                      // miss the connector's timeout, and the gateway's 503 page (checked against
                      // the document like every answer) is not what this step is about.
                      .compose(
                          v ->
                              browser
                                  .signIn(SP, MVPD, calls.device())
                                  .recover(
                                      e -> {
                                        mvpd.nextLogin("subscriber-7", Map.of("zip", "10001"));
                                        return browser.signIn(SP, MVPD, calls.device());
                                      }))
                      .compose(result -> Step.all(signedIn(calls, result.code()), ctx))
                      .compose(v -> g.stop())
                      .onComplete(ctx.succeedingThenComplete());
                }));
  }

  /** Everything before the sign-in, in order. */
  private static List<Step> steps(Api api, MvpdSignIn browser, Calls calls, int port) {
    String identity = Api.identity("viewer@example.com");
    String reset = "/reset-tempass/v3/reset?requestor_id=REF30&mvpd_id=";
    String degradation = "/admin/v1/degradation/REF30/" + MVPD;
    return List.of(
        new Step(200, () -> api.get("/health/live")),
        new Step(200, () -> api.get("/health/ready")),
        new Step(200, () -> api.get("/.well-known/jwks.json")),
        new Step(200, () -> api.get("/metrics")),
        new Step(405, () -> api.raw().post(port, "127.0.0.1", "/health/live").send()),
        new Step(404, () -> api.get("/nowhere")),
        new Step(200, () -> calls.get("/configuration").send()),
        new Step(200, () -> calls.get("/configuration/").send()),
        new Step(401, () -> api.get("/api/v2/" + SP + "/configuration")),
        new Step(
            400,
            () ->
                client(api, HttpMethod.GET, "/api/v2/Unknown/configuration", calls.device())
                    .send()),
        // TempPass decisions, preauthorization, profiles
        new Step(
            200,
            () -> calls.post("/decisions/preauthorize/TempPass").sendJsonObject(Api.body("REF30"))),
        new Step(
            200,
            () ->
                calls
                    .post("/decisions/authorize/TempPass")
                    .sendJsonObject(Api.body("REF30", "REF40"))),
        new Step(200, () -> calls.get("/profiles/TempPass").send()),
        new Step(
            200,
            () ->
                calls
                    .post("/decisions/authorize/FlexibleTempPass")
                    .putHeader("AP-TempPass-Identity", identity)
                    .sendJsonObject(Api.body("REF30", "REF40"))),
        new Step(
            403,
            () ->
                calls
                    .get("/profiles/FlexibleTempPass")
                    .putHeader("AP-TempPass-Identity", identity)
                    .send()),
        new Step(400, () -> calls.get("/profiles/FlexibleTempPass").send()),
        new Step(
            200,
            () ->
                calls
                    .post("/decisions/authorize/FlexibleTempPass")
                    .sendJsonObject(Api.body("REF30"))),
        new Step(
            400,
            () -> calls.post("/decisions/authorize/TempPass").sendJsonObject(new JsonObject())),
        new Step(
            400,
            () -> calls.post("/decisions/authorize/NoSuchMvpd").sendJsonObject(Api.body("REF30"))),
        new Step(
            400,
            () ->
                calls
                    .post("/decisions/authorize/TempPass")
                    .putHeader("AP-Device-Identifier", "nonsense")
                    .sendJsonObject(Api.body("REF30"))),
        new Step(
            403,
            () ->
                calls
                    .post("/decisions/preauthorize/TempPass")
                    .sendJsonObject(Api.body("a", "b", "c", "d", "e", "f"))),
        new Step(405, () -> calls.get("/decisions/authorize/TempPass").send()),
        new Step(
            401,
            () ->
                calls
                    .post("/decisions/authorize/TempPass")
                    .putHeader("Authorization", "Bearer nonsense")
                    .sendJsonObject(Api.body("REF30"))),
        new Step(200, () -> calls.get("/logout/TempPass").send()),
        // The regular MVPD: nothing yet, then a sign-in, then decisions and logout
        new Step(
            200,
            () -> calls.post("/decisions/authorize/" + MVPD).sendJsonObject(Api.body("REF30"))),
        new Step(
            200,
            () ->
                calls
                    .post("/sessions")
                    .sendForm(MultiMap.caseInsensitiveMultiMap().add("mvpd", MVPD))),
        new Step(
            400,
            () ->
                calls
                    .post("/sessions")
                    .sendForm(
                        MultiMap.caseInsensitiveMultiMap()
                            .add("mvpd", MVPD)
                            .add("redirectUrl", "https://elsewhere.example.net/"))),
        new Step(
            200,
            () ->
                calls
                    .post("/sessions")
                    .sendForm(
                        MultiMap.caseInsensitiveMultiMap()
                            .add("mvpd", "TempPass")
                            .add("domainName", MvpdSignIn.DOMAIN)
                            .add("redirectUrl", MvpdSignIn.REDIRECT_URL))),
        new Step(400, () -> calls.get("/sessions/ABCDEFGH").send()),
        new Step(400, () -> calls.get("/sessions/0000").send()),
        new Step(400, () -> browser.open("/api/v2/authenticate/" + SP + "/ABCDEFGH")),
        new Step(400, () -> browser.open("/api/v2/authenticate/callback?state=forged&code=x")),
        new Step(200, () -> calls.get("/profiles").send()),
        new Step(200, () -> calls.get("/profiles/" + MVPD).send()),
        new Step(400, () -> calls.get("/profiles/code/ABCDEFGH").send()),
        // Admin API
        new Step(
            204,
            () ->
                api.admin(HttpMethod.DELETE, reset + "TempPass&device_id=" + calls.device())
                    .send()),
        new Step(
            204,
            () ->
                api.admin(
                        HttpMethod.DELETE,
                        "/reset-tempass/v3/reset/generic?requestor_id=REF30&mvpd_id=FlexibleTempPass&key=all")
                    .send()),
        new Step(400, () -> api.admin(HttpMethod.DELETE, reset + MVPD).send()),
        new Step(
            403,
            () ->
                api.admin(HttpMethod.DELETE, reset + "TempPass")
                    .putHeader("Authorization", AccessTokens.bearer())
                    .send()),
        new Step(
            401,
            () ->
                api.admin(HttpMethod.DELETE, reset + "TempPass")
                    .putHeader("Authorization", "Bearer nonsense")
                    .send()),
        new Step(200, () -> api.admin(HttpMethod.GET, degradation).send()),
        new Step(
            204,
            () ->
                api.admin(HttpMethod.PUT, degradation)
                    .sendJsonObject(new JsonObject().put("rule", "AuthNAll"))),
        new Step(
            400,
            () ->
                api.admin(HttpMethod.PUT, degradation)
                    .sendJsonObject(new JsonObject().put("rule", "Everything"))),
        new Step(204, () -> api.admin(HttpMethod.DELETE, degradation).send()),
        new Step(
            400, () -> api.admin(HttpMethod.GET, "/admin/v1/degradation/REF30/TempPass").send()),
        new Step(405, () -> api.admin(HttpMethod.POST, degradation).send()));
  }

  /** After the sign-in: its profile and session, decisions, logout. */
  private static List<Step> signedIn(Calls calls, String code) {
    return List.of(
        new Step(200, () -> calls.get("/profiles/code/" + code).send()),
        new Step(200, () -> calls.get("/sessions/" + code).send()),
        new Step(
            200,
            () -> calls.post("/decisions/authorize/" + MVPD).sendJsonObject(Api.body("REF30"))),
        new Step(
            200,
            () -> calls.post("/decisions/preauthorize/" + MVPD).sendJsonObject(Api.body("REF30"))),
        new Step(
            200,
            () -> calls.get("/logout/" + MVPD + "?redirectUrl=" + MvpdSignIn.REDIRECT_URL).send()));
  }

  /**
   * One request and the status it must get; the response itself is checked against the document by
   * the client.
   */
  record Step(int status, Supplier<Future<HttpResponse<Buffer>>> request) {
    /** Runs {@code steps} one after the other. */
    static Future<Void> all(List<Step> steps, VertxTestContext ctx) {
      Future<Void> chain = Future.succeededFuture();
      for (Step step : steps) chain = chain.compose(v -> step.run(ctx));
      return chain;
    }

    Future<Void> run(VertxTestContext ctx) {
      return request
          .get()
          .map(
              r -> {
                ctx.verify(() -> assertEquals(status, r.statusCode(), r.bodyAsString()));
                return null;
              });
    }
  }

  /** The public API of {@link #SP} as one device calls it. */
  record Calls(Api api, String device) {
    HttpRequest<Buffer> get(String path) {
      return client(api, HttpMethod.GET, "/api/v2/" + SP + path, device);
    }

    HttpRequest<Buffer> post(String path) {
      return client(api, HttpMethod.POST, "/api/v2/" + SP + path, device);
    }
  }

  static HttpRequest<Buffer> client(Api api, HttpMethod method, String path, String device) {
    return api.raw()
        .request(method, path)
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("Accept", "application/json")
        .putHeader("AP-Device-Identifier", Api.fingerprint(device))
        .putHeader("X-Device-Info", Api.SAMPLE_DEVICE_INFO);
  }

  /** One of the gateway's HTTP verticles (all instances build the same router). */
  static HttpVerticle httpVerticle(Vertx vertx) {
    for (DeploymentContext deployment : ((VertxInternal) vertx).deploymentManager().deployments()) {
      for (Deployable instance : deployment.deployment().instances()) {
        if (instance instanceof HttpVerticle http) return http;
      }
    }
    throw new AssertionError("no HttpVerticle deployed");
  }

  /**
   * A route's path as a template with anonymous parameters ({@code /api/v2/{}/sessions/{}}), or
   * null for the routes every request passes (request id, body collection, the 404 fallback).
   */
  static String templateOf(Route route) {
    // A route's name is its path, or for a regex route (HttpVerticle's patterns) its regex:
    // ":name" and "([^/]*)" are one parameter each, a final "/?" is the accepted trailing slash.
    String name = route.getName();
    if (name == null || name.endsWith("/")) return null;
    return name.replace("([^/]*)", "{}").replaceAll(":[A-Za-z]+", "{}").replaceAll("/\\?$", "");
  }
}
