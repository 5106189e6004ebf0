package io.temppass.gateway.token;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Minimal PEM armour, enough for the PKCS#8 and X.509 blocks that key settings carry. Kept by hand:
 * Nimbus JOSE+JWT reads PEM only through BouncyCastle's PKIX library (bcpkix), a further dependency
 * for these few lines, and writes none.
 */
final class Pem {

  private static final Base64.Encoder BODY_ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + BODY_ENCODER.encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /**
   * Extracts the DER bytes of the single block with the given label. Settings often arrive with
   * escaped or collapsed newlines, so whitespace inside the body is ignored.
   */
  static byte[] decode(String pem, String label, String what) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    String text = pem.replace("\\n", "\n").strip();
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      String hint =
          text.contains("BEGIN EC PRIVATE KEY")
              ? " (SEC1 keys are not accepted; convert with: openssl pkcs8 -topk8 -nocrypt)"
              : "";
      throw new IllegalArgumentException(what + " must be a PEM '" + begin + "' block" + hint);
    }
    String body =
        text.substring(begin.length(), text.length() - end.length()).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " has an invalid Base64 body", e);
    }
  }
}
