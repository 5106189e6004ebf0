package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The reference app ({@code src/main/resources/reference-app}), written only against Adobe's DCR
 * and REST API V2 documents, run by {@code --dev} from an origin of its own and driven in headless
 * Chromium: it registers with the development statement, gets a token, shows the configuration's
 * mvpds, gets a basic TempPass decision, signs in with the reference MVPD in the same tab, reads
 * the profile by code, authorizes {@code REF30} and signs out, after which the same decision is
 * refused. Catches: a browser app unable to use the gateway unchanged (CORS refusing the app's
 * origin or a header it sends, a DCR or V2 field the app reads missing or renamed, the sign-in or
 * logout not landing back on the app's {@code redirectUrl}), and {@code --dev} not serving the app.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them):
 * skipped without them, except under {@code CI=true}, where their absence fails.
 */
class ReferenceAppTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LABEL = "The reference app (README \"Client registration\")";

  @TempDir Path dir;
  Process gateway;
  WebDriver browser;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (gateway != null) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void the_reference_app_completes_registration_temppass_sign_in_and_logout() throws Exception {
    HeadlessChromium.assumeInstalled();

    String page = startGateway();
    browser = HeadlessChromium.start(dir);
    browser.get(page);

    assertTrue(done("register").startsWith("client_id "), done("register"));
    assertTrue(done("register").contains("grant_types client_credentials"), done("register"));
    assertTrue(done("register").contains("scopes api:client:v2"), done("register"));
    assertTrue(done("token").startsWith("token_type bearer, expires_in "), done("token"));
    String configuration = done("configuration");
    assertTrue(configuration.contains("REF30: Cablevision (Optimum)"), configuration);
    assertTrue(
        configuration.contains(
            "apasstest1: TempPass_TEST40 (Adobe Temp Pass Test 3 min, TempPass)"),
        configuration);
    assertEquals("REF30: authorized true, source temppass, media token", done("temppass"));

    click("sign-in");
    assertEquals(
        "Cablevision: type regular, issuer Cablevision, userID dev-subscriber", done("profile"));
    assertTrue(browser.getCurrentUrl().startsWith(page), browser.getCurrentUrl());
    assertTrue(
        done("session").startsWith("actionName authenticate, actionType interactive, code "));
    assertEquals("REF30: authorized true, source mvpd, media token", done("authorize"));

    click("sign-out");
    assertEquals(
        "REF30: authorized false, source mvpd, error authenticated_profile_missing",
        done("after-logout"));
    assertEquals("signed out, back on redirectUrl", done("logout"));
    assertTrue(browser.getCurrentUrl().startsWith(page), browser.getCurrentUrl());
  }

  /** Starts {@code --dev} on free ports; returns the reference app's address it prints. */
  private String startGateway() throws Exception {
    ProcessBuilder builder =
        GatewayProcess.builder("--dev")
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("TEMPPASS_SERVER__PORT", "0");
    gateway = builder.start();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      List<String> lines = Files.readAllLines(dir.resolve("stdout.log"));
      for (int i = 0; i + 1 < lines.size(); i++)
        if (lines.get(i).startsWith(LABEL) && lines.get(i + 1).startsWith("http://"))
          return lines.get(i + 1);
      assertTrue(gateway.isAlive(), "exited: " + Files.readString(dir.resolve("stderr.log")));
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no reference app address: " + Files.readString(dir.resolve("stdout.log")));
  }

  /** Waits for the step's output to leave "pending"; returns its text if it succeeded. */
  private String done(String id) {
    String state;
    try {
      state =
          new WebDriverWait(browser, WAIT)
              .ignoring(StaleElementReferenceException.class)
              .until(
                  d -> {
                    String s = d.findElement(By.id(id)).getDomAttribute("data-state");
                    return "pending".equals(s) ? null : s;
                  });
    } catch (TimeoutException e) {
      throw new AssertionError("step " + id + " still pending:\n" + pageAndLogs(), e);
    }
    String text = browser.findElement(By.id(id)).getText();
    assertEquals("ok", state, "step " + id + ": " + text + "\n" + pageAndLogs());
    return text;
  }

  private void click(String id) {
    WebElement button;
    try {
      button =
          new WebDriverWait(browser, WAIT)
              .until(ExpectedConditions.elementToBeClickable(By.id(id)));
    } catch (TimeoutException e) {
      throw new AssertionError(id + " never enabled:\n" + pageAndLogs(), e);
    }
    button.click();
  }

  private String pageAndLogs() {
    String body;
    try {
      body = browser.findElement(By.tagName("body")).getText();
    } catch (RuntimeException e) {
      body = "(page unreadable: " + e + ")";
    }
    String stderr;
    try {
      stderr = Files.readString(dir.resolve("stderr.log"));
      stderr = stderr.substring(Math.max(0, stderr.length() - 4000));
    } catch (java.io.IOException e) {
      stderr = "";
    }
    return body + "\nat " + browser.getCurrentUrl() + "\n--- gateway stderr (tail) ---\n" + stderr;
  }
}
