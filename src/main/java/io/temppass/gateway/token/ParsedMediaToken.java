package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A serializedToken whose structure has been checked but whose signature has not; kept apart
 * from the verifier so nothing can read the claims before the signature decision is made.
 */
record ParsedMediaToken(String kid, byte[] signingInput, byte[] signature, MediaTokenClaims claims) {

  /** @throws IllegalArgumentException describing the first structural problem */
  static ParsedMediaToken parse(String serializedToken) {
    if (serializedToken == null || serializedToken.isEmpty()) {
      throw new IllegalArgumentException("token is empty");
    }
    byte[] compactBytes;
    try {
      compactBytes = Base64.getDecoder().decode(serializedToken);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("token is not standard Base64");
    }
    String[] parts = new String(compactBytes, US_ASCII).split("\\.", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("expected 3 JWS parts, found " + parts.length);
    }
    JsonObject header = jsonSegment(parts[0], "header");
    if (!Jws.ALGORITHM.equals(header.getValue("alg"))) {
      throw new IllegalArgumentException("header alg must be " + Jws.ALGORITHM);
    }
    if (!(header.getValue("kid") instanceof String kid) || kid.isEmpty()) {
      throw new IllegalArgumentException("header kid is missing");
    }
    if (header.containsKey("crit")) {
      throw new IllegalArgumentException("header crit is not supported");
    }
    MediaTokenClaims claims = MediaTokenPayload.fromJson(jsonSegment(parts[1], "payload"));
    byte[] signature = segment(parts[2], "signature");
    return new ParsedMediaToken(kid, (parts[0] + '.' + parts[1]).getBytes(US_ASCII), signature, claims);
  }

  private static JsonObject jsonSegment(String segment, String name) {
    byte[] json = segment(segment, name);
    try {
      return new JsonObject(Buffer.buffer(json));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + " is not a JSON object");
    }
  }

  private static byte[] segment(String segment, String name) {
    try {
      return Jws.decodeSegment(segment);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not base64url");
    }
  }
}
