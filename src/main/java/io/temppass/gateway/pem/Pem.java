package io.temppass.gateway.pem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The one PEM codec (RFC 7468 armour) of the gateway, for the PKCS#8 {@code PRIVATE KEY} and X.509
 * {@code PUBLIC KEY} blocks that key settings carry and that development mode prints: the media
 * signing keys, the access-token keys, and the throw-away development keys all pass through here.
 *
 * <p>JDK only, and not Nimbus JOSE+JWT: Nimbus reads PEM only through BouncyCastle's PKIX library
 * (bcpkix), which is not a dependency here, and writes none; these few lines are cheaper than a
 * further library. The armour alone is handled here: which key a block holds is for the caller's
 * {@link java.security.KeyFactory}.
 *
 * <p>Messages are phrased to follow the name of what was read ({@code "private key"}, a setting),
 * e.g. {@code "accessTokens.publicKeys[0]: must be a PEM public key (-----BEGIN PUBLIC KEY-----)"}.
 */
public final class Pem {
  public static final String PRIVATE_KEY = "PRIVATE KEY";
  public static final String PUBLIC_KEY = "PUBLIC KEY";

  private static final Base64.Encoder BODY_ENCODER =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  /** The block {@code label} around {@code der}, 64 characters a line as openssl writes it. */
  public static String encode(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + BODY_ENCODER.encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  /**
   * The DER bytes of the single block with the given label. Settings often arrive with escaped or
   * collapsed newlines, so whitespace inside the body is ignored.
   *
   * @throws IllegalArgumentException with a message to put after the name of what was read
   */
  public static byte[] decode(String pem, String label) {
    if (pem == null || pem.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    String text = pem.replace("\\n", "\n").strip();
    if (!text.startsWith(begin) || !text.endsWith(end)) {
      String hint =
          text.contains("BEGIN EC PRIVATE KEY")
              ? " (SEC1 keys are not accepted; convert with: openssl pkcs8 -topk8 -nocrypt)"
              : "";
      throw new IllegalArgumentException(
          "must be a PEM " + label.toLowerCase(Locale.ROOT) + " (" + begin + ")" + hint);
    }
    String body =
        text.substring(begin.length(), text.length() - end.length()).replaceAll("\\s+", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not valid PEM Base64", e);
    }
  }
}
