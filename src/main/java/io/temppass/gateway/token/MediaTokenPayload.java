package io.temppass.gateway.token;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claims of the JWS payload: their names, and the mapping to and from the JSON object that
 * carries them. Both directions live here so the signer and the verifier cannot drift apart on
 * claim names or rounding. Depends on the JDK only, because it ships in the media-token verifier
 * jar; the signer's fast writer ({@link MediaTokenPayloadWriter}) writes the same members in the
 * order of {@link #toJson}.
 */
final class MediaTokenPayload {

  static final String ISSUER = "temppass-gateway";

  private MediaTokenPayload() {}

  /**
   * JWT NumericDates are whole seconds and all three round down: a verifier that reads only {@code
   * exp} must never accept a token after its pass or decision ended, so {@code exp} may end the
   * token up to a second early but never late; {@code expMs} keeps the exact end.
   */
  static Map<String, Object> toJson(MediaTokenClaims claims) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("iss", ISSUER);
    payload.put("requestor", claims.requestor());
    payload.put("mvpd", claims.mvpd());
    payload.put("resource", claims.resource());
    payload.put("iat", seconds(claims.issuedAtMillis()));
    payload.put("nbf", seconds(claims.notBeforeMillis()));
    payload.put("exp", seconds(claims.expiresAtMillis()));
    payload.put("nbfMs", claims.notBeforeMillis());
    payload.put("expMs", claims.expiresAtMillis());
    payload.put("jti", claims.tokenId());
    payload.put("dev", claims.deviceHash());
    return payload;
  }

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
