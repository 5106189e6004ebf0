package io.temppass.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * An MVPD for tests, over real HTTP: an independent OpenID Connect provider (mock-oauth2-server)
 * for sign-in, and a Vert.x HTTP server speaking the authorization contract of docs/MVPD.md, with
 * faults to inject (slow answers, 500s, malformed JSON) and per-resource answers (deny with text,
 * parental controls), counting every call it receives.
 */
public final class TestMvpd implements AutoCloseable {
  public static final String ISSUER_ID = "mvpd1";
  public static final String CLIENT_ID = "temppass-gateway-test";
  public static final String CLIENT_SECRET = "test-client-secret";

  public enum Fault {
    NONE,
    SLOW,
    ERROR_500,
    MALFORMED
  }

  private final MockOAuth2Server oidc = new MockOAuth2Server();
  private final Vertx vertx;
  private HttpServer authz;
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
  private final AtomicLong delayMillis = new AtomicLong();
  private final AtomicLong ttlSeconds = new AtomicLong(-1);
  private final Map<String, String> denied = new ConcurrentHashMap<>();
  private final Map<String, String> parental = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger totalCalls = new AtomicInteger();
  private final Map<String, String> lastSubject = new ConcurrentHashMap<>();
  private final Map<String, String> lastClientIp = new ConcurrentHashMap<>();
  private final Map<String, String> lastTraceparent = new ConcurrentHashMap<>();

  private TestMvpd(Vertx vertx) {
    this.vertx = vertx;
  }

  public static TestMvpd start(Vertx vertx) throws Exception {
    TestMvpd m = new TestMvpd(vertx);
    m.oidc.start(InetAddress.getByName("127.0.0.1"), 0);
    m.authz =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              JsonObject query = body.toJsonObject();
                              String resource = query.getString("resource");
                              m.totalCalls.incrementAndGet();
                              m.calls
                                  .computeIfAbsent(resource, r -> new AtomicInteger())
                                  .incrementAndGet();
                              m.lastSubject.put(
                                  resource, query.getJsonObject("subject").getString("userID"));
                              JsonObject environment = query.getJsonObject("environment");
                              String clientIp =
                                  environment == null ? null : environment.getString("clientIp");
                              if (clientIp != null) m.lastClientIp.put(resource, clientIp);
                              String traceparent = req.getHeader("traceparent");
                              if (traceparent != null) m.lastTraceparent.put(resource, traceparent);
                              if (!("Basic "
                                      + java.util.Base64.getEncoder()
                                          .encodeToString(
                                              (CLIENT_ID + ":" + CLIENT_SECRET).getBytes()))
                                  .equals(req.getHeader("Authorization"))) {
                                req.response().setStatusCode(401).end();
                                return;
                              }
                              Runnable answer =
                                  () -> {
                                    switch (m.fault.get()) {
                                      case ERROR_500 ->
                                          req.response()
                                              .setStatusCode(500)
                                              .end("upstream exploded");
                                      case MALFORMED ->
                                          req.response()
                                              .putHeader("Content-Type", "application/json")
                                              .end("{\"decision\": Perm");
                                      default -> {
                                        JsonObject out;
                                        if (m.parental.containsKey(resource)) {
                                          out =
                                              new JsonObject()
                                                  .put("decision", "Deny")
                                                  .put("message", m.parental.get(resource))
                                                  .put(
                                                      "obligations",
                                                      new JsonArray()
                                                          .add(
                                                              new JsonObject()
                                                                  .put("id", "restrict-pc")));
                                        } else if (m.denied.containsKey(resource)) {
                                          out =
                                              new JsonObject()
                                                  .put("decision", "Deny")
                                                  .put("message", m.denied.get(resource));
                                        } else {
                                          out = new JsonObject().put("decision", "Permit");
                                        }
                                        if (m.ttlSeconds.get() >= 0)
                                          out.put("ttl", m.ttlSeconds.get());
                                        req.response()
                                            .putHeader("Content-Type", "application/json")
                                            .end(out.encode());
                                      }
                                    }
                                  };
                              if (m.fault.get() == Fault.SLOW) {
                                vertx.setTimer(m.delayMillis.get(), t -> answer.run());
                              } else {
                                answer.run();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return m;
  }

  /** The issuer URL, as the provider names itself (its host name is used everywhere). */
  public String issuer() {
    String url = oidc.issuerUrl(ISSUER_ID).toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public String authorizationUrl() {
    return "http://127.0.0.1:" + authz.actualPort() + "/authorize-resource";
  }

  /** The next sign-in: who signs in and with which claims (one callback per token request). */
  public void nextLogin(String subject, Map<String, Object> claims) {
    nextLogin(subject, claims, CLIENT_ID);
  }

  /**
   * The next sign-in with tokens issued for {@code audience} (another client's, to test ID-token
   * checks).
   */
  public void nextLogin(String subject, Map<String, Object> claims, String audience) {
    oidc.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            ISSUER_ID, subject, "JWT", java.util.List.of(audience), claims, 3600L));
  }

