package io.temppass.gateway.error;

/**
 * Every Enhanced Error the gateway can answer, with Adobe's status, action and message: the
 * messages of Adobe's codes are the text of Adobe's Enhanced Error Codes table for REST API V2,
 * except {@code authorization_denied_by_degradation_rule}, whose text is the one of Adobe's
 * decisions sample (SPEC 4.4). Codes outside Adobe's catalogue ({@code invalid_header_accept},
 * {@code not_found}, {@code method_not_allowed}, {@code http_version_not_supported}, {@code
 * service_unavailable}, the admin codes) are documented in docs/ERRORS.md.
 */
public enum ErrorCode {
  INVALID_PARAMETER_SERVICE_PROVIDER(
      400,
      "invalid_parameter_service_provider",
      "none",
      "The service provider parameter value is missing or invalid."),
  INVALID_PARAMETER_MVPD(
      400, "invalid_parameter_mvpd", "none", "The mvpd parameter value is missing or invalid."),
  INVALID_PARAMETER_RESOURCES(
      400,
      "invalid_parameter_resources",
      "none",
      "The resources parameter value is missing or invalid."),
  INVALID_HEADER_DEVICE_IDENTIFIER(
      400,
      "invalid_header_device_identifier",
      "none",
      "The device identifier header value is missing or invalid."),
  INVALID_HEADER_DEVICE_INFO(
      400,
      "invalid_header_device_info",
      "none",
      "The device information header value is missing or invalid."),
  INVALID_HEADER_ACCEPT(
      400,
      "invalid_header_accept",
      "none",
      "The accept header value is invalid; only application/json is produced."),
  INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS(
      400,
      "invalid_header_identity_for_temporary_access",
      "none",
      "The identity for temporary access header value is missing or invalid."),
  INVALID_INTEGRATION(
      400,
      "invalid_integration",
      "none",
      "The integration between the specified service provider and mvpd does not exist or is disabled."),
  /**
   * The degradation admin API named a TempPass integration: it exists, but degradation does not
   * apply to it.
   */
  DEGRADATION_ON_TEMPPASS(
      400,
      "invalid_integration",
      "none",
      "Degradation applies to regular MVPD integrations only; this integration is a TempPass one."),
  INVALID_ACCESS_TOKEN_CLIENT_APPLICATION(
      401,
      "invalid_access_token_client_application",
      "application-registration",
      "The access token is invalid due to invalid client application."),
  INVALID_ACCESS_TOKEN_SERVICE_PROVIDER(
      401,
      "invalid_access_token_service_provider",
      "application-registration",
      "The access token is invalid due to invalid service provider."),
  INSUFFICIENT_SCOPE(
      403,
      "insufficient_scope",
      "application-registration",
      "The access token does not grant access to this administrative call."),
  INVALID_PARAMETER_RULE(
      400, "invalid_parameter_rule", "none", "The rule parameter value is missing or invalid."),
  INVALID_PARAMETER_RESET(
      400, "invalid_parameter_reset", "none", "The reset parameters are missing or invalid."),
  INVALID_PARAMETER_APPLICATION(
      400,
      "invalid_parameter_application",
      "none",
      "The registered application's fields are missing or invalid."),
  TOO_MANY_RESOURCES(
      403,
      "too_many_resources",
      "configuration",
      "The authorization or preauthorization request failed because too many resources were queried. Please contact support team to properly configure the authorization and preauthorization limitations."),
  INVALID_PARAMETER_CODE(
      400, "invalid_parameter_code", "none", "The code parameter value is missing or invalid."),
  INVALID_PARAMETER_REDIRECT_URL(
      400,
      "invalid_parameter_redirect_url",
      "none",
      "The redirect URL parameter value is missing or invalid."),
  INVALID_PARAMETER_DOMAIN_NAME(
      400,
      "invalid_parameter_domain_name",
      "none",
      "The domain name parameter value is missing or invalid."),
  INVALID_AUTHENTICATION_SESSION(
      400,
      "invalid_authentication_session",
      "none",
      "The authentication session associated with this request is missing or invalid."),
  AUTHENTICATED_PROFILE_MISSING(
      403,
      "authenticated_profile_missing",
      "authentication",
      "The authenticated profile associated with this request is missing."),
  AUTHENTICATED_PROFILE_EXPIRED(
      403,
      "authenticated_profile_expired",
      "authentication",
      "The authenticated profile associated with this request has expired."),
  AUTHORIZATION_DENIED_BY_MVPD(
      403,
      "authorization_denied_by_mvpd",
      "none",
      "The MVPD has returned a \"Deny\" decision when requesting authorization for the specified resource."),
  PREAUTHORIZATION_DENIED_BY_MVPD(
      403,
      "preauthorization_denied_by_mvpd",
      "none",
      "The MVPD has returned a \"Deny\" decision when requesting pre-authorization for the specified resource."),
  AUTHORIZATION_DENIED_BY_PARENTAL_CONTROLS(
      403,
      "authorization_denied_by_parental_controls",
      "none",
      "The MVPD has returned a \"Deny\" decision due parental controls settings for the specified resource."),
  NETWORK_RECEIVED_ERROR(
      403,
      "network_received_error",
      "retry",
      "There was a read error while retrieving the response from the associated partner service. Retrying the request might solve the issue."),
  NETWORK_CONNECTION_TIMEOUT(
      403,
      "network_connection_timeout",
      "retry",
      "There was a connection timeout with the associated partner service. Retrying the request might solve the issue."),
  MAXIMUM_EXECUTION_TIME_EXCEEDED(
      403,
      "maximum_execution_time_exceeded",
      "retry",
      "The request did not complete in the maximum allowed time. Retrying the request might solve the issue."),
  AUTHORIZATION_DENIED_BY_DEGRADATION_RULE(
      403,
      "authorization_denied_by_degradation_rule",
      "none",
      "The integration has an AuthZNone rule applied for the requested resources"),
  TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED(
      403,
      "temporary_access_duration_limit_exceeded",
      "authentication",
      "The temporary access duration limit has been exceeded."),
  TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED(
      403,
      "temporary_access_resources_limit_exceeded",
      "authentication",
      "The temporary access resources limit has been exceeded."),
  INVALID_CONFIGURATION_TEMPORARY_ACCESS(
      500,
      "invalid_configuration_temporary_access",
      "configuration",
      "The temporary access configuration is invalid."),
  INTERNAL_SERVER_ERROR(
      500, "internal_server_error", "none", "The request failed due to an internal server error."),
  SERVICE_UNAVAILABLE(
      503,
      "service_unavailable",
      "retry",
      "The service is temporarily unable to answer; retry later."),

  // The HTTP layer's own answers, before any API rule applies (docs/ERRORS.md), by status.
  BAD_REQUEST(400, "bad_request", "none", "The request could not be parsed."),
  NOT_FOUND(404, "not_found", "none", "The requested path does not exist."),
  METHOD_NOT_ALLOWED(
      405, "method_not_allowed", "none", "The HTTP method is not allowed for the requested path."),
  REQUEST_TIMEOUT(
      408, "request_timeout", "retry", "The request was not received completely in time."),
  URI_TOO_LONG(414, "request_uri_too_long", "none", "The request line is too long."),
  TOO_MANY_REQUESTS(
      429,
      "too_many_requests",
      "retry",
      "Too many requests from this client; retry after the time given in Retry-After."),
  HEADERS_TOO_LARGE(
      431, "request_header_fields_too_large", "none", "The request headers are too large."),
  HTTP_VERSION_NOT_SUPPORTED(
      505,
      "http_version_not_supported",
      "none",
      "Only HTTP/1.0 and HTTP/1.1 request lines are accepted.");

  public final int status;
  public final String code;
  public final String action;
  public final String message;

  ErrorCode(int status, String code, String action, String message) {
    this.status = status;
    this.code = code;
    this.action = action;
    this.message = message;
  }
}
