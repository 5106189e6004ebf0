package io.temppass.gateway.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reference MVPD of development mode, driven the way the gateway drives it: Vert.x's own OpenID
 * Connect client for the login, and plain HTTP for the token endpoint's refusals and the JSON
 * resource authorization endpoint.
 */
@ExtendWith(VertxExtension.class)
class ReferenceMvpdTest {
  private static final String REDIRECT = "http://127.0.0.1:8080/api/v2/authenticate/callback";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ReferenceMvpd mvpd;
  private ReferenceMvpd.Options options;
  private WebClient web;
  private Vertx vertx;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    options = ReferenceMvpd.Options.defaults();
    mvpd = await(ReferenceMvpd.start(vertx, options));
    web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterEach
  void stop() {
    await(mvpd.close());
  }

  // ------------------------------------------------------------ OpenID Connect

  /**
   * The whole login as the gateway does it. Catches: a missing or wrong {@code nonce} in the ID
   * token (dropping it from the claims turns this red), an ID token Vert.x cannot validate (it then
   * silently leaves {@code idToken} out: a wrong issuer or kid turns this red), and a refresh that
   * does not answer.
   */
  @Test
  void vertx_oidc_client_signs_in_with_pkce_gets_the_nonce_and_claims_and_refreshes() {
    OAuth2Auth oidc = discover();
    String nonce = random();
    Login login = login(oidc, nonce);

    User user =
        await(
            oidc.authenticate(
                new Oauth2Credentials()
                    .setFlow(OAuth2FlowType.AUTH_CODE)
                    .setCode(login.code())
                    .setRedirectUri(REDIRECT)
                    .setCodeVerifier(login.verifier())));

    JsonObject idToken = user.attributes().getJsonObject("idToken");
    assertNotNull(idToken, "Vert.x validated no ID token: " + user.attributes());
    assertEquals(nonce, idToken.getString("nonce"));
    assertEquals(mvpd.issuer(), idToken.getString("iss"));
    assertEquals("dev-subscriber", idToken.getString("sub"));
    assertEquals("dev-household", idToken.getString("householdID"));
    assertEquals("10001", idToken.getString("zip"));
    assertEquals("TV-MA", idToken.getString("maxRating"));
    assertTrue(audience(idToken).contains(options.clientId()));
    assertTrue(idToken.getLong("exp") > System.currentTimeMillis() / 1000);
    assertNotNull(
        user.attributes().getJsonObject("accessToken"),
        "the access token should decode as a JWT for this client");
    assertNotNull(user.principal().getString("refresh_token"));

    JsonObject userInfo = await(oidc.userInfo(user));
    assertEquals("dev-subscriber", userInfo.getString("sub"));
    assertEquals("dev-household", userInfo.getString("householdID"));

    User refreshed = await(oidc.refresh(user));
    assertNotEquals(
        user.principal().getString("access_token"),
        refreshed.principal().getString("access_token"));
    JsonObject refreshedIdToken = refreshed.attributes().getJsonObject("idToken");
    assertNotNull(
        refreshedIdToken, "the refreshed ID token should validate: " + refreshed.attributes());
    assertEquals("dev-household", refreshedIdToken.getString("householdID"));
  }

