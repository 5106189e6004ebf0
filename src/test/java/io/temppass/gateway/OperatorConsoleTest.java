package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.HeadlessChromium;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.support.TestRedis;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console ({@code src/main/resources/console/}, {@link
 * io.temppass.gateway.http.ConsoleRoutes}) on the management port, driven in headless Chromium by
 * an operator who signs in with an access token from Dynamic Client Registration (an operator
 * application with the admin scope): each action is checked where it lands, in Redis (the
 * control-plane hash, the trial keys) and on a second gateway process started through {@code Main}
 * on the same Redis (a revoked application's statement refused there, a degradation rule applied
 * there, a reset trial started afresh there), and its audit line in this process's log names the
 * operator's client id. Screenshots of each screen go to {@code target/console-screenshots/}.
 * Catches: a console action that calls the wrong path or drops a field, a change kept in one
 * process, an action that is not audited, the console or its API answering on the public port, a
 * token without the admin scope let in, and a page the Content-Security-Policy would break.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them):
 * the browser tests are skipped without them, except under {@code CI=true}, where their absence
 * fails.
 */
class OperatorConsoleTest {
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  static final String TEMPPASS_SP = "apasstest1";
  static final String BASIC = "TempPass_TEST40";
  static final String PROMO = "TempPass_PROMO";
  static final String MVPD_SP = "REF30";
  static final String MVPD = "Cablevision";

  static Vertx vertx;
  static TestMvpd mvpd;
  static JsonObject config;
  static Gateway gateway;
  static int management;
  static WebClient web;
  static RedisProbe redis;
  static String prefix;
  static LogCapture logs;

