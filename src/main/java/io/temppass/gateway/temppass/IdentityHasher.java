package io.temppass.gateway.temppass;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes (HMAC-SHA-256 under {@code identity.hashSecret}) of device ids and TempPass
 * identities. Only these hashes are ever stored in Redis, put in media tokens or logged: a leaked
 * Redis dump cannot be reversed into e-mail addresses or device ids without the secret, and the
 * domain prefix keeps a device id and an identity with the same bytes from colliding.
 */
public final class IdentityHasher {
  /** 144 bits: collision-free at any realistic number of devices, and short in Redis key names. */
  private static final int KEY_BYTES = 18;

  private final ThreadLocal<Mac> mac;

  public IdentityHasher(String secret) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(key, "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
              }
            });
  }

  /** Hash of the decoded {@code AP-Device-Identifier} value. */
  public String device(byte[] rawDeviceId) {
    return encode(digest((byte) 'd', rawDeviceId));
  }

  /** Hash of a TempPass identity, normalised first (see {@link #normaliseIdentity}). */
  public String identity(String value) {
    return encode(digest((byte) 'i', normaliseIdentity(value).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * One spelling per identity, so that a trial cannot be restarted by writing the same identity
   * differently: Unicode NFKC (full-width letters, ligatures and a no-break space become their
   * plain forms), then trimmed of whitespace and invisible characters at both ends (any Unicode
   * space, and zero-width spaces and joiners, which NFKC keeps), then lower-cased when it is an
   * e-mail address or a hex SHA-256 digest (the two forms whose case carries no meaning).
   */
  public static String normaliseIdentity(String value) {
    String s = Normalizer.normalize(value, Normalizer.Form.NFKC);
    int start = 0;
    int end = s.length();
    while (start < end && blank(s.charAt(start))) start++;
    while (end > start && blank(s.charAt(end - 1))) end--;
    s = s.substring(start, end);
    return s.indexOf('@') >= 0 || SHA256_HEX.matcher(s).matches() ? s.toLowerCase(Locale.ROOT) : s;
  }

  private static final java.util.regex.Pattern SHA256_HEX =
      java.util.regex.Pattern.compile("[0-9A-Fa-f]{64}");

  private static boolean blank(char c) {
    return Character.isWhitespace(c)
        || Character.isSpaceChar(c)
        || c == '\u200B'
        || c == '\u200C'
        || c == '\u200D'
        || c == '\u2060'
        || c == '\uFEFF';
  }

  /** A profile's {@code userID}: {@code prefix} + 40 hex derived from a trial or device hash. */
  public static String userId(String prefix, String hash) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-1")
              .digest(Base64.getUrlDecoder().decode(hash));
      return prefix + HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] digest(byte domain, byte[] value) {
    Mac m = mac.get();
    m.update(domain);
    return m.doFinal(value);
  }

  private static String encode(byte[] digest) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(java.util.Arrays.copyOf(digest, KEY_BYTES));
  }
}