  /**
   * RFC 6749 §3.1: a parameter sent more than once makes the request invalid, at each endpoint and
   * in the form each answers errors: a repeated client or redirect is a 400 page (nothing to
   * redirect to yet), any other repeated authorization parameter goes back on the redirect with the
   * state, a repeated token parameter is {@code invalid_request} JSON, and no code is issued or
   * redeemed. Catches: a check that reads the first value and ignores the rest.
   */
  @Test
  void a_repeated_parameter_is_an_invalid_request_at_every_endpoint() {
    String base =
        mvpd.issuer()
            + "/authorize?response_type=code&state=st-1&code_challenge="
            + s256(verifier())
            + "&code_challenge_method=S256&redirect_uri="
            + encode(REDIRECT);
    HttpResponse<Buffer> twoClients =
        await(web.getAbs(base + "&client_id=" + options.clientId() + "&client_id=other").send());
    assertEquals(400, twoClients.statusCode());
    assertEquals("client_id is repeated.", twoClients.bodyAsString().trim());

    HttpResponse<Buffer> twoNonces =
        await(web.getAbs(base + "&client_id=" + options.clientId() + "&nonce=a&nonce=b").send());
    assertEquals(302, twoNonces.statusCode());
    Map<String, String> back = query(twoNonces.getHeader("Location"));
    assertEquals("invalid_request", back.get("error"));
    assertEquals("st-1", back.get("state"));
    assertNull(back.get("code"));

    Login login = login(discover(), random());
    MultiMap redeem = redeemForm(login.code(), REDIRECT, login.verifier());
    HttpResponse<Buffer> twoVerifiers =
        token(MultiMap.caseInsensitiveMultiMap().addAll(redeem).add("code_verifier", verifier()));
    assertEquals(400, twoVerifiers.statusCode());
    assertEquals("invalid_request", twoVerifiers.bodyAsJsonObject().getString("error"));
    assertEquals(
        "code_verifier is repeated.",
        twoVerifiers.bodyAsJsonObject().getString("error_description"));
    // A parameter of the other grant counts too (RFC 6749 §3.2: any repeated parameter).
    HttpResponse<Buffer> twoRefreshTokens =
        token(
            MultiMap.caseInsensitiveMultiMap()
                .addAll(redeem)
                .add("refresh_token", "a")
                .add("refresh_token", "b"));
    assertEquals(400, twoRefreshTokens.statusCode());
    assertEquals(
        "refresh_token is repeated.",
        twoRefreshTokens.bodyAsJsonObject().getString("error_description"));
    assertEquals(
        200,
        redeem(login.code(), REDIRECT, login.verifier()).statusCode(),
        "the refused requests did not spend the code");

    HttpResponse<Buffer> twoStates =
        await(web.getAbs(mvpd.issuer() + "/logout?state=a&state=b").send());
    assertEquals(400, twoStates.statusCode());
    assertEquals("state is repeated.", twoStates.bodyAsString().trim());
  }

  /**
   * Catches: skipping the PKCE comparison at the token endpoint (the code would then be redeemed).
   */
  @Test
  void a_wrong_code_verifier_is_refused_with_invalid_grant() {
    Login login = login(discover(), random());
    HttpResponse<Buffer> answer = redeem(login.code(), REDIRECT, verifier());
    assertEquals(400, answer.statusCode());
    assertEquals("invalid_grant", answer.bodyAsJsonObject().getString("error"));
    // the code went with the failed attempt: the right verifier cannot be tried next
    assertEquals(
        "invalid_grant",
        redeem(login.code(), REDIRECT, login.verifier()).bodyAsJsonObject().getString("error"));
  }

