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
   * JWT NumericDates are whole seconds and all three round down: a verifier that reads only
   * {@code exp} must never accept a token after its pass or decision ended, so {@code exp} may end
   * the token up to a second early but never late; {@code expMs} keeps the exact end.
   */
  static JsonObject toJson(MediaTokenClaims claims) {
    return new JsonObject()
        .put("iss", ISSUER)
        .put("requestor", claims.requestor())
        .put("mvpd", claims.mvpd())
        .put("resource", claims.resource())
        .put("iat", Math.floorDiv(claims.issuedAtMillis(), 1000L))
        .put("nbf", Math.floorDiv(claims.notBeforeMillis(), 1000L))
        .put("exp", Math.floorDiv(claims.expiresAtMillis(), 1000L))
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
        || integer(payload, "exp") != Math.floorDiv(expiresAtMillis, 1000L)) {
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
