package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.MvpdSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 authorization-code grant Adobe documents for OAuth MVPDs, with PKCE and {@code
 * state} always, and OpenID Connect (discovery, ID-token validation, nonce) when an issuer is
 * configured. vertx-auth-oauth2 does the protocol; two checks it leaves to the caller are done
 * here: an ID token that failed validation is silently left out of the user (so a missing one fails
 * the login), and neither the nonce nor the ID token's {@code exp} is compared.
 *
 * <p>Discovery runs on first use and again after a failure, so an MVPD that is down while the
 * gateway starts delays only its own logins.
 */
public final class OAuthLogin implements MvpdLogin {
  private static final System.Logger LOG = System.getLogger(OAuthLogin.class.getName());

  private final Vertx vertx;
  private final MvpdSettings.Login settings;
  private final WebClient web;
  private Future<OAuth2Auth> provider;
  private Future<String> endSessionEndpoint;

  public OAuthLogin(Vertx vertx, MvpdSettings.Login settings, WebClient web) {
    this.vertx = vertx;
    this.settings = settings;
    this.web = web;
  }

  private synchronized Future<OAuth2Auth> provider() {
    if (provider == null || provider.failed()) {
      OAuth2Options options =
          new OAuth2Options()
              .setClientId(settings.clientId())
              .setClientSecret(settings.clientSecret());
      if (settings.openIdConnect()) {
        provider = OpenIDConnectAuth.discover(vertx, options.setSite(settings.issuer()));
      } else {
        provider =
            Future.succeededFuture(
                OAuth2Auth.create(
                    vertx,
                    options
                        .setAuthorizationPath(settings.authorizationEndpoint())
                        .setTokenPath(settings.tokenEndpoint())
                        .setUserInfoPath(settings.userInfoEndpoint())));
      }
      provider.onFailure(
          err ->
              LOG.log(
                  System.Logger.Level.WARNING,
                  "MVPD discovery failed for " + settings.issuer() + ": " + err.getMessage()));
    }
    return provider;
  }

  @Override
  public Future<String> authorizationUrl(
      String state, String codeChallenge, String nonce, String redirectUri) {
    return provider()
        .map(
            oauth -> {
              OAuth2AuthorizationURL url =
                  new OAuth2AuthorizationURL()
                      .setRedirectUri(redirectUri)
                      .setScopes(settings.scopes())
                      .setState(state)
                      .setCodeChallenge(codeChallenge)
                      .setCodeChallengeMethod("S256");
              if (settings.openIdConnect()) url.putAdditionalParameter("nonce", nonce);
              return oauth.authorizeURL(url);
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
    return provider()
        .compose(
            oauth ->
                oauth
                    .authenticate(
                        new Oauth2Credentials()
                            .setFlow(OAuth2FlowType.AUTH_CODE)
                            .setCode(code)
                            .setRedirectUri(redirectUri)
                            .setCodeVerifier(codeVerifier))
                    .compose(
                        user -> claims(oauth, user, nonce).map(claims -> identity(user, claims))));
  }

  private Future<JsonObject> claims(OAuth2Auth oauth, User user, String nonce) {
    if (!settings.openIdConnect()) return userInfo(user);
    JsonObject idToken = user.attributes().getJsonObject("idToken");
    if (idToken == null)
      return Future.failedFuture(
          new LoginFailedException(
              "no valid ID token (signature, issuer or audience check failed)"));
    // vertx-auth-oauth2 verifies the signature but lets an ID token minted for another client
    // through: OpenID Connect Core 3.1.3.7 makes the audience and issuer the relying party's
    // checks.
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

  /**
   * The user-info endpoint, called with the access token just issued. Called directly rather than
   * through {@code OAuth2Auth.userInfo}, which judges the token's expiry itself and refuses tokens
   * it cannot read (an opaque token without a JWKS to verify it by) as expired.
   */
  private Future<JsonObject> userInfo(User user) {
    String accessToken = user.principal().getString("access_token");
    if (accessToken == null)
      return Future.failedFuture(
          new LoginFailedException("the token endpoint returned no access token"));
    return web.getAbs(settings.userInfoEndpoint())
        .as(CappedBody.MVPD_ANSWER)
        .bearerTokenAuthentication(accessToken)
        .putHeader("Accept", "application/json")
        .send()
        .compose(
            r -> {
              if (r.statusCode() != 200)
                return Future.failedFuture(
                    new LoginFailedException("user-info answered HTTP " + r.statusCode()));
              try {
                return Future.succeededFuture(r.bodyAsJsonObject());
              } catch (RuntimeException e) {
                return Future.failedFuture(
                    new LoginFailedException(
                        "user-info answered something other than a JSON object"));
              }
            });
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

  private Identity identity(User user, JsonObject claims) {
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
    return new Identity(id, attributes, user.principal().getString("refresh_token"));
  }

  /** The configured end-session endpoint, else the one the MVPD's discovery document names. */
  @Override
  public synchronized Future<String> logoutUrl(Identity identity, String postLogoutRedirectUri) {
    if (endSessionEndpoint == null || endSessionEndpoint.failed()) {
      if (settings.endSessionEndpoint() != null || !settings.openIdConnect()) {
        endSessionEndpoint = Future.succeededFuture(settings.endSessionEndpoint());
      } else {
        endSessionEndpoint =
            web.getAbs(settings.issuer() + "/.well-known/openid-configuration")
                .as(CappedBody.MVPD_ANSWER)
                .send()
                .map(
                    r ->
                        r.statusCode() == 200
                            ? r.bodyAsJsonObject().getString("end_session_endpoint")
                            : null);
      }
    }
    return endSessionEndpoint.map(
        endpoint -> {
          if (endpoint == null) return null;
          StringBuilder url =
              new StringBuilder(endpoint)
                  .append(endpoint.contains("?") ? '&' : '?')
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
