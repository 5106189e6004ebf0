package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An MVPD that misbehaves at the HTTP level, played by an independent Vert.x server standing in for
 * its token, user-info and authorization endpoints: answers too large to hold, and a token endpoint
 * that never answers. Neither may cost the gateway memory without bound, nor hold a viewer's code.
 */
class MvpdEndpointFaultsTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  /** Larger than the 256 KiB cap on an MVPD answer. */
  static final int TOO_LARGE = 300 * 1024;

  enum Mode {
    NORMAL,
    HUGE,
    SILENT
  }

  Vertx vertx;
  HttpServer server;
  final AtomicReference<Mode> token = new AtomicReference<>(Mode.NORMAL);
  final AtomicReference<Mode> userInfo = new AtomicReference<>(Mode.NORMAL);
  final AtomicReference<Mode> authorization = new AtomicReference<>(Mode.NORMAL);
  final AtomicInteger tokenRequests = new AtomicInteger();
  volatile CountDownLatch tokenRequested = new CountDownLatch(1);
  Pods pods;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(this::mvpd)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (pods != null) pods.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The MVPD: a plain OAuth 2.0 token and user-info endpoint, and the authorization contract. */
  void mvpd(HttpServerRequest req) {
    req.body()
        .onSuccess(
            body -> {
              switch (req.path()) {
                case "/authorize" ->
                    // The subscriber signs in at once: straight back to the gateway.
                    req.response()
                        .setStatusCode(302)
                        .putHeader(
                            "Location",
                            req.getParam("redirect_uri")
                                + "?code=mvpd-code&state="
                                + java.net.URLEncoder.encode(
                                    req.getParam("state"), java.nio.charset.StandardCharsets.UTF_8))
                        .end();
                case "/token" -> {
                  tokenRequests.incrementAndGet();
                  tokenRequested.countDown();
                  answer(
                      req,
                      token.get(),
                      new JsonObject()
                          .put("access_token", "mvpd-access-" + tokenRequests.get())
                          .put("token_type", "Bearer")
                          .put("expires_in", 3600));
                }
                case "/userinfo" ->
                    answer(req, userInfo.get(), new JsonObject().put("sub", "subscriber-1"));
                case "/authz" ->
                    answer(req, authorization.get(), new JsonObject().put("decision", "Permit"));
                default -> req.response().setStatusCode(404).end();
              }
            });
  }

  /** A valid answer; the same padded beyond the cap; or nothing at all, ever. */
  static void answer(HttpServerRequest req, Mode mode, JsonObject valid) {
    if (mode == Mode.SILENT) return;
    if (mode == Mode.HUGE) valid.put("padding", "x".repeat(TOO_LARGE));
    req.response().putHeader("Content-Type", "application/json").end(valid.encode());
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  JsonObject config(String loginTimeout) throws Exception {
    JsonObject integration =
        new JsonObject()
            .put("serviceProvider", SP)
            .put("mvpd", MVPD)
            .put("type", "regular")
            .put(
                "login",
                new JsonObject()
                    .put("authorizationEndpoint", base() + "/authorize")
                    .put("tokenEndpoint", base() + "/token")
                    .put("userInfoEndpoint", base() + "/userinfo")
                    .put("clientId", "gateway")
                    .put("clientSecret", "secret")
                    .put("scopes", new JsonArray().add("profile"))
                    .put("timeout", loginTimeout))
            .put("authorization", new JsonObject().put("url", base() + "/authz"));
    return TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), integration), SP);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  /** The browser step: the gateway's 302 to the MVPD's sign-in page, and the state it carries. */
  static String state(MvpdSignIn browser, JsonObject session) throws Exception {
    HttpResponse<Buffer> toMvpd = await(browser.open(session.getString("url")));
    assertEquals(302, toMvpd.statusCode(), toMvpd.bodyAsString());
    return toMvpd.getHeader("Location").replaceAll(".*[?&]state=([^&]*).*", "$1");
  }

  /** The MVPD's redirect back to the gateway, as the browser would follow it. */
  static HttpResponse<Buffer> callback(MvpdSignIn browser, String state) throws Exception {
    return await(browser.open("/api/v2/authenticate/callback?code=mvpd-code&state=" + state));
  }

  static JsonObject profilesOfCode(MvpdSignIn browser, int port, String code, String device)
      throws Exception {
    HttpResponse<Buffer> r =
        await(
            browser
                .browser()
                .get(port, "127.0.0.1", "/api/v2/" + SP + "/profiles/code/" + code)
                .putHeader("Authorization", AccessTokens.bearer())
                .putHeader("AP-Device-Identifier", Api.fingerprint(device))
                .send());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonObject("profiles");
  }

  /**
   * An authorization answer beyond 256 KiB is an MVPD failure ({@code network_received_error}, the
   * viewer may retry), not a permit. Before the fix the body was read whole whatever its size and
   * its {@code Permit} honoured.
   */
  @Test
  void an_authorization_answer_beyond_the_cap_is_an_mvpd_failure() throws Exception {
    pods = Pods.startEach(config("5s"));
    MvpdSignIn browser = new MvpdSignIn(vertx, pods.port(0));
    Api api = new Api(vertx, pods.port(0));
    try {
      MvpdSignIn.Result signedIn = await(browser.signIn(SP, MVPD, "dev-huge-authz"));
      assertEquals(MvpdSignIn.REDIRECT_URL, signedIn.landedOn());
      authorization.set(Mode.HUGE);
      JsonObject decision =
          await(api.authorize(SP, MVPD, "dev-huge-authz", null, "huge"))
              .getJsonArray("decisions")
              .getJsonObject(0);
      assertFalse(decision.getBoolean("authorized"), decision.encode());
      assertEquals(
          "network_received_error",
          decision.getJsonObject("error").getString("code"),
          decision.encode());
      authorization.set(Mode.NORMAL);
      JsonObject permitted =
          await(api.authorize(SP, MVPD, "dev-huge-authz", null, "normal"))
              .getJsonArray("decisions")
              .getJsonObject(0);
      assertTrue(permitted.getBoolean("authorized"), permitted.encode());
    } finally {
      api.close();
      browser.close();
    }
  }

  /**
   * A user-info answer beyond 256 KiB refuses the sign-in: the browser lands on {@code redirectUrl}
   * with no profile, as for any answer that is not the contract. Before the fix it was read whole
   * and the sign-in completed.
   */
  @Test
  void a_user_info_answer_beyond_the_cap_refuses_the_sign_in() throws Exception {
    pods = Pods.startEach(config("5s"));
    MvpdSignIn browser = new MvpdSignIn(vertx, pods.port(0));
    try {
      userInfo.set(Mode.HUGE);
      JsonObject session = await(browser.createSession(SP, MVPD, "dev-huge-userinfo"));
      HttpResponse<Buffer> back = callback(browser, state(browser, session));
      assertEquals(302, back.statusCode(), back.bodyAsString());
      assertEquals(MvpdSignIn.REDIRECT_URL, back.getHeader("Location"));
      assertEquals(
          new JsonObject(),
          profilesOfCode(browser, pods.port(0), session.getString("code"), "dev-huge-userinfo"));
    } finally {
      browser.close();
    }
  }

  /**
   * A token endpoint that never answers ends the sign-in after {@code login.timeout}: the browser
   * lands on {@code redirectUrl} and the same code can start another sign-in at once. Before the
   * fix the callback waited until the event bus gave up (a 503 page) and the session stayed {@code
   * claimed}, so every later browser step said "already used" until the code expired.
   */
  @Test
  void a_token_endpoint_that_never_answers_frees_the_code_after_the_login_timeout()
      throws Exception {
    pods = Pods.startEach(config("1s"));
    MvpdSignIn browser = new MvpdSignIn(vertx, pods.port(0));
    try {
      token.set(Mode.SILENT);
      JsonObject session = await(browser.createSession(SP, MVPD, "dev-silent"));
      HttpResponse<Buffer> back = callback(browser, state(browser, session));
      assertEquals(302, back.statusCode(), back.bodyAsString());
      assertEquals(MvpdSignIn.REDIRECT_URL, back.getHeader("Location"));
      assertEquals(1, tokenRequests.get());

      token.set(Mode.NORMAL);
      HttpResponse<Buffer> again = callback(browser, state(browser, session));
      assertEquals(302, again.statusCode(), again.bodyAsString());
      assertEquals(
          "subscriber-1",
          profilesOfCode(browser, pods.port(0), session.getString("code"), "dev-silent")
              .getJsonObject(MVPD)
              .getJsonObject("attributes")
              .getJsonObject("userID")
              .getString("value"));
    } finally {
      browser.close();
    }
  }

  /**
   * A claim whose gateway died mid-exchange (nothing left to time it out) holds the code only until
   * the claim's deadline (the login timeout and 3 x redis.commandTimeout, by Redis's clock): then
   * another gateway's browser step starts a new sign-in. Before the fix the code stayed {@code
   * claimed} until it expired.
   *
   * <p>The first gateway runs in a JVM of its own and is killed (SIGKILL) while the MVPD holds its
   * token exchange: a pod lost without a chance to free anything. (A gateway that stops cleanly
   * fails its in-flight exchange as its web client closes and may free the code itself, which would
   * not test the deadline.) Catches a claim that never expires, and one that expires before the
   * login timeout.
   */
  @Test
  void a_claim_abandoned_by_a_lost_gateway_expires_with_its_deadline() throws Exception {
    long loginTimeout = 6_000;
    long commandTimeout = 1_000;
    JsonObject first = config(loginTimeout + "ms");
    first.getJsonObject("redis").put("commandTimeout", commandTimeout + "ms");
    JsonObject second = first.copy();
    second.getJsonObject("server").put("port", io.temppass.gateway.support.TestRedis.freePort());
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("abandoned-claim");
    // JSON is YAML: the same configuration, read by Main as in production.
    java.nio.file.Path file =
        java.nio.file.Files.writeString(dir.resolve("first.yaml"), first.encodePrettily());
    Process lost =
        io.temppass.gateway.support.GatewayProcess.builder("--config", file.toString())
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile())
            .start();
    int firstPort = first.getJsonObject("server").getInteger("port");
    MvpdSignIn viaFirst = new MvpdSignIn(vertx, firstPort);
    MvpdSignIn viaSecond = null;
    try {
      awaitReady(lost, firstPort, dir);
      pods = Pods.startEach(second);
      viaSecond = new MvpdSignIn(vertx, pods.port(0));
      token.set(Mode.SILENT);
      JsonObject session = await(viaFirst.createSession(SP, MVPD, "dev-abandoned"));
      String state = state(viaFirst, session);
      tokenRequested = new CountDownLatch(1);
      long beforeClaim = System.currentTimeMillis();
      viaFirst.open("/api/v2/authenticate/callback?code=mvpd-code&state=" + state);
      assertTrue(tokenRequested.await(30, TimeUnit.SECONDS), "the exchange reached the MVPD");
      long claimed = System.currentTimeMillis();
      lost.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long stopped = System.currentTimeMillis();
      assertTrue(
          stopped - beforeClaim < loginTimeout,
          "the first gateway was lost "
              + (stopped - beforeClaim)
              + " ms in, before its login timeout");

      HttpResponse<Buffer> step = await(viaSecond.open(session.getString("url")));
      assertEquals(400, step.statusCode(), "the claim holds right after the loss");
      long deadline = claimed + loginTimeout + 3 * commandTimeout + 30_000;
      while (step.statusCode() != 302 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
        step = await(viaSecond.open(session.getString("url")));
      }
      assertEquals(302, step.statusCode(), "the claim's deadline opened the code");
      assertTrue(
          System.currentTimeMillis() - beforeClaim >= loginTimeout,
          "the claim held at least the login timeout");
    } finally {
      lost.destroyForcibly();
      viaFirst.close();
      if (viaSecond != null) viaSecond.close();
    }
  }

  private void awaitReady(Process process, int port, java.nio.file.Path dir) throws Exception {
    Api api = new Api(vertx, port);
    try {
      long deadline = System.currentTimeMillis() + 90_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          if (api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode() == 200) return;
        } catch (Exception notYet) {
          // not listening yet
        }
        assertTrue(
            process.isAlive(),
            "gateway exited: " + java.nio.file.Files.readString(dir.resolve("stderr.log")));
        Thread.sleep(100);
      }
      throw new AssertionError(
          "gateway did not become ready: "
              + java.nio.file.Files.readString(dir.resolve("stdout.log")));
    } finally {
      api.close();
    }
  }
}
