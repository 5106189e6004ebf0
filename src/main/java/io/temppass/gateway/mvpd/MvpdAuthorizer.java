package io.temppass.gateway.mvpd;

import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks one MVPD whether a subscriber may view one resource. The wire format is the connector's
 * business ({@link JsonAuthorizer} speaks the JSON contract of docs/MVPD.md); a failure is always
 * an {@link MvpdCallException} naming the Enhanced Error to answer with.
 */
public interface MvpdAuthorizer {

  Future<Verdict> authorize(String userId, String resource, String clientIp, String requestor);

  /**
   * One call for several resources, verdicts in the order of {@code resources}, for MVPDs that
   * answer several resources in one query (XACML multi-resource preauthorization). A connector that
   * cannot asks once per resource.
   */
  default Future<List<Verdict>> authorizeAll(
      String userId, List<String> resources, String clientIp, String requestor) {
    List<Future<Verdict>> each = new ArrayList<>(resources.size());
    for (String resource : resources) each.add(authorize(userId, resource, clientIp, requestor));
    return Future.all(each).map(all -> all.<Verdict>list());
  }

  /**
   * The MVPD's answer: permit, or deny with its text and whether a parental-controls obligation
   * ({@code restrict-pc}) came with it; {@code ttlMillis} is the MVPD's own TTL, or -1 when it sent
   * none.
   */
  record Verdict(boolean permit, boolean parentalControls, String message, long ttlMillis) {}

  /** A call that produced no verdict, with the retry code it maps to (SPEC 4.6). */
  final class MvpdCallException extends RuntimeException {
    public final ErrorCode code;

    public MvpdCallException(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
