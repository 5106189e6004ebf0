package io.temppass.gateway.client;

/**
 * The {@code error} values of {@code /o/client/register} and {@code /o/client/token}, as Adobe's
 * DCR API lists them (RFC 7591 and RFC 6749 names); every one is answered with status 400, as Adobe
 * does (its {@code invalid_client} included, where RFC 6749 would say 401).
 */
public enum OAuthError {
  INVALID_REQUEST("invalid_request"),
  INVALID_REDIRECT_URI("invalid_redirect_uri"),
  INVALID_SOFTWARE_STATEMENT("invalid_software_statement"),
  UNAPPROVED_SOFTWARE_STATEMENT("unapproved_software_statement"),
  INVALID_CLIENT("invalid_client"),
  UNAUTHORIZED_CLIENT("unauthorized_client"),
  UNSUPPORTED_GRANT_TYPE("unsupported_grant_type");

  public final String code;

  OAuthError(String code) {
    this.code = code;
  }
}
