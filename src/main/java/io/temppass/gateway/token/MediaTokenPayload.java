package io.temppass.gateway.token;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Maps claims to and from the JWS payload. Both directions live here so the signer and the
 * verifier cannot drift apart on claim names or rounding.
 */
final class MediaTokenPayload {

  static final String ISSUER = "temppass-gateway";

  private MediaTokenPayload() {}

  /** Characters outside the BMP as raw UTF-8, as {@code JsonObject.encode()} writes them, not as escaped surrogates. */
  private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  /**
   * The payload's JSON bytes, written by Jackson's streaming generator: the same text as
   * {@code toJson(claims).encode()} (same members, same order, same escaping) without building a map
   * and walking it through the data binder, which cost more than the rest of a token outside the
   * signature itself.
   */
  static byte[] encode(MediaTokenClaims claims) {
    ByteArrayBuilder out = new ByteArrayBuilder(384);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("iss", ISSUER);
      g.writeStringField("requestor", claims.requestor());
      g.writeStringField("mvpd", claims.mvpd());
      g.writeStringField("resource", claims.resource());
      g.writeNumberField("iat", Math.floorDiv(claims.issuedAtMillis(), 1000L));
      g.writeNumberField("nbf", Math.floorDiv(claims.notBeforeMillis(), 1000L));
      g.writeNumberField("exp", Math.floorDiv(claims.expiresAtMillis(), 1000L));
      g.writeNumberField("nbfMs", claims.notBeforeMillis());
      g.writeNumberField("expMs", claims.expiresAtMillis());
      g.writeStringField("jti", claims.tokenId());
      g.writeStringField("dev", claims.deviceHash());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

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
