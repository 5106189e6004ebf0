package io.temppass.gateway.token;

import io.vertx.core.json.JsonObject;

/**
 * Maps claims to and from the JWS payload. Both directions live here so the signer and the
 * verifier cannot drift apart on claim names or rounding.
 */
final class MediaTokenPayload {

  static final String ISSUER = "temppass-gateway";

  private MediaTokenPayload() {}

  /**
   * JWT NumericDates are whole seconds: {@code iat}/{@code nbf} round down and {@code exp} rounds
   * up, so a standard JWT library never rejects the token before the exact {@code expMs} that
   * matches the response's notAfter.
   */
  static JsonObject toJson(MediaTokenClaims claims) {
    return new JsonObject()
        .put("iss", ISSUER)
        .put("requestor", claims.requestor())
        .put("mvpd", claims.mvpd())
        .put("resource", claims.resource())
        .put("iat", Math.floorDiv(claims.issuedAtMillis(), 1000L))
        .put("nbf", Math.floorDiv(claims.notBeforeMillis(), 1000L))
        .put("exp", ceilSeconds(claims.expiresAtMillis()))
        .put("nbfMs", claims.notBeforeMillis())
        .put("expMs", claims.expiresAtMillis())
        .put("jti", claims.tokenId())
        .put("dev", claims.deviceHash());
  }

  /** @throws IllegalArgumentException naming the first missing or inconsistent claim */
  static MediaTokenClaims fromJson(JsonObject payload) {
    if (!ISSUER.equals(payload.getValue("iss"))) {
      throw new IllegalArgumentException("iss must be \"" + ISSUER + "\"");
    }
    long notBeforeMillis = integer(payload, "nbfMs");
    long expiresAtMillis = integer(payload, "expMs");
    if (integer(payload, "nbf") != Math.floorDiv(notBeforeMillis, 1000L)
        || integer(payload, "exp") != ceilSeconds(expiresAtMillis)) {
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

  private static long ceilSeconds(long millis) {
    return -Math.floorDiv(-millis, 1000L);
  }

  private static String text(JsonObject payload, String name) {
    if (payload.getValue(name) instanceof String value) {
      return value;
    }
    throw new IllegalArgumentException("claim \"" + name + "\" must be a string");
  }

  private static long integer(JsonObject payload, String name) {
    Object value = payload.getValue(name);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new IllegalArgumentException("claim \"" + name + "\" must be an integer");
  }
}
