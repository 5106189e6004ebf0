package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;

/**
 * The details of a 4xx that a service (TempPass, MVPD sessions) answered with a code alone: what
 * the code means in this gateway, so that such an error also tells its reader where to look. The
 * HTTP side's own checks pass more precise details themselves.
 */
final class ErrorDetails {
  private ErrorDetails() {}

  /** The condition behind {@code error}, or null for a code the HTTP side always explains. */
  static String of(ErrorCode error) {
    return switch (error) {
      case INVALID_AUTHENTICATION_SESSION ->
          "the session code is unknown, expired (sessions.codeTtl), of another service provider,"
              + " created by another device or client application, or its sign-in already completed";
      case INVALID_PARAMETER_CODE ->
          "a session code is 8 characters of 23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
      case INVALID_PARAMETER_REDIRECT_URL ->
          "redirectUrl must be an absolute http(s) URL without user info whose host is one of the"
              + " service provider's domains (serviceProviders[].domains) or a subdomain of one";
      case INVALID_PARAMETER_DOMAIN_NAME ->
          "domainName must be one of the service provider's domains (serviceProviders[].domains)"
              + " or a subdomain of one";
      case INVALID_PARAMETER_MVPD -> HttpVerticle.ID_RULE;
      case INVALID_INTEGRATION ->
          "no active integration of this service provider and mvpd is configured (integrations),"
              + " or it has no MVPD sign-in (login)";
      case INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS ->
          "AP-TempPass-Identity must be Base64 of a JSON object holding the integration's"
              + " identityKey as a non-empty string";
      case AUTHENTICATED_PROFILE_MISSING ->
          "the device has no profile for this mvpd: sign in first (POST sessions)";
      case AUTHENTICATED_PROFILE_EXPIRED -> "the device's profile for this mvpd has expired";
      default -> null;
    };
  }
}
