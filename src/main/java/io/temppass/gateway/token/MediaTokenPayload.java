package io.temppass.gateway.token;

import java.util.Map;

/**
 * The claims of the JWS payload as the verifier reads them, and the rounding both sides share.
 * Depends on the JDK only, because it ships in the media-token verifier jar; the signer writes the
 * payload with {@link MediaTokenPayloadWriter}, and {@code MediaTokenPayloadTest} checks that
 * everything written reads back here as the same claims.
 */
final class MediaTokenPayload {

  static final String ISSUER = "temppass-gateway";

  private MediaTokenPayload() {}

  /**
   * JWT NumericDates are whole seconds and all three round down: a verifier that reads only {@code
   * exp} must never accept a token after its pass or decision ended, so {@code exp} may end the
   * token up to a second early but never late; {@code expMs} keeps the exact end.
   */
  static long seconds(long millis) {
    return Math.floorDiv(millis, 1000L);
  }

  /**
   * @throws IllegalArgumentException naming the first missing or inconsistent claim
   */
  static MediaTokenClaims fromJson(Map<String, Object> payload) {
    if (!ISSUER.equals(payload.get("iss"))) {
      throw new IllegalArgumentException("iss must be \"" + ISSUER + "\"");
    }
    long notBeforeMillis = integer(payload, "nbfMs");
    long expiresAtMillis = integer(payload, "expMs");
    if (integer(payload, "nbf") != seconds(notBeforeMillis)
        || integer(payload, "exp") != seconds(expiresAtMillis)) {
      throw new IllegalArgumentException("nbf/exp disagree with nbfMs/expMs");
    }
    return new MediaTokenClaims(
        text(payload, "requestor"),
        text(payload, "mvpd"),
        text(payload, "resource"),
        Math.multiplyExact(integer(payload, "iat"), 1000L),
        notBeforeMillis,
        expiresAtMillis,
        text(payload, "jti"),
        text(payload, "dev"));
  }

  private static String text(Map<String, Object> payload, String name) {
    if (payload.get(name) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException("claim \"" + name + "\" must be a string");
  }

  private static long integer(Map<String, Object> payload, String name) {
    Object value = payload.get(name);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("claim \"" + name + "\" must be an integer");
  }
}
