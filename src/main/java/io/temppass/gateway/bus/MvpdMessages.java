package io.temppass.gateway.bus;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import java.util.List;
import java.util.Map;

/**
 * The immutable messages between the HTTP verticle and the MVPD verticles (sessions, login,
 * profiles, authorization, logout; {@link MvpdApi}). Every reply either carries a result or an
 * {@link ErrorCode} the HTTP side renders; a failed reply means the state store (Redis) was
 * unavailable.
 */
public final class MvpdMessages {
  private MvpdMessages() {}

  /**
   * Who is calling: the device's keyed hash and the client application's id (from the access
   * token).
   */
  public record Caller(String deviceHash, String clientId) {}

  /**
   * Create ({@code code} null) or resume an authentication session with whatever of {@code mvpd},
   * {@code domainName} and {@code redirectUrl} the app sent (absent ones null); {@code deviceInfo}
   * is the raw {@code X-Device-Info} header, kept for the session's information call.
   */
  public record SessionRequest(
      String serviceProvider,
      String code,
      Caller caller,
      String mvpd,
      String domainName,
      String redirectUrl,
      String deviceInfo) {}

  /**
   * The sessions API's answer (Adobe's fields), or {@code error} with, when set, the {@code
   * details} that say what exactly was refused.
   */
  public record SessionReply(
      ErrorCode error,
      String details,
      String actionName,
      String actionType,
      String reasonType,
      List<String> missingParameters,
      String url,
      String code,
      String mvpd,
      long notBefore,
      long notAfter)
      implements Answer {}

  public record SessionInfoRequest(String serviceProvider, String code, Caller caller) {}

  public record SessionInfoReply(
      ErrorCode error,
      Map<String, String> existingParameters,
      List<String> missingParameters,
      String deviceInfo,
      long notBefore,
      long notAfter)
      implements Answer {}

  /**
   * The browser step {@code GET /api/v2/authenticate/{sp}/{code}}; {@code requestId} is the one its
   * error page shows, which the MVPD side's log lines carry.
   */
  public record LoginStart(String serviceProvider, String code, String requestId) {}

  /** The MVPD's redirect back: every query parameter it sent; {@code requestId} as above. */
  public record LoginComplete(Map<String, String> query, String requestId) {}

  /**
   * A browser-facing answer: a redirect to {@code location}, or an HTML error page with {@code
   * status} and {@code message}.
   */
  public record BrowserReply(String location, int status, String message) {}

  /**
   * The SAML service provider's metadata ({@code GET /sp/metadata}); {@code mvpd} chooses among
   * integrations whose SP identities differ (null: the one identity all share).
   */
  public record SpMetadataRequest(String mvpd) {}

  /**
   * An XML document ({@code status} 200), or an HTML error page with {@code status} and {@code
   * message}.
   */
  public record DocumentReply(int status, String xml, String message) {}

  /** The IdP's LogoutResponse over the redirect binding: the query exactly as received. */
  public record LogoutReturn(String rawQuery, String requestId) {}

  /**
   * Profiles of a device at a service provider: all regular mvpds ({@code mvpd} and {@code code}
   * null), one mvpd, or the one a session's login produced ({@code code}).
   */
  public record ProfilesRequest(String serviceProvider, String mvpd, String code, Caller caller) {}

  /** A regular profile as the profiles API shows it; {@code attributes} are plain values. */
  public record Profile(
      String mvpd, long notBefore, long notAfter, Map<String, Object> attributes) {}

  public record ProfilesReply(ErrorCode error, List<Profile> profiles) implements Answer {}

  /**
   * Ask the MVPD (through the decision cache) about each resource, for the device's regular
   * profile.
   */
  public record AuthorizeRequest(
      IntegrationConfig integration,
      String deviceHash,
      List<String> resources,
      String clientIp,
      boolean preauthorize) {}

  /**
   * One resource's MVPD decision: {@code error} null means permit, valid in [notBefore, notAfter);
   * {@code fresh} when the MVPD was asked for this request (not answered from the decision cache).
   */
  public record MvpdItem(
      String resource,
      ErrorCode error,
      String details,
      long notBefore,
      long notAfter,
      boolean fresh) {
    public boolean permitted() {
      return error == null;
    }
  }

  public record AuthorizeReply(List<MvpdItem> items) {}

  public record LogoutRequest(
      IntegrationConfig integration, String deviceHash, String redirectUrl, String requestId) {}

  /**
   * Adobe's logout answer for one mvpd; {@code url} only for {@code logout}/{@code interactive}.
   */
  public record LogoutReply(String actionName, String actionType, String url) {}
}
