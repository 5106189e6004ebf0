package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the sign-in flow accepts as {@code domainName} and {@code redirectUrl} (SPEC 4.6), over real
 * HTTP: what was checked is exactly what is stored and sent back, byte for byte.
 */
class SessionParametersTest {
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
    pods =
        Pods.startEach(
            TestGateway.withMvpdSessions(
                TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP));
    browser = new MvpdSignIn(vertx, pods.port(0));
  }

  @AfterEach
  void stop() throws Exception {
    browser.close();
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  HttpRequest<Buffer> request(HttpMethod method, String path, String device) {
    return browser
        .browser()
        .request(method, pods.port(0), "127.0.0.1", "/api/v2/" + SP + path)
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("AP-Device-Identifier", Api.fingerprint(device));
  }

  HttpResponse<Buffer> create(String device, String domainName, String redirectUrl)
      throws Exception {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("mvpd", MVPD);
    if (domainName != null) form.add("domainName", domainName);
    if (redirectUrl != null) form.add("redirectUrl", redirectUrl);
    return await(request(HttpMethod.POST, "/sessions", device).sendForm(form));
  }

  static void assertError(HttpResponse<Buffer> r, String code, String input) {
    assertEquals(400, r.statusCode(), input + ": " + r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("code"), input + ": " + r.bodyAsString());
  }

  /**
   * Redirect URLs that are not printable ASCII are refused on every route that takes one: create,
   * resume and logout. Before the fix {@code https://app.example.com/café-Жx} passed the domain
   * check (java.net.URI accepts non-ASCII in a path) and left in {@code Location} as {@code
   * caf\xe9-?x}; a space or a tab is refused too, whatever the URL parser thinks of it.
   */
  @Test
  void a_redirect_url_that_is_not_printable_ascii_is_refused_everywhere() throws Exception {
    String[] refused = {
      "https://app.example.com/app/café-Жx",
      "https://app.example.com/a b",
      "https://app.example.com/a\tb",
      "https://app.example.com/a\u0085b",
      "https://app.example.com/\u00a0",
    };
    HttpResponse<Buffer> opened = create("dev-ascii", "example.com", null);
    assertEquals(200, opened.statusCode(), opened.bodyAsString());
    String code = opened.bodyAsJsonObject().getString("code");
    for (String url : refused) {
      assertError(create("dev-ascii", "example.com", url), "invalid_parameter_redirect_url", url);
      assertError(
          await(
              request(HttpMethod.POST, "/sessions/" + code, "dev-ascii")
                  .sendForm(MultiMap.caseInsensitiveMultiMap().add("redirectUrl", url))),
          "invalid_parameter_redirect_url",
          "resume " + url);
      assertError(
          await(
              request(
                      HttpMethod.GET,
                      "/logout/" + MVPD + "?redirectUrl=" + URLEncoder.encode(url, "UTF-8"),
                      "dev-ascii")
                  .send()),
          "invalid_parameter_redirect_url",
          "logout " + url);
    }
  }

  /**
   * A percent-encoded redirect URL leaves in the callback's {@code Location} header as exactly the
   * bytes the app sent, read off the socket (an HTTP client would decode the header first). The
   * {@code ;} in it is kept: only {@code &} separates form fields.
   */
  @Test
  void the_location_header_carries_the_checked_redirect_url_byte_for_byte() throws Exception {
    String redirectUrl = "https://app.example.com/caf%C3%A9-%D0%96x;v=1?q=%E2%82%AC&r=~";
    mvpd.nextLogin("subscriber-bytes", Map.of());
    HttpResponse<Buffer> created = create("dev-bytes", "example.com", redirectUrl);
    assertEquals(200, created.statusCode(), created.bodyAsString());
    String toMvpd = location(await(browser.open(created.bodyAsJsonObject().getString("url"))));
    String callback = location(await(browser.open(toMvpd)));
    String path = callback.substring(callback.indexOf("/api/v2/"));
    byte[] location = locationBytes(pods.port(0), path);
    assertArrayEquals(
        redirectUrl.getBytes(StandardCharsets.US_ASCII),
        location,
        new String(location, StandardCharsets.ISO_8859_1));
  }

  /**
   * {@code redirectUrl=https://app.example.com/a;b} in a form body is stored whole. Before the fix
   * the form parser split fields on {@code ;} as well as {@code &} and stored {@code …/a}.
   */
  @Test
  void a_semicolon_in_a_form_value_is_part_of_the_value() throws Exception {
    HttpResponse<Buffer> created =
        await(
            request(HttpMethod.POST, "/sessions", "dev-semicolon")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(
                    Buffer.buffer(
                        "mvpd="
                            + MVPD
                            + "&domainName=example.com&redirectUrl=https://app.example.com/a;b")));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    JsonObject info =
        await(
                request(
                        HttpMethod.GET,
                        "/sessions/" + created.bodyAsJsonObject().getString("code"),
                        "dev-semicolon")
                    .send())
            .bodyAsJsonObject();
    assertEquals(
        "https://app.example.com/a;b",
        info.getJsonObject("existingParameters").getString("redirectUrl"),
        info.encode());
  }

  /**
   * Logout's {@code redirectUrl} query parameter keeps its {@code ;} too: it reaches the MVPD's
   * end-session URL whole. Before the fix the query was split on {@code ;} and the MVPD was told to
   * return to {@code …/a}.
   */
  @Test
  void a_semicolon_in_the_logout_redirect_url_is_kept() throws Exception {
    mvpd.nextLogin("subscriber-semicolon", Map.of());
    await(browser.signIn(SP, MVPD, "dev-logout"));
    HttpResponse<Buffer> logout =
        await(
            request(
                    HttpMethod.GET,
                    "/logout/" + MVPD + "?redirectUrl=https://app.example.com/a;b",
                    "dev-logout")
                .send());
    assertEquals(200, logout.statusCode(), logout.bodyAsString());
    String url =
        logout.bodyAsJsonObject().getJsonObject("logouts").getJsonObject(MVPD).getString("url", "");
    assertTrue(
        url.contains(
            "post_logout_redirect_uri="
                + URLEncoder.encode("https://app.example.com/a;b", StandardCharsets.UTF_8)),
        url);
  }

  /**
   * {@code domainName} must be an RFC 1123 host name before it is compared with the service
   * provider's domains. Before the fix each of these ended like {@code example.com} (or was too
   * long to be a name at all) and was stored and echoed back; and then, once refused, its details
   * spoke of the provider's domains, not of the name's form.
   */
  @Test
  void a_domain_name_must_be_a_host_name() throws Exception {
    String longName = ("a".repeat(63) + ".").repeat(4) + "example.com";
    String[] refused = {
      "http://evil.example/?.example.com",
      "<script>alert(1)</script>.example.com",
      "a b.example.com",
      ".example.com",
      "tv..example.com",
      "example.com.",
      "-tv.example.com",
      "tv-.example.com",
      "a".repeat(64) + ".example.com",
      longName,
      "tv_1.example.com",
      "café.example.com",
    };
    assertTrue(longName.length() > 253, "longer than a host name may be");
    for (String name : refused) {
      HttpResponse<Buffer> r = create("dev-domain", name, MvpdSignIn.REDIRECT_URL);
      assertError(r, "invalid_parameter_domain_name", name);
      // The details say what is wrong with the value (not the generic "one of the domains"), and
      // quote it cut to 64 characters, printable ASCII only.
      String details = r.bodyAsJsonObject().getString("details");
      assertTrue(
          details.startsWith("domainName is not an RFC 1123 host name"), name + ": " + details);
      String shown = name.length() > 64 ? name.substring(0, 64) : name;
      assertTrue(
          details.contains("'" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "'"),
          name + ": " + details);
      assertTrue(details.length() < 250, "details of " + details.length() + " characters");
      if (name.length() > 64)
        assertTrue(details.endsWith("(" + name.length() + " characters)"), details);
    }
    HttpResponse<Buffer> foreign =
        create("dev-domain", "tv.other.example", MvpdSignIn.REDIRECT_URL);
    assertError(foreign, "invalid_parameter_domain_name", "a host name of another domain");
    assertTrue(
        foreign.bodyAsJsonObject().getString("details").contains("service provider's domains"),
        foreign.bodyAsString());
    String longest = ("a".repeat(63) + ".").repeat(3) + "b".repeat(49) + ".example.com";
    assertEquals(253, longest.length());
    for (String name : new String[] {"example.com", "TV-1.Example.COM", "1.example.com", longest})
      assertEquals(
          200,
          create("dev-domain", name, MvpdSignIn.REDIRECT_URL).statusCode(),
          name + " is a host name in the provider's domain");
  }

  /** The raw bytes of the {@code Location} header of {@code GET path}, read off the socket. */
  static byte[] locationBytes(int port, String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) >= 0; ) received.write(buf, 0, n);
      byte[] all = received.toByteArray();
      byte[] name = "\r\nlocation: ".getBytes(StandardCharsets.US_ASCII);
      String lower =
          new String(all, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      int at = lower.indexOf(new String(name, StandardCharsets.ISO_8859_1));
      assertTrue(at >= 0, "no Location header in " + lower);
      int start = at + name.length;
      int end = lower.indexOf("\r\n", start);
      return Arrays.copyOfRange(all, start, end);
    }
  }

  /** The Location of a 302, failing the test on anything else. */
  static String location(HttpResponse<Buffer> r) {
    assertEquals(302, r.statusCode(), r.bodyAsString());
    return r.getHeader("Location");
  }
}
