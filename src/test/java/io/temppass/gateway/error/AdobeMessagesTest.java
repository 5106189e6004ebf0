package io.temppass.gateway.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every Adobe code the gateway answers carries Adobe's status, action and message, as in Adobe's
 * Enhanced Error Codes table for REST API V2 (a client may match on them). The one exception,
 * {@code authorization_denied_by_degradation_rule}, keeps the text of Adobe's decisions sample that
 * SPEC 4.4 names.
 */
class AdobeMessagesTest {
  record Adobe(int status, String action, String message) {}

  static final Map<String, Adobe> TABLE =
      Map.ofEntries(
          Map.entry(
              "invalid_parameter_service_provider",
              new Adobe(
                  400, "none", "The service provider parameter value is missing or invalid.")),
          Map.entry(
              "invalid_parameter_mvpd",
              new Adobe(400, "none", "The mvpd parameter value is missing or invalid.")),
          Map.entry(
              "invalid_parameter_code",
              new Adobe(400, "none", "The code parameter value is missing or invalid.")),
          Map.entry(
              "invalid_parameter_resources",
              new Adobe(400, "none", "The resources parameter value is missing or invalid.")),
          Map.entry(
              "invalid_parameter_redirect_url",
              new Adobe(400, "none", "The redirect URL parameter value is missing or invalid.")),
          Map.entry(
              "invalid_header_device_info",
              new Adobe(400, "none", "The device information header value is missing or invalid.")),
          Map.entry(
              "invalid_header_device_identifier",
              new Adobe(400, "none", "The device identifier header value is missing or invalid.")),
          Map.entry(
              "invalid_header_identity_for_temporary_access",
              new Adobe(
                  400,
                  "none",
                  "The identity for temporary access header value is missing or invalid.")),
          Map.entry(
              "invalid_integration",
              new Adobe(
                  400,
                  "none",
                  "The integration between the specified service provider and mvpd does not exist or is disabled.")),
          Map.entry(
              "invalid_authentication_session",
              new Adobe(
                  400,
                  "none",
                  "The authentication session associated with this request is missing or invalid.")),
          Map.entry(
              "preauthorization_denied_by_mvpd",
              new Adobe(
                  403,
                  "none",
                  "The MVPD has returned a \"Deny\" decision when requesting pre-authorization for the specified resource.")),
          Map.entry(
              "authorization_denied_by_mvpd",
              new Adobe(
                  403,
                  "none",
                  "The MVPD has returned a \"Deny\" decision when requesting authorization for the specified resource.")),
          Map.entry(
              "authorization_denied_by_parental_controls",
              new Adobe(
                  403,
                  "none",
                  "The MVPD has returned a \"Deny\" decision due parental controls settings for the specified resource.")),
          Map.entry(
              "authorization_denied_by_degradation_rule",
              new Adobe(
                  403,
                  "none",
                  "The integration has an AuthZNone rule applied for the requested resources")),
          Map.entry(
              "internal_server_error",
              new Adobe(500, "none", "The request failed due to an internal server error.")),
          Map.entry(
              "too_many_resources",
              new Adobe(
                  403,
                  "configuration",
                  "The authorization or preauthorization request failed because too many resources were queried. Please contact support team to properly configure the authorization and preauthorization limitations.")),
          Map.entry(
              "invalid_configuration_temporary_access",
              new Adobe(500, "configuration", "The temporary access configuration is invalid.")),
          Map.entry(
              "invalid_access_token_service_provider",
              new Adobe(
                  401,
                  "application-registration",
                  "The access token is invalid due to invalid service provider.")),
          Map.entry(
              "invalid_access_token_client_application",
              new Adobe(
                  401,
                  "application-registration",
                  "The access token is invalid due to invalid client application.")),
          Map.entry(
              "authenticated_profile_missing",
              new Adobe(
                  403,
                  "authentication",
                  "The authenticated profile associated with this request is missing.")),
          Map.entry(
              "authenticated_profile_expired",
              new Adobe(
                  403,
                  "authentication",
                  "The authenticated profile associated with this request has expired.")),
          Map.entry(
              "temporary_access_duration_limit_exceeded",
              new Adobe(
                  403, "authentication", "The temporary access duration limit has been exceeded.")),
          Map.entry(
              "temporary_access_resources_limit_exceeded",
              new Adobe(
                  403,
                  "authentication",
                  "The temporary access resources limit has been exceeded.")),
          Map.entry(
              "network_received_error",
              new Adobe(
                  403,
                  "retry",
                  "There was a read error while retrieving the response from the associated partner service. Retrying the request might solve the issue.")),
          Map.entry(
              "network_connection_timeout",
              new Adobe(
                  403,
                  "retry",
                  "There was a connection timeout with the associated partner service. Retrying the request might solve the issue.")),
          Map.entry(
              "maximum_execution_time_exceeded",
              new Adobe(
                  403,
                  "retry",
                  "The request did not complete in the maximum allowed time. Retrying the request might solve the issue.")));

  @Test
  void adobes_codes_carry_adobes_status_action_and_message() {
    int checked = 0;
    for (ErrorCode e : ErrorCode.values()) {
      Adobe adobe = TABLE.get(e.code);
      // The admin API's own wording of invalid_integration (a degradation rule on a TempPass
      // integration).
      if (adobe == null || e == ErrorCode.DEGRADATION_ON_TEMPPASS) continue;
      assertEquals(adobe, new Adobe(e.status, e.action, e.message), e.code);
      checked++;
    }
    assertEquals(TABLE.size(), checked, "every listed Adobe code exists in ErrorCode, once");
  }
}
