package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 authorization-code grant Adobe documents for OAuth MVPDs, with PKCE and {@code
 * state} always, and OpenID Connect (discovery, ID-token validation, nonce) when an issuer is
 * configured. Every call to the MVPD (discovery, key set, token exchange, user-info) goes through
 * the gateway's own web client, so each answer is capped at {@link CappedBody#MAX_BYTES} and
 * bounded by the login's {@code timeout}; an MVPD sending megabytes costs the gateway no more than
 * the cap. The ID token is verified with the provider's published keys ({@link OidcProvider}), and
 * its issuer, audience, nonce and expiry are checked here.
 */
public final class OAuthLogin implements MvpdLogin {
  private final MvpdSettings.Login settings;
  private final WebClient web;
  private final long timeoutMillis;
  private final OidcProvider provider;

  public OAuthLogin(MvpdSettings.Login settings, WebClient web) {
    this.settings = settings;
    this.web = web;
    this.timeoutMillis = settings.timeout().toMillis();
    this.provider =
        settings.openIdConnect() ? new OidcProvider(settings.issuer(), web, timeoutMillis) : null;
  }

  private Future<String> authorizationEndpoint() {
    return provider == null
        ? Future.succeededFuture(settings.authorizationEndpoint())
        : provider.metadata().map(OidcProvider.Metadata::authorizationEndpoint);
  }

  private Future<String> tokenEndpoint() {
    return provider == null
        ? Future.succeededFuture(settings.tokenEndpoint())
        : provider.metadata().map(OidcProvider.Metadata::tokenEndpoint);
  }

  @Override
  public Future<String> authorizationUrl(
      String state, String codeChallenge, String nonce, String redirectUri) {
    return authorizationEndpoint()
        .map(
            endpoint -> {
              StringBuilder url =
                  new StringBuilder(endpoint)
                      .append(endpoint.contains("?") ? '&' : '?')
                      .append("response_type=code&client_id=")
                      .append(encode(settings.clientId()))
                      .append("&redirect_uri=")
                      .append(encode(redirectUri))
                      .append("&scope=")
                      .append(encode(String.join(" ", settings.scopes())))
                      .append("&state=")
                      .append(encode(state))
                      .append("&code_challenge=")
                      .append(encode(codeChallenge))
                      .append("&code_challenge_method=S256");
              if (provider != null) url.append("&nonce=").append(encode(nonce));
              return url.toString();
            });
  }

  /**
   * The redirect back carries {@code code}, or {@code error} when there is no login; the MVPD's
   * error code is its text, made fit for a log line.
   */
  @Override
  public String refusal(Map<String, String> answer) {
    if (answer.get("code") != null && answer.get("error") == null) return null;
    return SessionService.safe(answer.get("error"));
  }

  @Override
  public Future<Identity> complete(
      Map<String, String> answer, String codeVerifier, String nonce, String redirectUri) {
    String code = answer.get("code");
    return tokenEndpoint()
        .compose(
            endpoint ->
                Spans.around(
                    "mvpd token", () -> exchange(endpoint, code, codeVerifier, redirectUri)))
        .compose(tokens -> claims(tokens, nonce).map(claims -> identity(tokens, claims)));
  }

