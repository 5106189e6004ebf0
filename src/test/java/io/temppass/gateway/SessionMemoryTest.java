package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session takes at most 1 KiB of Redis memory ({@code MEMORY USAGE … SAMPLES 0}, the exact
 * figure) whatever the app sends: with service provider and mvpd ids of 32 characters (the
 * operator's, not the app's), a client id of 1,000 characters, the longest host name as {@code
 * domainName}, the longest {@code redirectUrl} the session accepts and the largest {@code
 * X-Device-Info} a session stored, measured while a sign-in holds its state, PKCE verifier and
 * nonce. Before the fix such a session was a hash of about 6 KB: every value was stored as sent, up
 * to 2,048 characters each.
 */
class SessionMemoryTest {
  static final String SP = "S".repeat(32);
  static final String MVPD = "M".repeat(32);
  static final long ONE_KIB = 1024;

  Vertx vertx;
  TestMvpd mvpd;
  Pods pods;
  MvpdSignIn browser;
  RedisProbe redis;
  String prefix;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP);
    prefix = TestGateway.keyPrefix(config);
    pods = Pods.startEach(config);
    browser = new MvpdSignIn(vertx, pods.port(0));
    redis = new RedisProbe(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    redis.close();
    browser.close();
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(20, TimeUnit.SECONDS);
  }

  HttpResponse<Buffer> create(
      String bearer, String device, String deviceInfo, String domainName, String redirectUrl)
      throws Exception {
    return await(
        browser
            .browser()
            .post(pods.port(0), "127.0.0.1", "/api/v2/" + SP + "/sessions")
            .putHeader("Authorization", bearer)
            .putHeader("AP-Device-Identifier", Api.fingerprint(device))
            .putHeader("X-Device-Info", deviceInfo)
            .sendForm(
                MultiMap.caseInsensitiveMultiMap()
                    .add("mvpd", MVPD)
                    .add("domainName", domainName)
                    .add("redirectUrl", redirectUrl)));
  }

  long memory(String code) throws Exception {
    String key = prefix + ":s:{" + code + "}";
    return await(redis.send(Command.MEMORY, "USAGE", key, "SAMPLES", "0")).toLong();
  }

  /** The browser step: records state, PKCE verifier and nonce on the session. */
  void startSignIn(JsonObject session) throws Exception {
    assertEquals(302, await(browser.open(session.getString("url"))).statusCode());
  }

  @Test
  void a_session_of_maximal_inputs_takes_at_most_one_kib() throws Exception {
    String bearer =
        "Bearer "
            + AccessTokens.rs256(
                AccessTokens.claims().put("sub", "c".repeat(1000)), AccessTokens.KEY.getPrivate());
    // The largest X-Device-Info a session ever stored (longer ones never were).
    String deviceInfo = Base64.getEncoder().encodeToString(new byte[1536]);
    assertEquals(2048, deviceInfo.length());
    String domainName = ("a".repeat(63) + ".").repeat(3) + "b".repeat(49) + ".example.com";
    assertEquals(253, domainName.length());

    // The longest redirectUrl the session takes with all the rest at its maximum; longer is
    // refused.
    String base = "https://" + domainName + "/";
    HttpResponse<Buffer> accepted = null;
    int length = 1024;
    for (; length > base.length(); length -= 8) {
      HttpResponse<Buffer> r =
          create(
              bearer, "dev-max", deviceInfo, domainName, base + "p".repeat(length - base.length()));
      if (r.statusCode() == 200) {
        accepted = r;
        break;
      }
      assertEquals(
          "invalid_parameter_redirect_url",
          r.bodyAsJsonObject().getString("code"),
          r.bodyAsString());
      // The URL itself is well formed and in the domain: the details say it is the size.
      assertTrue(
          r.bodyAsJsonObject()
              .getString("details")
              .startsWith(
                  "the app's parameters (mvpd, domainName, redirectUrl) exceed 760 bytes packed"),
          r.bodyAsString());
    }
    assertTrue(accepted != null && length >= 290, "a redirectUrl of " + length + " characters");

    JsonObject session = accepted.bodyAsJsonObject();
    startSignIn(session);
    long bytes = memory(session.getString("code"));
    System.out.println("maximal session: " + bytes + " bytes, redirectUrl " + length);
    assertTrue(bytes <= ONE_KIB, "a maximal session takes " + bytes + " bytes of Redis memory");
  }

  /**
   * An everyday session keeps its device info (GET /sessions/{code} shows it) and stays well within
   * the bound while a sign-in holds its state.
   */
  @Test
  void an_everyday_session_keeps_its_device_info_within_one_kib() throws Exception {
    HttpResponse<Buffer> created =
        create(
            AccessTokens.bearer(),
            "dev-everyday",
            Api.SAMPLE_DEVICE_INFO,
            MvpdSignIn.DOMAIN,
            MvpdSignIn.REDIRECT_URL);
    assertEquals(200, created.statusCode(), created.bodyAsString());
    JsonObject session = created.bodyAsJsonObject();
    startSignIn(session);
    long bytes = memory(session.getString("code"));
    System.out.println("everyday session: " + bytes + " bytes");
    assertTrue(bytes <= ONE_KIB, "an everyday session takes " + bytes + " bytes");
    JsonObject info =
        await(
                browser
                    .browser()
                    .get(
                        pods.port(0),
                        "127.0.0.1",
                        "/api/v2/" + SP + "/sessions/" + session.getString("code"))
                    .putHeader("Authorization", AccessTokens.bearer())
                    .putHeader("AP-Device-Identifier", Api.fingerprint("dev-everyday"))
                    .send())
            .bodyAsJsonObject();
    assertEquals("tvOS", info.getJsonObject("device").getString("osName"), info.encode());
    assertEquals(
        MvpdSignIn.REDIRECT_URL,
        info.getJsonObject("existingParameters").getString("redirectUrl"),
        info.encode());
  }

  /**
   * A session written as a hash by an earlier release (a rolling upgrade) reads as an unknown code,
   * the documented {@code invalid_authentication_session}, on every route, rather than failing the
   * scripts with WRONGTYPE (a 5xx) until it expires.
   */
  @Test
  void a_session_stored_as_a_hash_by_an_earlier_release_reads_as_unknown() throws Exception {
    String code = "HASHED23";
    await(
        redis.send(
            Command.HSET, prefix + ":s:{" + code + "}", "sp", SP, "dev", "x", "status", "new"));
    for (io.vertx.core.http.HttpMethod method :
        new io.vertx.core.http.HttpMethod[] {
          io.vertx.core.http.HttpMethod.GET, io.vertx.core.http.HttpMethod.POST
        }) {
      var request =
          browser
              .browser()
              .request(method, pods.port(0), "127.0.0.1", "/api/v2/" + SP + "/sessions/" + code)
              .putHeader("Authorization", AccessTokens.bearer())
              .putHeader("AP-Device-Identifier", Api.fingerprint("dev-hash"));
      HttpResponse<Buffer> r =
          await(
              method == io.vertx.core.http.HttpMethod.GET
                  ? request.send()
                  : request.sendForm(MultiMap.caseInsensitiveMultiMap().add("mvpd", MVPD)));
      assertEquals(400, r.statusCode(), method + " " + r.bodyAsString());
      assertEquals(
          "invalid_authentication_session",
          r.bodyAsJsonObject().getString("code"),
          r.bodyAsString());
    }
    HttpResponse<Buffer> page = await(browser.open("/api/v2/authenticate/" + SP + "/" + code));
    assertEquals(400, page.statusCode(), page.bodyAsString());
  }
}