  /**
   * Catches: a code left in the store after it is redeemed (reading it instead of removing it), and
   * a replayed code that leaves the refresh token it gave usable (RFC 6749 §4.1.2).
   */
  @Test
  void a_code_is_single_use_and_its_replay_revokes_the_refresh_token() {
    Login login = login(discover(), random());
    HttpResponse<Buffer> first = redeem(login.code(), REDIRECT, login.verifier());
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String refreshToken = first.bodyAsJsonObject().getString("refresh_token");

    HttpResponse<Buffer> second = redeem(login.code(), REDIRECT, login.verifier());
    assertEquals(400, second.statusCode());
    assertEquals("invalid_grant", second.bodyAsJsonObject().getString("error"));

    HttpResponse<Buffer> refresh =
        token(
            MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "refresh_token")
                .add("refresh_token", refreshToken));
    assertEquals(400, refresh.statusCode());
    assertEquals("invalid_grant", refresh.bodyAsJsonObject().getString("error"));
  }

  /**
   * Catches: the code's lifetime not checked (a code issued with a zero lifetime would be
   * redeemed).
   */
  @Test
  void an_expired_code_is_refused_with_invalid_grant() {
    ReferenceMvpd usual = mvpd;
    mvpd = await(ReferenceMvpd.start(vertx, options, 0));
    try {
      Login login = login(discover(), random());
      HttpResponse<Buffer> answer = redeem(login.code(), REDIRECT, login.verifier());
      assertEquals(400, answer.statusCode(), answer.bodyAsString());
      assertEquals("invalid_grant", answer.bodyAsJsonObject().getString("error"));
    } finally {
      await(mvpd.close());
      mvpd = usual;
    }
  }

  /**
   * Catches: PKCE made optional (no code_challenge check: the request naming only the method then
   * gets a code), or the plain method accepted.
   */
  @Test
  void an_authorization_request_without_an_s256_code_challenge_is_refused() {
    String state = random();
    // the method named but no challenge, then neither: both refused
    for (Map<String, String> request :
        List.of(
            authorization(options.clientId(), REDIRECT, state, "code_challenge_method", "S256"),
            authorization(options.clientId(), REDIRECT, state, "scope", "openid"))) {
      HttpResponse<Buffer> missing = authorizeRequest(request);
      assertEquals(302, missing.statusCode());
      Map<String, String> back = query(missing.getHeader("Location"));
      assertEquals("invalid_request", back.get("error"), request.toString());
      assertEquals(state, back.get("state"));
      assertNull(back.get("code"));
    }

    String challenge = s256(verifier());
    HttpResponse<Buffer> plain =
        authorizeRequest(
            authorization(
                options.clientId(),
                REDIRECT,
                state,
                "code_challenge",
                challenge,
                "code_challenge_method",
                "plain"));
    assertEquals("invalid_request", query(plain.getHeader("Location")).get("error"));
    assertNull(query(plain.getHeader("Location")).get("code"));
  }

  /**
   * RFC 6749 §4.1.2.1: an unchecked redirect is never followed. Catches: the prefix check dropped,
   * or a prefix match fooled by user info ({@code http://127.0.0.1:80@evil.example/} starts with
   * {@code http://127.0.0.1:} but goes to evil.example).
   */
  @Test
  void a_redirect_outside_the_allowed_prefixes_gets_a_page_not_a_redirect() {
    for (String redirect :
        List.of(
            "https://evil.example/callback",
            "http://127.0.0.1:80@evil.example/callback",
            "http://127.0.0.1:8080/cb#fragment")) {
      HttpResponse<Buffer> answer =
          authorizeRequest(
              authorization(
                  options.clientId(),
                  redirect,
                  random(),
                  "code_challenge",
                  s256(verifier()),
                  "code_challenge_method",
                  "S256"));
      assertEquals(400, answer.statusCode(), redirect);
      assertNull(answer.getHeader("Location"), redirect);
    }
    HttpResponse<Buffer> unknownClient =
        authorizeRequest(
            authorization(
                "someone-else",
                REDIRECT,
                random(),
                "code_challenge",
                s256(verifier()),
                "code_challenge_method",
                "S256"));
    assertEquals(400, unknownClient.statusCode());
    assertNull(unknownClient.getHeader("Location"));
  }

  /**
   * Both documented client authentication methods work (client_secret_basic is what the other tests
   * use); a wrong secret is invalid_client. Catches: client_secret_post not accepted.
   */
  @Test
  void client_secret_post_authenticates_and_a_wrong_secret_is_invalid_client() {
    Login login = login(discover(), random());
    MultiMap form = redeemForm(login.code(), REDIRECT, login.verifier());
    HttpResponse<Buffer> wrong =
        await(
            web.postAbs(mvpd.issuer() + "/token")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap()
                        .addAll(form)
                        .add("client_id", options.clientId())
                        .add("client_secret", "not-the-secret")));
    assertEquals(401, wrong.statusCode());
    assertEquals("invalid_client", wrong.bodyAsJsonObject().getString("error"));

    HttpResponse<Buffer> right =
        await(
            web.postAbs(mvpd.issuer() + "/token")
                .sendForm(
                    MultiMap.caseInsensitiveMultiMap()
                        .addAll(form)
                        .add("client_id", options.clientId())
                        .add("client_secret", options.clientSecret())));
    assertEquals(200, right.statusCode(), right.bodyAsString());
    JsonObject tokens = right.bodyAsJsonObject();
    assertEquals("Bearer", tokens.getString("token_type"));
    assertNotNull(tokens.getString("id_token"));
    assertEquals(ReferenceMvpd.ACCESS_TOKEN_LIFETIME_SECONDS, tokens.getInteger("expires_in"));
  }

  /**
   * Catches: the user-info endpoint taking any token signed by the key, an ID token included (no
   * client_id check).
   */
  @Test
  void userinfo_takes_the_access_token_but_not_the_id_token() {
    Login login = login(discover(), random());
    JsonObject tokens = redeem(login.code(), REDIRECT, login.verifier()).bodyAsJsonObject();
    HttpResponse<Buffer> withAccess =
        await(
            web.getAbs(mvpd.issuer() + "/userinfo")
                .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                .send());
    assertEquals(200, withAccess.statusCode());
    assertEquals("dev-subscriber", withAccess.bodyAsJsonObject().getString("sub"));
    HttpResponse<Buffer> withId =
        await(
            web.getAbs(mvpd.issuer() + "/userinfo")
                .putHeader("Authorization", "Bearer " + tokens.getString("id_token"))
                .send());
    assertEquals(401, withId.statusCode());
  }

  @Test
  void discovery_names_every_endpoint_under_the_issuer() {
    JsonObject document =
        await(web.getAbs(mvpd.issuer() + "/.well-known/openid-configuration").send())
            .bodyAsJsonObject();
    assertEquals("http://127.0.0.1:" + mvpd.port() + "/mvpd", document.getString("issuer"));
    for (String endpoint :
        List.of(
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint")) {
      assertTrue(document.getString(endpoint).startsWith(mvpd.issuer() + "/"), endpoint);
    }
    assertEquals(
        new JsonArray().add("S256"), document.getJsonArray("code_challenge_methods_supported"));
    assertEquals(
        new JsonArray().add("client_secret_basic").add("client_secret_post"),
        document.getJsonArray("token_endpoint_auth_methods_supported"));
    JsonObject jwk =
        await(web.getAbs(document.getString("jwks_uri")).send())
            .bodyAsJsonObject()
            .getJsonArray("keys")
            .getJsonObject(0);
    assertEquals("RSA", jwk.getString("kty"));
    assertNotNull(jwk.getString("kid"));
    assertNull(jwk.getValue("d"), "the private exponent must never be published");
  }

  @Test
  void logout_redirects_back_with_the_state_or_answers_a_page() {
    HttpResponse<Buffer> back =
        await(
            web.getAbs(
                    mvpd.issuer()
                        + "/logout?post_logout_redirect_uri="
                        + encode(REDIRECT)
                        + "&state=s-1")
                .send());
    assertEquals(302, back.statusCode());
    assertEquals(REDIRECT + "?state=s-1", back.getHeader("Location"));
    assertEquals(200, await(web.getAbs(mvpd.issuer() + "/logout").send()).statusCode());
    assertEquals(
        400,
        await(
                web.getAbs(
                        mvpd.issuer()
                            + "/logout?post_logout_redirect_uri="
                            + encode("https://evil.example/"))
                    .send())
            .statusCode());
  }

  // ------------------------------------------------------------ resource authorization

  /** Catches: a Permit without the configured TTL. */
  @Test
  void the_authorization_endpoint_permits_a_resource_in_the_package() {
    HttpResponse<Buffer> answer =
        authorizeResource(options.clientSecret(), query("dev-subscriber", "REF30-movie"));
    assertEquals(200, answer.statusCode());
    assertEquals(
        new JsonObject().put("decision", "Permit").put("ttl", 600), answer.bodyAsJsonObject());
  }

  /** Catches: the deny list ignored (the resource would be permitted). */
  @Test
  void the_authorization_endpoint_denies_a_resource_outside_the_package_with_text() {
    JsonObject decision =
        authorizeResource(options.clientSecret(), query("dev-subscriber", "REF30-premium"))
            .bodyAsJsonObject();
    assertEquals("Deny", decision.getString("decision"));
    assertEquals("This title is not in the subscriber's package.", decision.getString("message"));
    assertNull(decision.getValue("obligations"));
  }

  /** Catches: the parental-controls list answered as a plain deny (no restrict-pc obligation). */
  @Test
  void the_authorization_endpoint_denies_a_restricted_resource_with_restrict_pc() {
    JsonObject decision =
        authorizeResource(options.clientSecret(), query("dev-subscriber", "REF30-mature"))
            .bodyAsJsonObject();
    assertEquals("Deny", decision.getString("decision"));
    assertNotNull(decision.getString("message"));
    assertEquals(
        new JsonArray().add(new JsonObject().put("id", "restrict-pc")),
        decision.getJsonArray("obligations"));
  }

  /** Catches: the client credentials not checked, or an unknown subject permitted. */
  @Test
  void the_authorization_endpoint_refuses_wrong_credentials_and_unknown_subjects() {
    HttpResponse<Buffer> wrong =
        authorizeResource("not-the-secret", query("dev-subscriber", "REF30-movie"));
    assertEquals(401, wrong.statusCode());
    HttpResponse<Buffer> none =
        await(
            web.postAbs(mvpd.authorizationEndpoint())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(query("dev-subscriber", "REF30-movie").encode())));
    assertEquals(401, none.statusCode());

    JsonObject stranger =
        authorizeResource(options.clientSecret(), query("someone-else", "REF30-movie"))
            .bodyAsJsonObject();
    assertEquals("Deny", stranger.getString("decision"));
  }

  @Test
  void the_authorization_endpoint_answers_400_to_a_malformed_query() {
    for (String body :
        List.of(
            "{",
            "[]",
            "{}",
            "{\"subject\":\"dev-subscriber\",\"resource\":\"R\",\"action\":\"VIEW\",\"requestor\":\"REF30\"}",
            query("dev-subscriber", "REF30-movie").put("action", "DELETE").encode(),
            query("dev-subscriber", "REF30-movie").put("resource", 7).encode())) {
      HttpResponse<Buffer> answer =
          await(
              web.postAbs(mvpd.authorizationEndpoint())
                  .putHeader("Authorization", basic(options.clientSecret()))
                  .putHeader("Content-Type", "application/json")
                  .sendBuffer(Buffer.buffer(body)));
      assertEquals(400, answer.statusCode(), body);
      assertEquals("invalid_request", answer.bodyAsJsonObject().getString("error"), body);
    }
  }

  @Test
  void the_options_never_print_the_client_secret() {
    assertFalse(options.toString().contains(options.clientSecret()));
  }

  /** Settings that would make a silently broken provider are refused when the options are built. */
  @Test
  void the_options_refuse_a_claim_the_provider_sets_and_a_prefix_that_is_not_http() {
    assertThrows(
        IllegalArgumentException.class,
        () -> options.withSubscriber("dev-subscriber", Map.of("sub", "someone-else")));
    assertThrows(
        IllegalArgumentException.class,
        () -> options.withAllowedRedirectPrefixes(List.of("javascript:")));
    assertThrows(
        IllegalArgumentException.class, () -> options.withAllowedRedirectPrefixes(List.of()));
    assertThrows(IllegalArgumentException.class, () -> options.withAuthorizationTtlSeconds(0));
    assertThrows(
        IllegalArgumentException.class, () -> options.withClient("temppass-gateway-dev", " "));
  }

  // ------------------------------------------------------------ helpers

  private record Login(String code, String verifier) {}

  private OAuth2Auth discover() {
    return await(
        OpenIDConnectAuth.discover(
            vertx,
            new OAuth2Options()
                .setSite(mvpd.issuer())
                .setClientId(options.clientId())
                .setClientSecret(options.clientSecret())));
  }

  /** The browser step: the authorization URL answered at once with a 302 carrying the code. */
  private Login login(OAuth2Auth oidc, String nonce) {
    String verifier = verifier();
    String state = random();
    String url =
        oidc.authorizeURL(
            new OAuth2AuthorizationURL()
                .setRedirectUri(REDIRECT)
                .setScopes(List.of("openid", "profile"))
                .setState(state)
                .setCodeChallenge(s256(verifier))
                .setCodeChallengeMethod("S256")
                .putAdditionalParameter("nonce", nonce));
    HttpResponse<Buffer> answer = await(web.getAbs(url).send());
    assertEquals(302, answer.statusCode(), answer.bodyAsString());
    String location = answer.getHeader("Location");
    assertTrue(location.startsWith(REDIRECT + "?"), location);
    Map<String, String> back = query(location);
    assertEquals(state, back.get("state"));
    assertNotNull(back.get("code"));
    return new Login(back.get("code"), verifier);
  }

  /**
   * An authorization request's parameters: the code flow for {@code client}, {@code redirect} and
   * {@code state}, then {@code more} as name, value, ….
   */
  private static Map<String, String> authorization(
      String client, String redirect, String state, String... more) {
    Map<String, String> parameters = new java.util.LinkedHashMap<>();
    parameters.put("response_type", "code");
    parameters.put("client_id", client);
    parameters.put("redirect_uri", redirect);
    parameters.put("state", state);
    for (int i = 0; i < more.length; i += 2) parameters.put(more[i], more[i + 1]);
    return parameters;
  }

  private HttpResponse<Buffer> authorizeRequest(Map<String, String> parameters) {
    StringBuilder url = new StringBuilder(mvpd.issuer()).append("/authorize");
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      url.append(separator)
          .append(parameter.getKey())
          .append('=')
          .append(encode(parameter.getValue()));
      separator = '&';
    }
    return await(web.getAbs(url.toString()).send());
  }

  private HttpResponse<Buffer> redeem(String code, String redirectUri, String verifier) {
    return token(redeemForm(code, redirectUri, verifier));
  }

  /** The authorization_code grant's form. */
  private static MultiMap redeemForm(String code, String redirectUri, String verifier) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "authorization_code")
        .add("code", code)
        .add("redirect_uri", redirectUri)
        .add("code_verifier", verifier);
  }

  private HttpResponse<Buffer> token(MultiMap form) {
    return await(
        web.postAbs(mvpd.issuer() + "/token")
            .putHeader("Authorization", basic(options.clientSecret()))
            .sendForm(form));
  }

  private HttpResponse<Buffer> authorizeResource(String secret, JsonObject body) {
    return await(
        web.postAbs(mvpd.authorizationEndpoint())
            .putHeader("Authorization", basic(secret))
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body.encode())));
  }

  /** The wire contract's query, as the gateway's MVPD connector sends it. */
  private static JsonObject query(String userId, String resource) {
    return new JsonObject()
        .put("subject", new JsonObject().put("userID", userId))
        .put("resource", resource)
        .put("action", "VIEW")
        .put("environment", new JsonObject().put("clientIp", "203.0.113.7"))
        .put("requestor", "REF30");
  }

  private String basic(String secret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((options.clientId() + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, String> query(String location) {
    Map<String, String> parameters = new HashMap<>();
    String raw = URI.create(location).getRawQuery();
    for (String pair : raw == null ? new String[0] : raw.split("&")) {
      int equals = pair.indexOf('=');
      parameters.put(
          URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static List<String> audience(JsonObject claims) {
    Object aud = claims.getValue("aud");
    return aud instanceof JsonArray array
        ? array.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(aud));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String verifier() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String random() {
    return verifier().substring(0, 16);
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Blocks the test thread (never an event loop) with a generous bound, so a lost answer fails
   * instead of hanging.
   */
  private static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 20 s", e);
    }
  }
}
