package io.temppass.gateway.mvpd;

import io.vertx.core.Future;
import java.util.Map;

/**
 * How subscribers sign in with one MVPD. The decision path never sees this interface: it reads the
 * profile a login left in Redis, and the session flow calls it without knowing the protocol: start
 * (a URL to send the browser to), the MVPD's answer (who signed in), logout (a URL, or none). OAuth
 * 2.0 / OpenID Connect is {@link OAuthLogin}; SAML 2.0 is {@link SamlLogin}.
 */
public interface MvpdLogin {

  /**
   * Where the browser goes to sign in. {@code state} comes back with the answer (OAuth {@code
   * state}, SAML {@code RelayState}); {@code nonce} is this attempt's secret the answer must name
   * (OIDC nonce, SAML request ID); the PKCE challenge and {@code redirectUri} are OAuth's.
   */
  Future<String> authorizationUrl(
      String state, String codeChallenge, String nonce, String redirectUri);

  /**
   * Why the MVPD's answer holds nothing to complete (the viewer cancelled, the MVPD refused): a
   * short reason for the log, or null when {@link #complete} should run.
   */
  String refusal(Map<String, String> answer);

  /**
   * Completes a login from the MVPD's answer (the callback's query, or the assertion consumer
   * service's form): checks what must be checked and returns who signed in. Fails with {@link
   * LoginFailedException} when the MVPD's answer cannot be used.
   */
  Future<Identity> complete(
      Map<String, String> answer, String codeVerifier, String nonce, String redirectUri);

  /**
   * The MVPD's logout URL for the subscriber whose profile was just deleted, returning to {@code
   * postLogoutRedirectUri}, or null when the MVPD has none.
   */
  Future<String> logoutUrl(Identity identity, String postLogoutRedirectUri);

  /**
   * The subscriber as the MVPD described them: {@code userId}, user metadata, a refresh token (null
   * when none), and what a logout must name to the MVPD ({@code logoutHandle}, e.g. SAML's NameID
   * and SessionIndex; null when none). The last two are sealed at rest.
   */
  record Identity(
      String userId, Map<String, Object> attributes, String refreshToken, String logoutHandle) {
    public Identity(String userId, Map<String, Object> attributes, String refreshToken) {
      this(userId, attributes, refreshToken, null);
    }
  }

  /**
   * The MVPD's login answer was refused (bad ID token, nonce, missing user id, token endpoint
   * error). {@code untrusted}: the answer itself is not believable (a forged, replayed or
   * misdirected SAML response): the viewer gets an error page instead of being sent on to the app,
   * since whoever posted it may not be the viewer's MVPD at all.
   */
  class LoginFailedException extends RuntimeException {
    public final boolean untrusted;

    public LoginFailedException(String message) {
      this(message, false);
    }

    public LoginFailedException(String message, boolean untrusted) {
      super(message, null, false, false);
      this.untrusted = untrusted;
    }
  }
}
