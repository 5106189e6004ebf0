package io.temppass.gateway.mvpd;

import io.vertx.core.Future;
import java.util.Map;

/**
 * How subscribers sign in with one MVPD. The decision path never sees this interface: it reads the
 * profile a login left in Redis. OAuth 2.0 / OpenID Connect is {@link OAuthLogin}; a SAML connector
 * would be another implementation.
 */
public interface MvpdLogin {

  /**
   * Where the browser goes to sign in; {@code state}, the PKCE challenge and {@code nonce} are
   * ours.
   */
  Future<String> authorizationUrl(
      String state, String codeChallenge, String nonce, String redirectUri);

  /**
   * Completes a login from the MVPD's redirect: exchanges {@code code} with the PKCE verifier,
   * checks what must be checked (ID token, nonce, expiry), and returns who signed in. Fails with
   * {@link LoginFailedException} when the MVPD's answer cannot be trusted.
   */
  Future<Identity> complete(String code, String codeVerifier, String nonce, String redirectUri);

  /**
   * The MVPD's end-session URL returning to {@code postLogoutRedirectUri}, or null when the MVPD
   * has none.
   */
  Future<String> logoutUrl(String postLogoutRedirectUri);

  /**
   * The subscriber as the MVPD described them: {@code userId}, user metadata, and a refresh token
   * (null when none).
   */
  record Identity(String userId, Map<String, Object> attributes, String refreshToken) {}

  /**
   * The MVPD's login answer was refused (bad ID token, nonce, missing user id, token endpoint
   * error).
   */
  final class LoginFailedException extends RuntimeException {
    public LoginFailedException(String message) {
      super(message, null, false, false);
    }
  }
}