  @TempDir Path dir;
  WebDriver browser;
  Process other;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    config =
        Dcr.with(
            TestGateway.withMvpdSessions(
                TestGateway.with(
                    TestGateway.config(),
                    TestGateway.basic(TEMPPASS_SP, BASIC, "1h"),
                    TestGateway.promotional(TEMPPASS_SP, PROMO, "1h", 3),
                    mvpd.integration(MVPD_SP, MVPD)),
                MVPD_SP));
    management = TestRedis.freePort();
    config.getJsonObject("server").put("managementPort", management);
    prefix = TestGateway.keyPrefix(config);
    logs = new LogCapture();
    gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    web =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setFollowRedirects(false));
    redis = new RedisProbe(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (logs != null) logs.close();
    if (gateway != null) gateway.stop().await(30, TimeUnit.SECONDS);
    if (mvpd != null) mvpd.close();
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopBrowserAndOther() throws Exception {
    if (browser != null) browser.quit();
    if (other != null) other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  // ---- without a browser -----------------------------------------------------------------------

  /**
   * The page and its API are on the management port only; the public port answers 404 for every
   * console path, with or without an admin token, while its own admin API stays where it was.
   */
  @Test
  void the_console_is_on_the_management_port_and_never_on_the_public_port() throws Exception {
    for (String path :
        List.of("/console", "/console/", "/console/console.js", "/console/api/integrations")) {
      HttpResponse<Buffer> publicAnswer =
          web.get(gateway.port(), "127.0.0.1", path)
              .putHeader("Authorization", io.temppass.gateway.support.AccessTokens.adminBearer())
              .send()
              .await(10, TimeUnit.SECONDS);
      assertEquals(404, publicAnswer.statusCode(), path + " on the public port");
      assertFalse(publicAnswer.bodyAsString().contains("console"), publicAnswer.bodyAsString());
    }
    HttpResponse<Buffer> page = get("/console/");
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    String policy = page.getHeader("Content-Security-Policy");
    assertNotNull(policy);
    assertTrue(policy.contains("default-src 'none'"), policy);
    assertTrue(policy.contains("script-src 'self'"), policy);
    assertTrue(policy.contains("connect-src 'self'"), policy);
    assertTrue(policy.contains("frame-ancestors 'none'"), policy);
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertEquals("no-store", page.getHeader("Cache-Control"));
    // Nothing inline that the policy would block, and nothing from elsewhere.
    String html = page.bodyAsString();
    assertFalse(html.contains("<style"), "inline style");
    assertFalse(Pattern.compile("<script>|<script(?![^>]*src=)").matcher(html).find(), html);
    assertFalse(html.contains("http://") || html.contains("https://"), "an outside address");
    assertEquals(302, get("/console").statusCode());
    assertEquals(200, get("/console/console.js").statusCode());
    assertEquals(200, get("/console/console.css").statusCode());
    assertEquals(200, get("/metrics").statusCode());
  }

  /**
   * A token without the admin scope (a client application's) gets 403 {@code insufficient_scope}
   * from every console call, and no token 401; a DCR client of an application with the client scope
   * is refused likewise.
   */
  @Test
  void tokens_without_the_admin_scope_are_refused() throws Exception {
    String clientToken = io.temppass.gateway.support.AccessTokens.valid();
    Api publicApi = new Api(vertx, gateway.port());
    String dcrClientToken =
        Dcr.accessToken(
            publicApi,
            Dcr.created(publicApi, Dcr.app(TEMPPASS_SP)).getString("software_statement"));
    publicApi.close();
    for (String path :
        List.of("/console/api/session", "/console/api/integrations", "/admin/v1/applications")) {
      for (String token : List.of(clientToken, dcrClientToken)) {
        HttpResponse<Buffer> refused = get(path, token);
        assertEquals(403, refused.statusCode(), path + ": " + refused.bodyAsString());
        assertEquals("insufficient_scope", refused.bodyAsJsonObject().getString("code"));
      }
      assertEquals(401, get(path, null).statusCode(), path + " without a token");
    }
    HttpResponse<Buffer> reset =
        web.delete(
                management,
                "127.0.0.1",
                "/reset-tempass/v3/reset?requestor_id=" + TEMPPASS_SP + "&mvpd_id=" + BASIC)
            .putHeader("Authorization", "Bearer " + clientToken)
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(403, reset.statusCode(), reset.bodyAsString());
  }

  // ---- in the browser --------------------------------------------------------------------------

  /** A client application's token pasted into the sign-in is refused, and no screen opens. */
  @Test
  void the_page_refuses_a_token_without_the_admin_scope() throws Exception {
    browser = HeadlessChromium.start(dir, "--window-size=1200,900");
    browser.get(consoleUrl());
    signIn(io.temppass.gateway.support.AccessTokens.valid());
    String error =
        new WebDriverWait(browser, WAIT)
            .until(
                d -> {
                  String t = d.findElement(By.id("sign-in-error")).getText();
                  return t.isEmpty() ? null : t;
                });
    assertTrue(error.contains("403 insufficient_scope"), error);
    assertTrue(error.contains("lacks the admin scope"), error);
    assertFalse(browser.findElement(By.id("tabs")).isDisplayed());
    assertFalse(browser.findElement(By.id("applications-screen")).isDisplayed());
    screenshot("sign-in-refused");
  }

  @Test
  void every_action_reaches_redis_and_the_other_process_and_is_audited() throws Exception {
    Api publicApi = new Api(vertx, gateway.port());
    int otherPort = TestRedis.freePort();
    Api otherApi = new Api(vertx, otherPort);
    try {
      other = launchOther(otherPort);
      awaitReady(otherApi);

      // The operator: an application with the admin scope, its client and its token (DCR).
      JsonObject operatorApp =
          Dcr.app(TEMPPASS_SP)
              .put("name", "Operations")
              .put("scopes", new JsonArray().add("temppass:admin"));
      String operatorStatement =
          Dcr.created(publicApi, operatorApp).getString("software_statement");
      JsonObject operatorClient = Dcr.client(publicApi, operatorStatement);
      String operator = operatorClient.getString("client_id");
      String operatorToken =
          Dcr.token(publicApi, operator, operatorClient.getString("client_secret"))
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getString("access_token");

      browser = HeadlessChromium.start(dir, "--window-size=1200,900");
      browser.get(consoleUrl());
      screenshot("sign-in");
      signIn(operatorToken);
      WebElement who =
          new WebDriverWait(browser, WAIT)
              .until(ExpectedConditions.visibilityOfElementLocated(By.id("who")));
      new WebDriverWait(browser, WAIT).until(d -> !who.getText().isEmpty());
      assertEquals("Signed in as admin client " + operator, who.getText());
      audited("console signed in by admin client " + operator);

      // Applications: create, download a statement, revoke.
      awaitVisible("applications-screen");
      type("app-name", "Console app");
      type("app-sps", TEMPPASS_SP);
      type("app-domains", "example.com");
      click("create");
      String created = status("Created Console app 1.0");
      Matcher id = Pattern.compile("\\(([0-9a-f-]{36})\\)").matcher(created);
      assertTrue(id.find(), created);
      String app = id.group(1);
      String statement = browser.findElement(By.id("statement")).getDomProperty("value");
      assertTrue(statement.split("\\.").length == 3, statement);
      JsonObject stored = new JsonObject(hget("app:" + app));
      assertEquals("Console app", stored.getString("name"));
      assertFalse(stored.getBoolean("revoked"));
      assertEquals(
          201,
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () ->
                      Dcr.registering(
                          otherApi, new JsonObject().put("software_statement", statement)),
                  r -> r.statusCode() == 201)
              .await(30, TimeUnit.SECONDS)
              .statusCode(),
          "the other process registers a client of the application created in the console");
      audited("application " + app + " (Console app 1.0) created by admin client " + operator);

      row(app).findElement(By.cssSelector("button.download")).click();
      status("Statement of Console app 1.0 issued");
      String downloaded = browser.findElement(By.id("statement")).getDomProperty("value");
      assertNotEquals(statement, downloaded, "a fresh statement");
      assertTrue(browser.findElement(By.id("statement-file")).isDisplayed());
      assertEquals(201, Dcr.register(otherApi, downloaded).statusCode());
      audited(
          "application "
              + app
              + " (Console app 1.0) statement issued for by admin client "
              + operator);
      screenshot("applications");

      row(app).findElement(By.cssSelector("button.revoke")).click();
      awaitVisible("confirm");
      assertTrue(
          browser
              .findElement(By.id("confirm-text"))
              .getText()
              .startsWith("Revoke Console app 1.0"));
      screenshot("applications-confirm-revoke");
      click("confirm-yes");
      status("Revoked Console app 1.0");
      new WebDriverWait(browser, WAIT)
          .ignoring(StaleElementReferenceException.class)
          .until(d -> "true".equals(row(app).getDomAttribute("data-revoked")));
      assertTrue(new JsonObject(hget("app:" + app)).getBoolean("revoked"), "revoked in Redis");
      HttpResponse<Buffer> refused =
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () ->
                      Dcr.registering(
                          otherApi, new JsonObject().put("software_statement", downloaded)),
                  r -> r.statusCode() == 400)
              .await(30, TimeUnit.SECONDS);
      assertEquals(
          "unapproved_software_statement",
          refused.bodyAsJsonObject().getString("error"),
          "the other process refuses the revoked application's statement");
      audited("application " + app + " (Console app 1.0) revoked by admin client " + operator);

      // Integrations: apply a degradation rule, then remove it.
      IntegrationConfig regular = integration(MVPD_SP, MVPD);
      String ruleField = "d:" + new KeySchema(prefix).integrationId(regular);
      assertEquals(
          "authenticated_profile_missing", errorCode(decide(otherApi, MVPD_SP, MVPD, "d-1", null)));
      click("tab-integrations");
      String rowSelector = "tr[data-integration='" + MVPD_SP + "/" + MVPD + "']";
      WebElement integrationRow =
          new WebDriverWait(browser, WAIT)
              .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(rowSelector)));
      assertEquals("none", integrationRow.findElement(By.cssSelector("td.rule")).getText());
      new Select(integrationRow.findElement(By.cssSelector("select.rule-select")))
          .selectByValue("AuthNAll");
      integrationRow.findElement(By.cssSelector("button.apply")).click();
      status("Apply AuthNAll to " + MVPD_SP + "/" + MVPD);
      assertTrue(
          status("Apply AuthNAll to " + MVPD_SP + "/" + MVPD).endsWith("rule in force AuthNAll"));
      assertEquals("AuthNAll", hget(ruleField), "the rule in the control-plane hash");
      JsonObject degraded =
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () -> decide(otherApi, MVPD_SP, MVPD, "d-1", null),
                  d -> "degradation".equals(d.getString("source")))
              .await(30, TimeUnit.SECONDS);
      assertEquals("degradation", degraded.getString("source"), degraded.encode());
      assertTrue(degraded.getBoolean("authorized"), degraded.encode());
      assertEquals(
          "AuthNAll",
          browser.findElement(By.cssSelector(rowSelector + " td.rule")).getText(),
          "the table shows the rule in force");
      audited(
          "degradation on "
              + MVPD_SP
              + "/"
              + MVPD
              + " set to AuthNAll by admin client "
              + operator);
      screenshot("integrations");

      browser.findElement(By.cssSelector(rowSelector + " button.remove")).click();
      status("Remove the rule of " + MVPD_SP + "/" + MVPD);
      assertEquals("none", hget(ruleField));
      JsonObject restored =
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () -> decide(otherApi, MVPD_SP, MVPD, "d-1", null),
                  d -> !"degradation".equals(d.getString("source")))
              .await(30, TimeUnit.SECONDS);
      assertEquals("authenticated_profile_missing", errorCode(restored), restored.encode());
      audited(
          "degradation on " + MVPD_SP + "/" + MVPD + " set to none by admin client " + operator);

      // Reset: one device, one identity, then every trial; each after a confirmation.
      IdentityHasher hasher = new IdentityHasher(TestGateway.HASH_SECRET);
      KeySchema keys = new KeySchema(prefix);
      IntegrationConfig basic = integration(TEMPPASS_SP, BASIC);
      IntegrationConfig promo = integration(TEMPPASS_SP, PROMO);
      String deviceKey =
          keys.basicTrial(basic, 0, hasher.device("dev-1".getBytes(StandardCharsets.UTF_8)));
      JsonObject first =
          decide(otherApi, TEMPPASS_SP, BASIC, "dev-1", null).await(10, TimeUnit.SECONDS);
      assertTrue(first.getBoolean("authorized"), first.encode());
      assertTrue(exists(deviceKey), "the other process started the device's trial in Redis");
      String identityKey = keys.promoTrial(promo, 0, hasher.identity("viewer@example.com"));
      assertTrue(
          decide(otherApi, TEMPPASS_SP, PROMO, "dev-2", "viewer@example.com")
              .await(10, TimeUnit.SECONDS)
              .getBoolean("authorized"));
      assertTrue(exists(identityKey), "the identity's trial in Redis");

      click("tab-reset");
      awaitVisible("reset-screen");
      new Select(browser.findElement(By.id("reset-integration")))
          .selectByValue(TEMPPASS_SP + "/" + BASIC);
      click("reset-device");
      type("reset-target", "dev-1");
      click("reset");
      awaitVisible("confirm");
      assertEquals(
          "Reset TempPass on "
              + TEMPPASS_SP
              + "/"
              + BASIC
              + ": device dev-1? This viewer gets a new trial.",
          browser.findElement(By.id("confirm-text")).getText());
      screenshot("reset-confirm");
      assertTrue(exists(deviceKey), "nothing is reset before the confirmation");
      click("confirm-yes");
      status("Reset device dev-1 on " + TEMPPASS_SP + "/" + BASIC);
      assertFalse(exists(deviceKey), "the device's trial is gone from Redis");
      JsonObject fresh =
          decide(otherApi, TEMPPASS_SP, BASIC, "dev-1", null).await(10, TimeUnit.SECONDS);
      assertTrue(
          fresh.getLong("notBefore") > first.getLong("notBefore"),
          "the other process starts the device a new trial: " + fresh.encode());
      audited(
          "TempPass reset DEVICE on " + TEMPPASS_SP + "/" + BASIC + " by admin client " + operator);

      new Select(browser.findElement(By.id("reset-integration")))
          .selectByValue(TEMPPASS_SP + "/" + PROMO);
      click("reset-identity");
      type("reset-target", "viewer@example.com");
      click("reset");
      awaitVisible("confirm");
      click("confirm-yes");
      status("Reset identity viewer@example.com on " + TEMPPASS_SP + "/" + PROMO);
      assertFalse(exists(identityKey), "the identity's trial is gone from Redis");
      audited(
          "TempPass reset IDENTITY on "
              + TEMPPASS_SP
              + "/"
              + PROMO
              + " by admin client "
              + operator);

      new Select(browser.findElement(By.id("reset-integration")))
          .selectByValue(TEMPPASS_SP + "/" + BASIC);
      click("reset-all");
      click("reset");
      awaitVisible("confirm");
      click("confirm-no");
      status("Reset cancelled");
      assertEquals(null, hgetOrNull("g:" + keys.integrationId(basic)), "cancelled: no reset");
      click("reset");
      awaitVisible("confirm");
      click("confirm-yes");
      status("Reset every trial on " + TEMPPASS_SP + "/" + BASIC);
      assertEquals("1", hget("g:" + keys.integrationId(basic)), "a new generation in Redis");
      String nextGeneration =
          keys.basicTrial(basic, 1, hasher.device("dev-1".getBytes(StandardCharsets.UTF_8)));
      Eventually.poll(
              vertx,
              PROPAGATION,
              () ->
                  decide(otherApi, TEMPPASS_SP, BASIC, "dev-1", null)
                      .compose(d -> redis.send(Command.EXISTS, nextGeneration)),
              r -> r.toInteger() == 1)
          .await(30, TimeUnit.SECONDS);
      assertTrue(exists(nextGeneration), "the other process keys trials by the new generation");
      audited(
          "TempPass reset ALL on " + TEMPPASS_SP + "/" + BASIC + " by admin client " + operator);
      screenshot("reset");

      // Live rates: this process's decisions, sign-ins, 429s and breaker state from /metrics.
      for (int i = 0; i < 3; i++)
        decide(publicApi, TEMPPASS_SP, BASIC, "rates-" + i, null).await(10, TimeUnit.SECONDS);
      click("tab-rates");
      awaitVisible("rates-screen");
      String series = "tr[data-series='decisions temppass permit']";
      new WebDriverWait(browser, WAIT)
          .ignoring(StaleElementReferenceException.class)
          .until(
              d -> {
                List<WebElement> r = d.findElements(By.cssSelector(series + " td.total"));
                return !r.isEmpty() && Double.parseDouble(r.get(0).getText()) >= 3;
              });
      // One more sample after the decisions: the last minute's rate is a number, not "—".
      for (int i = 0; i < 2; i++)
        decide(publicApi, TEMPPASS_SP, BASIC, "rates-more-" + i, null).await(10, TimeUnit.SECONDS);
      new WebDriverWait(browser, WAIT)
          .ignoring(StaleElementReferenceException.class)
          .until(
              d -> {
                String total = d.findElement(By.cssSelector(series + " td.total")).getText();
                String minute = d.findElement(By.cssSelector(series + " td.minute")).getText();
                return Double.parseDouble(total) >= 5
                    && minute.endsWith("/min")
                    && !minute.startsWith("0.0");
              });
      assertTrue(
          browser.findElements(By.cssSelector("tr[data-series='sign-ins started']")).size() == 1,
          "sign-ins by outcome");
      assertTrue(
          browser.findElements(By.cssSelector("tr[data-series='throttled (429)']")).size() == 1,
          "429s");
      assertEquals(
          "closed",
          browser
              .findElement(
                  By.cssSelector(
                      "#breakers tr[data-integration='" + MVPD_SP + "/" + MVPD + "'] td.state"))
              .getText());
      screenshot("rates");

      // Signing out forgets the token: a reload shows the sign-in again.
      click("sign-out");
      browser.navigate().refresh();
      awaitVisible("sign-in-screen");
      assertFalse(browser.findElement(By.id("tabs")).isDisplayed());
    } finally {
      publicApi.close();
      otherApi.close();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String consoleUrl() {
    return "http://127.0.0.1:" + management + "/console/";
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return web.get(management, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path, String token) throws Exception {
    var request = web.get(management, "127.0.0.1", path);
    if (token != null) request.putHeader("Authorization", "Bearer " + token);
    return request.send().await(10, TimeUnit.SECONDS);
  }

  private static IntegrationConfig integration(String sp, String mvpdId) {
    GatewayConfig parsed = TestGateway.parse(config);
    return parsed.integration(sp, mvpdId);
  }

  private static String hget(String field) throws Exception {
    String value = hgetOrNull(field);
    assertNotNull(value, field + " is not in " + prefix + ":control");
    return value;
  }

  private static String hgetOrNull(String field) throws Exception {
    Response r = redis.send(Command.HGET, prefix + ":control", field).await(10, TimeUnit.SECONDS);
    return r == null ? null : r.toString();
  }

  private static boolean exists(String key) throws Exception {
    return redis.send(Command.EXISTS, key).await(10, TimeUnit.SECONDS).toInteger() == 1;
  }

  /** The first decision of a request for one resource, through {@code api}'s gateway. */
  private static Future<JsonObject> decide(
      Api api, String sp, String mvpdId, String device, String email) {
    return api.authorize(sp, mvpdId, device, email, "REF30")
        .map(b -> b.getJsonArray("decisions").getJsonObject(0));
  }

  private static String errorCode(Future<JsonObject> decision) throws Exception {
    return errorCode(decision.await(10, TimeUnit.SECONDS));
  }

  private static String errorCode(JsonObject decision) {
    JsonObject error = decision.getJsonObject("error");
    return error == null ? null : error.getString("code");
  }

  /** The audit line, an INFO line of this process, naming the operator's client id. */
  private static void audited(String message) throws Exception {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      if (logs.lines().stream().anyMatch(l -> l.startsWith("INFO") && l.endsWith(message))) return;
      Thread.sleep(20);
    }
    fail("no audit line '" + message + "' in:\n" + String.join("\n", logs.lines()));
  }

  private void signIn(String token) {
    WebElement field =
        new WebDriverWait(browser, WAIT)
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    field.clear();
    field.sendKeys(token);
    click("sign-in");
  }

  private void type(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private void click(String id) {
    WebElement button;
    try {
      button =
          new WebDriverWait(browser, WAIT)
              .until(ExpectedConditions.elementToBeClickable(By.id(id)));
    } catch (TimeoutException e) {
      throw new AssertionError(id + " never clickable:\n" + page(), e);
    }
    button.click();
  }

  private void awaitVisible(String id) {
    try {
      new WebDriverWait(browser, WAIT)
          .until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    } catch (TimeoutException e) {
      throw new AssertionError(id + " never shown:\n" + page(), e);
    }
  }

  private WebElement row(String applicationId) {
    return new WebDriverWait(browser, WAIT)
        .until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#applications tr[data-id='" + applicationId + "']")));
  }

  /**
   * Waits until {@code #status} shows the outcome of the action whose message starts with {@code
   * start}; fails unless it succeeded. Returns its text.
   */
  private String status(String start) {
    String[] seen = new String[2];
    try {
      new WebDriverWait(browser, WAIT)
          .ignoring(StaleElementReferenceException.class)
          .until(
              d -> {
                WebElement out = d.findElement(By.id("status"));
                seen[0] = out.getDomAttribute("data-state");
                seen[1] = out.getText();
                return seen[1].startsWith(start) && !"pending".equals(seen[0]);
              });
    } catch (TimeoutException e) {
      throw new AssertionError(
          "no outcome '" + start + "…'; status " + seen[0] + " '" + seen[1] + "'\n" + page(), e);
    }
    assertNotEquals("error", seen[0], seen[1]);
    return seen[1];
  }

  private void screenshot(String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Files.write(
        SCREENSHOTS.resolve(name + ".png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  private String page() {
    try {
      return browser.findElement(By.tagName("body")).getText();
    } catch (RuntimeException e) {
      return "(page unreadable: " + e + ")";
    }
  }

  /**
   * The second gateway: this configuration (JSON is YAML) on its own public port, without a
   * management port, started through {@code Main} in a JVM of its own.
   */
  private Process launchOther(int port) throws Exception {
    JsonObject otherConfig = config.copy();
    JsonObject server = otherConfig.getJsonObject("server");
    server.put("port", port).put("instances", 1).remove("managementPort");
    otherConfig.getJsonObject("sessions").put("publicUrl", "http://127.0.0.1:" + port);
    Path file = Files.writeString(dir.resolve("other.yaml"), otherConfig.encodePrettily());
    return GatewayProcess.builder("--config", file.toString())
        .redirectOutput(dir.resolve("other-stdout.log").toFile())
        .redirectError(dir.resolve("other-stderr.log").toFile())
        .start();
  }

  private void awaitReady(Api api) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode() == 200) return;
      } catch (Exception notYet) {
        // not listening yet
      }
      assertTrue(
          other.isAlive(),
          "the other gateway exited: " + Files.readString(dir.resolve("other-stderr.log")));
      Thread.sleep(100);
    }
    throw new AssertionError(
        "the other gateway did not become ready: "
            + Files.readString(dir.resolve("other-stderr.log")));
  }
}
