package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication sessions hold only for the device and client that created them, for one completed
 * login, for their lifetime, and redirect only into the service provider's own domains (SPEC 4.6).
 * Each refusal is the documented error, and none leaves a profile behind.
 */
class MvpdSessionSecurityTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  Vertx vertx;
  TestMvpd mvpd;
  Pods pods;
  MvpdSignIn browser;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP);
    config.getJsonObject("sessions").put("codeTtl", "2s");
    pods = Pods.startEach(config);
    browser = new MvpdSignIn(vertx, pods.port(0));
  }

  @AfterEach
  void stop() throws Exception {
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> await(io.vertx.core.Future<HttpResponse<Buffer>> f) throws Exception {
    return f.await(15, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> codeProfile(String code, String device) throws Exception {
    return await(request(HttpMethod.GET, "/profiles/code/" + code, device).send());
  }

  HttpResponse<Buffer> resume(String code, String device, MultiMap form) throws Exception {
    return await(request(HttpMethod.POST, "/sessions/" + code, device).sendForm(form));
  }

  /** A call of the service provider's API at {@code path}, as a client app on {@code device}. */
  HttpRequest<Buffer> request(HttpMethod method, String path, String device) {
    return request(method, path, AccessTokens.bearer(), device);
  }

  HttpRequest<Buffer> request(HttpMethod method, String path, String authorization, String device) {
    return browser
        .browser()
        .request(method, pods.port(0), "127.0.0.1", "/api/v2/" + SP + path)
        .putHeader("Authorization", authorization)
        .putHeader("AP-Device-Identifier", Api.fingerprint(device));
  }

  /** The browser step's redirect to the MVPD, and the {@code state} it carries. */
  String stateSentToTheMvpd(JsonObject session) throws Exception {
    String toMvpd = await(browser.open(session.getString("url"))).getHeader("Location");
    return java.net.URLDecoder.decode(
        toMvpd.replaceAll(".*[?&]state=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
  }

  static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("code"), r.bodyAsString());
  }

  static void assertHtmlError(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"), r.getHeader("Content-Type"));
  }

  @Test
  void a_code_completes_one_login_only() throws Exception {
    mvpd.nextLogin("subscriber-once", Map.of());
    MvpdSignIn.Result first = browser.signIn(SP, MVPD, "dev-once").await(30, TimeUnit.SECONDS);
    assertEquals(MvpdSignIn.REDIRECT_URL, first.landedOn());
    assertHtmlError(await(browser.open("/api/v2/authenticate/" + SP + "/" + first.code())), 400);
    assertError(
        resume(first.code(), "dev-once", MultiMap.caseInsensitiveMultiMap()),
        400,
        "invalid_authentication_session");
  }

  @Test
  void a_replayed_mvpd_redirect_is_refused() throws Exception {
    mvpd.nextLogin("subscriber-replay", Map.of());
    JsonObject session = browser.createSession(SP, MVPD, "dev-replay").await(10, TimeUnit.SECONDS);
    String toMvpd = await(browser.open(session.getString("url"))).getHeader("Location");
    String callback = await(browser.open(toMvpd)).getHeader("Location");
    assertEquals(302, await(browser.open(callback)).statusCode());
    assertHtmlError(await(browser.open(callback)), 400);
  }

  @Test
  void a_tampered_state_is_refused_and_creates_no_profile() throws Exception {
    mvpd.nextLogin("subscriber-tamper", Map.of());
    JsonObject session = browser.createSession(SP, MVPD, "dev-tamper").await(10, TimeUnit.SECONDS);
    String toMvpd = await(browser.open(session.getString("url"))).getHeader("Location");
    String callback = await(browser.open(toMvpd)).getHeader("Location");
    String state = callback.replaceAll(".*[?&]state=([^&]*).*", "$1");
    String tampered =
        callback.replace(
            "state=" + state,
            "state="
                + state.substring(0, state.length() - 2)
                + (state.endsWith("AA") ? "BB" : "AA"));
    assertHtmlError(await(browser.open(tampered)), 400);
    assertEquals(
        new JsonObject(),
        codeProfile(session.getString("code"), "dev-tamper")
            .bodyAsJsonObject()
            .getJsonObject("profiles"));
    assertHtmlError(
        await(browser.open("/api/v2/authenticate/callback?state=nonsense&code=x")), 400);
  }

  @Test
  void a_code_used_from_another_device_is_refused() throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, "dev-owner").await(10, TimeUnit.SECONDS);
    String code = session.getString("code");
    assertError(codeProfile(code, "dev-thief"), 400, "invalid_authentication_session");
    assertError(
        resume(code, "dev-thief", MultiMap.caseInsensitiveMultiMap()),
        400,
        "invalid_authentication_session");
    assertError(
        await(request(HttpMethod.GET, "/sessions/" + code, "dev-thief").send()),
        400,
        "invalid_authentication_session");
    assertEquals(200, codeProfile(code, "dev-owner").statusCode());
  }

  /**
   * On the same device, another client (another access token subject) can neither read, resume nor
   * look up the session. Breakage caught: dropping the client check from {@code
   * SessionService.ownSession} hands the other client the session on all three routes.
   */
  @Test
  void a_code_used_by_another_client_is_refused() throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, "dev-shared").await(10, TimeUnit.SECONDS);
    String code = session.getString("code");
    String otherClient =
        "Bearer "
            + AccessTokens.rs256(
                AccessTokens.claims().put("sub", "another-client"), AccessTokens.KEY.getPrivate());
    for (String path : new String[] {"/profiles/code/" + code, "/sessions/" + code}) {
      assertError(
          await(request(HttpMethod.GET, path, otherClient, "dev-shared").send()),
          400,
          "invalid_authentication_session");
    }
    assertError(
        await(
            request(HttpMethod.POST, "/sessions/" + code, otherClient, "dev-shared")
                .sendForm(MultiMap.caseInsensitiveMultiMap())),
        400,
        "invalid_authentication_session");
    assertEquals(200, codeProfile(code, "dev-shared").statusCode());
  }

  @Test
  void an_expired_code_is_refused() throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, "dev-expire").await(10, TimeUnit.SECONDS);
    String code = session.getString("code");
    assertEquals(session.getLong("notBefore") + 2_000, session.getLong("notAfter"));
    long deadline = System.currentTimeMillis() + 15_000;
    HttpResponse<Buffer> r = codeProfile(code, "dev-expire");
    while (r.statusCode() == 200 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      r = codeProfile(code, "dev-expire");
    }
    assertTrue(
        System.currentTimeMillis() >= session.getLong("notAfter"), "valid until its notAfter");
    assertError(r, 400, "invalid_authentication_session");
    assertHtmlError(await(browser.open(session.getString("url"))), 400);
  }

  @Test
  void redirect_url_and_domain_name_must_belong_to_the_service_provider() throws Exception {
    String[][] refused = {
      // domainName, redirectUrl, the code
      {"example.com", "https://evil.example.net/x", "invalid_parameter_redirect_url"},
      {
        "example.com",
        "https://notexample.com@example.com.evil.net/",
        "invalid_parameter_redirect_url"
      },
      {"evil.net", MvpdSignIn.REDIRECT_URL, "invalid_parameter_domain_name"},
    };
    for (String[] c : refused) {
      HttpResponse<Buffer> r =
          await(
              request(HttpMethod.POST, "/sessions", "dev-redirect")
                  .sendForm(
                      MultiMap.caseInsensitiveMultiMap()
                          .add("mvpd", MVPD)
                          .add("domainName", c[0])
                          .add("redirectUrl", c[1])));
      assertError(r, 400, c[2]);
    }
  }

  /**
   * CS sample 2 and RS: no parameters gives resume/direct with the missing ones; resuming with them
   * gives authenticate.
   */
  @Test
  void missing_parameters_resume_then_authenticate() throws Exception {
    HttpResponse<Buffer> created =
        await(request(HttpMethod.POST, "/sessions", "dev-resume").send());
    JsonObject s = created.bodyAsJsonObject();
    assertEquals(200, created.statusCode(), created.bodyAsString());
    assertEquals("resume", s.getString("actionName"));
    assertEquals("direct", s.getString("actionType"));
    assertEquals("none", s.getString("reasonType"));
    assertEquals(
        java.util.List.of("mvpd", "domain", "redirectUrl"),
        s.getJsonArray("missingParameters").getList());
    assertEquals("/api/v2/" + SP + "/sessions/" + s.getString("code"), s.getString("url"));
    assertEquals(SP, s.getString("serviceProvider"));
    assertTrue(s.getString("sessionId").length() > 0);

    JsonObject partly =
        resume(
                s.getString("code"),
                "dev-resume",
                MultiMap.caseInsensitiveMultiMap().add("mvpd", MVPD))
            .bodyAsJsonObject();
    assertEquals("retry", partly.getString("actionName"));
    assertEquals(
        java.util.List.of("domain", "redirectUrl"),
        partly.getJsonArray("missingParameters").getList());

    JsonObject done =
        resume(
                s.getString("code"),
                "dev-resume",
                MultiMap.caseInsensitiveMultiMap()
                    .add("domainName", "example.com")
                    .add("redirectUrl", MvpdSignIn.REDIRECT_URL))
            .bodyAsJsonObject();
    assertEquals("authenticate", done.getString("actionName"));
    assertEquals("interactive", done.getString("actionType"));
    assertEquals("/api/v2/authenticate/" + SP + "/" + s.getString("code"), done.getString("url"));
    assertEquals(s.getString("code"), done.getString("code"));
  }

  /**
   * The MVPD's {@code error} is logged as an opaque code: however long, it reaches the log without
   * line breaks or other characters outside {@code [A-Za-z0-9_.-]}. Caught breakage: cutting a long
   * value to 64 characters without cleaning it (as before the fix), which let a CR LF through.
   */
  @Test
  void a_long_mvpd_error_reaches_the_log_cleaned() throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, "dev-log").await(10, TimeUnit.SECONDS);
    String state = stateSentToTheMvpd(session);
    String forged = "x%0D%0AINFO%20forged%20line%20" + "y".repeat(80);
    try (io.temppass.gateway.support.LogCapture logs =
        new io.temppass.gateway.support.LogCapture()) {
      HttpResponse<Buffer> cancelled =
          await(browser.open("/api/v2/authenticate/callback?error=" + forged + "&state=" + state));
      assertEquals(302, cancelled.statusCode());
      String line =
          logs.lines().stream()
              .filter(l -> l.contains("MVPD sign-in ended without a login"))
              .findFirst()
              .orElseThrow();
      String code = line.substring(line.indexOf("without a login: ") + 17);
      assertTrue(code.matches("[A-Za-z0-9_.?-]{1,64}"), line);
    }
  }

  /**
   * A cancelled (or refused) MVPD sign-in lands on redirectUrl with no profile, and the code may
   * try again.
   */
  @Test
  void a_cancelled_sign_in_lands_on_the_redirect_url_without_a_profile() throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, "dev-cancel").await(10, TimeUnit.SECONDS);
    String state = stateSentToTheMvpd(session);
    HttpResponse<Buffer> cancelled =
        await(browser.open("/api/v2/authenticate/callback?error=access_denied&state=" + state));
    assertEquals(302, cancelled.statusCode());
    assertEquals(MvpdSignIn.REDIRECT_URL, cancelled.getHeader("Location"));
    assertEquals(
        new JsonObject(),
        codeProfile(session.getString("code"), "dev-cancel")
            .bodyAsJsonObject()
            .getJsonObject("profiles"));
    mvpd.nextLogin("subscriber-retry", Map.of());
    assertEquals(
        MvpdSignIn.REDIRECT_URL,
        browser.browse(session.getString("url")).await(30, TimeUnit.SECONDS));
    assertEquals(
        "subscriber-retry",
        codeProfile(session.getString("code"), "dev-cancel")
            .bodyAsJsonObject()
            .getJsonObject("profiles")
            .getJsonObject(MVPD)
            .getJsonObject("attributes")
            .getJsonObject("userID")
            .getString("value"));
  }
}