  /**
   * The integration entry of a regular mvpd signing in with plain OAuth 2.0: explicit endpoints,
   * the user from user-info.
   */
  public JsonObject plainOAuthIntegration(String sp, String mvpd) {
    return new JsonObject()
        .put("serviceProvider", sp)
        .put("mvpd", mvpd)
        .put("type", "regular")
        .put(
            "login",
            new JsonObject()
                .put("authorizationEndpoint", oidc.authorizationEndpointUrl(ISSUER_ID).toString())
                .put("tokenEndpoint", oidc.tokenEndpointUrl(ISSUER_ID).toString())
                .put("userInfoEndpoint", oidc.userInfoUrl(ISSUER_ID).toString())
                .put("clientId", CLIENT_ID)
                .put("clientSecret", CLIENT_SECRET)
                // this provider insists on openid even where the gateway reads the user from
                // user-info
                .put("scopes", new io.vertx.core.json.JsonArray().add("openid").add("profile"))
                .put("attributeClaims", new JsonObject().put("householdID", "householdID")))
        .put("authorization", new JsonObject().put("url", authorizationUrl()));
  }

  public void fault(Fault f, long delay) {
    delayMillis.set(delay);
    fault.set(f);
  }

  public void ttlSeconds(long ttl) {
    ttlSeconds.set(ttl);
  }

  public void deny(String resource, String message) {
    denied.put(resource, message);
  }

  public void parentalControls(String resource, String message) {
    parental.put(resource, message);
  }

  public int calls(String resource) {
    AtomicInteger n = calls.get(resource);
    return n == null ? 0 : n.get();
  }

  public int totalCalls() {
    return totalCalls.get();
  }

  public String subjectOf(String resource) {
    return lastSubject.get(resource);
  }

  /** The {@code environment.clientIp} of the last authorization query for {@code resource}. */
  public String clientIpOf(String resource) {
    return lastClientIp.get(resource);
  }

  /** The W3C {@code traceparent} of the last authorization call for {@code resource}, or null. */
  public String traceparentOf(String resource) {
    return lastTraceparent.get(resource);
  }

  /**
   * The next request the OpenID Connect provider received (discovery, authorize, token, user-info,
   * in order), or null when none came within {@code millis}.
   */
  public okhttp3.mockwebserver.RecordedRequest takeOidcRequest(long millis) {
    return oidc.takeRequest(millis, TimeUnit.MILLISECONDS);
  }

  /** The integration entry of a regular mvpd signing in here. */
  public JsonObject integration(String sp, String mvpd) {
    return new JsonObject()
        .put("serviceProvider", sp)
        .put("mvpd", mvpd)
        .put("type", "regular")
        .put(
            "login",
            new JsonObject()
                .put("issuer", issuer())
                .put("clientId", CLIENT_ID)
                .put("clientSecret", CLIENT_SECRET)
                .put(
                    "attributeClaims",
                    new JsonObject().put("householdID", "householdID").put("zip", "zip")))
        .put("authorization", new JsonObject().put("url", authorizationUrl()));
  }

  @Override
  public void close() {
    oidc.shutdown();
    if (authz != null) authz.close();
  }
}