  /**
   * RFC 6749 4.1.3 with PKCE (RFC 7636 4.5): the code and its verifier for tokens, the client
   * authenticated with HTTP Basic when it has a secret (RFC 6749 2.3.1), else named by {@code
   * client_id}.
   */
  private Future<JsonObject> exchange(
      String endpoint, String code, String codeVerifier, String redirectUri) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "authorization_code")
            .add("code", code)
            .add("redirect_uri", redirectUri)
            .add("code_verifier", codeVerifier);
    HttpRequest<Buffer> request =
        web.postAbs(endpoint)
            .as(CappedBody.MVPD_ANSWER)
            .timeout(timeoutMillis)
            .putHeader("Accept", "application/json");
    if (settings.clientSecret() != null) {
      request.basicAuthentication(settings.clientId(), settings.clientSecret());
    } else {
      form.add("client_id", settings.clientId());
    }
    return request
        .sendForm(form)
        .map(
            r -> {
              if (r.statusCode() != 200) {
                String error = null;
                try {
                  JsonObject body = r.bodyAsJsonObject();
                  error = body == null ? null : body.getString("error");
                } catch (RuntimeException notJson) {
                  // the status alone says it
                }
                throw new LoginFailedException(
                    "the token endpoint answered HTTP "
                        + r.statusCode()
                        + (error == null ? "" : " (" + OidcProvider.printable(error) + ")"));
              }
              JsonObject tokens = OidcProvider.jsonObject(r, "token endpoint");
              if (!(tokens.getValue("access_token") instanceof String))
                throw new LoginFailedException("the token endpoint returned no access token");
              return tokens;
            });
  }

  private Future<JsonObject> claims(JsonObject tokens, String nonce) {
    if (provider == null)
      return Spans.around("mvpd userinfo", () -> userInfo(tokens.getString("access_token")));
    if (!(tokens.getValue("id_token") instanceof String idToken))
      return Future.failedFuture(
          new LoginFailedException("the token endpoint returned no ID token"));
    return provider.verify(idToken).compose(idClaims -> checked(idClaims, nonce));
  }

  /**
   * The relying party's checks of OpenID Connect Core 3.1.3.7 on a verified ID token: issued by the
   * configured issuer, for this client, for this sign-in (nonce), and not expired.
   */
  private Future<JsonObject> checked(JsonObject idToken, String nonce) {
    if (!audienceIsUs(idToken.getValue("aud"), idToken.getValue("azp"))) {
      return Future.failedFuture(
          new LoginFailedException("ID token was not issued for this client"));
    }
    if (!settings.issuer().equals(idToken.getValue("iss")))
      return Future.failedFuture(new LoginFailedException("ID token issuer does not match"));
    if (!nonce.equals(idToken.getValue("nonce")))
      return Future.failedFuture(new LoginFailedException("ID token nonce does not match"));
    Object exp = idToken.getValue("exp");
    if (!(exp instanceof Number n) || n.longValue() * 1000 <= System.currentTimeMillis()) {
      return Future.failedFuture(new LoginFailedException("ID token expired or without exp"));
    }
    return Future.succeededFuture(idToken);
  }

  /** The user-info endpoint, called with the access token just issued. */
  private Future<JsonObject> userInfo(String accessToken) {
    return web.getAbs(settings.userInfoEndpoint())
        .as(CappedBody.MVPD_ANSWER)
        .timeout(timeoutMillis)
        .bearerTokenAuthentication(accessToken)
        .putHeader("Accept", "application/json")
        .send()
        .map(r -> OidcProvider.jsonObject(r, "user-info endpoint"));
  }

  /** {@code aud} names this client; with several audiences, {@code azp} must be this client too. */
  private boolean audienceIsUs(Object aud, Object azp) {
    String clientId = settings.clientId();
    if (aud instanceof String single)
      return single.equals(clientId) && (azp == null || clientId.equals(azp));
    if (aud instanceof io.vertx.core.json.JsonArray many && many.contains(clientId)) {
      return many.size() == 1 ? azp == null || clientId.equals(azp) : clientId.equals(azp);
    }
    return false;
  }

  private Identity identity(JsonObject tokens, JsonObject claims) {
    Object userId = claims.getValue(settings.userIdClaim());
    if (!(userId instanceof String id) || id.isBlank()) {
      throw new LoginFailedException(
          "the MVPD named no user (claim " + settings.userIdClaim() + ")");
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : settings.attributeClaims().entrySet()) {
      Object value = claims.getValue(e.getValue());
      if (value != null)
        attributes.put(
            e.getKey(),
            value instanceof JsonObject || value instanceof io.vertx.core.json.JsonArray
                ? value.toString()
                : value);
    }
    return new Identity(
        id,
        attributes,
        tokens.getValue("refresh_token") instanceof String refresh ? refresh : null);
  }

  /** The configured end-session endpoint, else the one the MVPD's discovery document names. */
  @Override
  public Future<String> logoutUrl(Identity identity, String postLogoutRedirectUri) {
    Future<String> endpoint =
        settings.endSessionEndpoint() != null || provider == null
            ? Future.succeededFuture(settings.endSessionEndpoint())
            : provider.metadata().map(OidcProvider.Metadata::endSessionEndpoint);
    return endpoint.map(
        found -> {
          if (found == null) return null;
          StringBuilder url =
              new StringBuilder(found)
                  .append(found.contains("?") ? '&' : '?')
                  .append("client_id=")
                  .append(encode(settings.clientId()));
          if (postLogoutRedirectUri != null)
            url.append("&post_logout_redirect_uri=").append(encode(postLogoutRedirectUri));
          return url.toString();
        });
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
