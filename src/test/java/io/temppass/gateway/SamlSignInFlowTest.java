package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.temppass.gateway.support.HeadlessChromium;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code REF30/SAMLReference} of development mode end to end: SAML sign-in with the reference
 * MVPD's IdP (signed AuthnRequest over the redirect binding, the IdP's auto-submitting POST form,
 * the assertion consumer service), the profile with the mapped user metadata, the seed's sample 1
 * answered by the MVPD with a media token, a title outside the package and one under parental
 * controls, then SAML single logout back to the app and the missing profile. Once over HTTP as
 * {@code curl} would (the form read and posted by the test), once in headless Chromium, where the
 * IdP's page submits itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamlSignInFlowTest {
  static final String MVPD = "SAMLReference";

  DevEnvironment dev;
  Vertx vertx;
  Gateway gateway;
  String bearer;
  final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  void start() throws Exception {
    dev = new DevEnvironment();
    vertx = Vertx.vertx();
    JsonObject tree =
        ConfigLoader.tree(
            List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml")),
            Map.of("TEMPPASS_SERVER__PORT", "0"));
    dev.prepare(tree);
    GatewayConfig config =
        GatewayConfig.from(
            tree,
            p -> {
              throw new IllegalStateException("no files in dev");
            });
    gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    bearer = "Bearer " + dev.accessToken();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      gateway.stop().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    } finally {
      dev.stop();
    }
  }

  String gatewayUrl(String path) {
    return "http://127.0.0.1:" + gateway.port() + path;
  }

  @Test
  void over_http_sign_in_decide_and_single_logout() throws Exception {
    String device = device();
    JsonObject session = session(device);
    assertEquals("authenticate", session.getString("actionName"), session.encode());

    HttpResponse<String> toIdp = get(gatewayUrl(session.getString("url")));
    assertEquals(302, toIdp.statusCode(), toIdp.body());
    String sso = toIdp.headers().firstValue("Location").orElseThrow();
    assertTrue(sso.startsWith(dev.mvpd().origin() + "/mvpd/saml/sso?SAMLRequest="), sso);
    assertTrue(sso.contains("&SigAlg=") && sso.contains("&Signature="), sso);

    HttpResponse<String> form = get(sso);
    assertEquals(200, form.statusCode(), form.body());
    String acs = field(form.body(), "action");
    assertEquals(gatewayUrl("/sp/saml/SAMLAssertionConsumer"), acs);
    HttpResponse<String> back =
        post(
            acs,
            "SAMLResponse="
                + URLEncoder.encode(field(form.body(), "SAMLResponse"), StandardCharsets.UTF_8)
                + "&RelayState="
                + URLEncoder.encode(field(form.body(), "RelayState"), StandardCharsets.UTF_8));
    assertEquals(302, back.statusCode(), back.body());
    assertEquals(dev.mvpd().appPage("signed-in"), back.headers().firstValue("Location").get());

    JsonObject profile = profile(session.getString("code"), device);
    assertNotNull(profile);
    assertEquals(MVPD, profile.getString("issuer"));
    JsonObject attributes = profile.getJsonObject("attributes");
    assertEquals("dev-subscriber", attributes.getJsonObject("userID").getString("value"));
    assertEquals("dev-household", attributes.getJsonObject("householdID").getString("value"));
    assertEquals("TV-MA", attributes.getJsonObject("maxRating").getString("value"));

    int queriesBefore = dev.mvpd().xacmlQueries();
    JsonArray decisions = decide(device, "REF30", "REF30-premium", "REF30-mature");
    // Decided by XACML: the reference PDP was asked (one query per resource for an authorization).
    assertEquals(3, dev.mvpd().xacmlQueries() - queriesBefore, decisions.encode());
    JsonObject permit = decisions.getJsonObject(0);
    assertEquals("mvpd", permit.getString("source"), decisions.encode());
    assertEquals(MVPD, permit.getString("mvpd"));
    assertTrue(permit.getBoolean("authorized"));
    assertNotNull(permit.getJsonObject("token").getString("serializedToken"));
    assertEquals(
        "authorization_denied_by_mvpd",
        decisions.getJsonObject(1).getJsonObject("error").getString("code"));
    assertEquals(
        "authorization_denied_by_parental_controls",
        decisions.getJsonObject(2).getJsonObject("error").getString("code"));

    JsonObject logout = logout(device);
    assertEquals("logout", logout.getString("actionName"), logout.encode());
    String slo = logout.getString("url");
    assertTrue(slo.startsWith(dev.mvpd().origin() + "/mvpd/saml/slo?SAMLRequest="), slo);
    HttpResponse<String> fromIdp = get(slo);
    assertEquals(302, fromIdp.statusCode(), fromIdp.body());
    String sloReturn = fromIdp.headers().firstValue("Location").orElseThrow();
    assertTrue(sloReturn.startsWith(gatewayUrl("/sp/saml/LogoutServiceHTTPRedirectResponse?")));
    HttpResponse<String> home = get(sloReturn);
    assertEquals(302, home.statusCode(), home.body());
    assertEquals(dev.mvpd().appPage("signed-out"), home.headers().firstValue("Location").get());
    // The LogoutResponse is checked: the same one with its signature cut off is refused.
    HttpResponse<String> unsigned = get(sloReturn.replaceAll("&Signature=[^&]*", ""));
    assertEquals(400, unsigned.statusCode());

    assertEquals(
        "authenticated_profile_missing",
        decide(device, "REF30").getJsonObject(0).getJsonObject("error").getString("code"));
  }

  @Test
  void the_sp_metadata_names_the_acs_the_slo_endpoint_and_the_certificate() throws Exception {
    HttpResponse<String> metadata = get(gatewayUrl("/sp/metadata"));
    assertEquals(200, metadata.statusCode(), metadata.body());
    assertEquals(
        "application/samlmetadata+xml", metadata.headers().firstValue("Content-Type").get());
    String xml = metadata.body();
    assertTrue(xml.contains("entityID=\"" + gatewayUrl("/saml") + "\""), xml);
    assertTrue(xml.contains("Location=\"" + gatewayUrl("/sp/saml/SAMLAssertionConsumer") + "\""));
    assertTrue(
        xml.contains(
            "Location=\"" + gatewayUrl("/sp/saml/LogoutServiceHTTPRedirectResponse") + "\""));
    assertTrue(xml.contains("<ds:X509Certificate>"), xml);
    assertTrue(xml.contains("nameid-format:persistent"), xml);
    assertEquals(200, get(gatewayUrl("/sp/metadata?mvpd=" + MVPD)).statusCode());
    assertEquals(404, get(gatewayUrl("/sp/metadata?mvpd=Cablevision")).statusCode());
  }

  @Test
  void in_headless_chromium_the_idp_form_submits_itself_and_logout_returns_to_the_app()
      throws Exception {
    HeadlessChromium.assumeInstalled();
    String device = device();
    JsonObject session = session(device);
    WebDriver browser = HeadlessChromium.start(Files.createTempDirectory("saml-chromium"));
    try {
      browser.get(gatewayUrl(session.getString("url")));
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(d -> d.getCurrentUrl().equals(dev.mvpd().appPage("signed-in")));
      assertTrue(
          browser.getPageSource().contains("the browser's part is over"), browser.getPageSource());
      JsonObject profile = profile(session.getString("code"), device);
      assertNotNull(profile, "signed in through the browser");
      assertTrue(decide(device, "REF30").getJsonObject(0).getBoolean("authorized"));

      browser.get(logout(device).getString("url"));
      new WebDriverWait(browser, Duration.ofSeconds(30))
          .until(d -> d.getCurrentUrl().equals(dev.mvpd().appPage("signed-out")));
      assertNull(profile(session.getString("code"), device), "logged out");
    } finally {
      browser.quit();
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  static String device() {
    return "fingerprint "
        + java.util.Base64.getEncoder()
            .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  JsonObject session(String device) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl("/api/v2/REF30/sessions")))
                .header("Authorization", bearer)
                .header("AP-Device-Identifier", device)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "mvpd="
                            + MVPD
                            + "&domainName=127.0.0.1&redirectUrl="
                            + URLEncoder.encode(
                                dev.mvpd().appPage("signed-in"), StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  JsonObject profile(String code, String device) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(gatewayUrl("/api/v2/REF30/profiles/code/" + code)))
                .header("Authorization", bearer)
                .header("AP-Device-Identifier", device)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonObject("profiles").getJsonObject(MVPD);
  }

  JsonArray decide(String device, String... resources) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(gatewayUrl("/api/v2/REF30/decisions/authorize/" + MVPD)))
                .header("Authorization", bearer)
                .header("AP-Device-Identifier", device)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("resources", List.of(resources)).encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("decisions");
  }

  JsonObject logout(String device) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        gatewayUrl(
                            "/api/v2/REF30/logout/"
                                + MVPD
                                + "?redirectUrl="
                                + URLEncoder.encode(
                                    dev.mvpd().appPage("signed-out"), StandardCharsets.UTF_8))))
                .header("Authorization", bearer)
                .header("AP-Device-Identifier", device)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonObject("logouts").getJsonObject(MVPD);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, String form) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The form's action, or the value of its hidden input {@code name}. */
  static String field(String html, String name) {
    Matcher m =
        Pattern.compile(
                name.equals("action")
                    ? "action=\"([^\"]+)\""
                    : "name=\"" + name + "\" value=\"([^\"]+)\"")
            .matcher(html);
    assertTrue(m.find(), name + " in " + html);
    return m.group(1).replace("&#38;", "&");
  }
}
