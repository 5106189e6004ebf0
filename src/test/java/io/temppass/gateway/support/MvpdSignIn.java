package io.temppass.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Walks a sign-in the way an app and a browser do: create a session, open its url (302 to the
 * MVPD), let the MVPD sign the subscriber in (302 back to the gateway), and follow the gateway's
 * redirect to the app's {@code redirectUrl}. Every step is a real HTTP request; nothing is followed
 * automatically, so a test can stop or tamper at any step.
 */
public final class MvpdSignIn {
  public static final String REDIRECT_URL = "https://app.example.com/signed-in";
  public static final String DOMAIN = "example.com";

  private final WebClient browser;
  private final int port;

  public MvpdSignIn(Vertx vertx, int port) {
    this.browser = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    this.port = port;
    // The gateway's answers (not the MVPD's) must be ones docs/openapi.yaml describes.
    ApiContract.validateResponses(browser, port);
  }

  /** The result of a whole sign-in: the session's code and where the browser finally landed. */
  public record Result(String code, String landedOn) {}

  public Future<JsonObject> createSession(String sp, String mvpd, String deviceId) {
    return browser
        .post(port, "127.0.0.1", "/api/v2/" + sp + "/sessions")
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("AP-Device-Identifier", Api.fingerprint(deviceId))
        .putHeader("X-Device-Info", Api.SAMPLE_DEVICE_INFO)
        .sendForm(
            MultiMap.caseInsensitiveMultiMap()
                .add("mvpd", mvpd)
                .add("domainName", DOMAIN)
                .add("redirectUrl", REDIRECT_URL))
        .map(
            r -> {
              if (r.statusCode() != 200)
                throw new IllegalStateException(
                    "session: HTTP " + r.statusCode() + " " + r.bodyAsString());
              return r.bodyAsJsonObject();
            });
  }

  /** GET an absolute URL or a path on the gateway, without following redirects. */
  public Future<HttpResponse<Buffer>> open(String urlOrPath) {
    return urlOrPath.startsWith("http")
        ? browser.getAbs(urlOrPath).send()
        : browser.get(port, "127.0.0.1", urlOrPath).send();
  }

  /** The browser's part for an existing session url: gateway → MVPD → gateway → redirectUrl. */
  public Future<String> browse(String sessionUrl) {
    return open(sessionUrl)
        .compose(toMvpd -> expect302(toMvpd, "authenticate"))
        .compose(this::open)
        .compose(back -> expect302(back, "MVPD authorize"))
        .compose(this::open)
        .compose(landing -> expect302(landing, "callback"));
  }

  public Future<Result> signIn(String sp, String mvpd, String deviceId) {
    return createSession(sp, mvpd, deviceId)
        .compose(
            session ->
                browse(session.getString("url"))
                    .map(landed -> new Result(session.getString("code"), landed)));
  }

  static Future<String> expect302(HttpResponse<Buffer> r, String step) {
    if (r.statusCode() != 302)
      return Future.failedFuture(
          new IllegalStateException(step + ": HTTP " + r.statusCode() + " " + r.bodyAsString()));
    return Future.succeededFuture(r.getHeader("Location"));
  }

  public WebClient browser() {
    return browser;
  }

  public void close() {
    browser.close();
  }
}
