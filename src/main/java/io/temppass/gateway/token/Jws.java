package io.temppass.gateway.token;

import java.util.Base64;

/** Base64url segment coding and constants of the compact JWS form (RFC 7515). */
final class Jws {

  static final String ALGORITHM = "ES256";

  private static final Base64.Encoder SEGMENT_ENCODER = Base64.getUrlEncoder().withoutPadding();

  private Jws() {}

  static String encodeSegment(byte[] bytes) {
    return SEGMENT_ENCODER.encodeToString(bytes);
  }

  /** @throws IllegalArgumentException if the text is not base64url */
  static byte[] decodeSegment(String segment) {
    return Base64.getUrlDecoder().decode(segment);
  }
}
