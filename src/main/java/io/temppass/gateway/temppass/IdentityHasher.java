package io.temppass.gateway.temppass;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes (HMAC-SHA-256 under {@code identity.hashSecret}) of device ids and TempPass identities.
 * Only these hashes are ever stored in Redis, put in media tokens or logged: a leaked Redis dump
 * cannot be reversed into e-mail addresses or device ids without the secret, and the domain prefix
 * keeps a device id and an identity with the same bytes from colliding.
 */
public final class IdentityHasher {
  /** 144 bits: collision-free at any realistic number of devices, and short in Redis key names. */
  private static final int KEY_BYTES = 18;

  private final ThreadLocal<Mac> mac;

  public IdentityHasher(String secret) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    this.mac = ThreadLocal.withInitial(() -> {
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

  /** Hash of a TempPass identity, normalised first: trimmed, and lower-cased when it is an e-mail. */
  public String identity(String value) {
    return encode(digest((byte) 'i', normaliseIdentity(value).getBytes(StandardCharsets.UTF_8)));
  }

  public static String normaliseIdentity(String value) {
    String trimmed = value.strip();
    return trimmed.indexOf('@') >= 0 ? trimmed.toLowerCase(Locale.ROOT) : trimmed;
  }

  /** A profile's {@code userID}: {@code prefix} + 40 hex derived from a trial or device hash. */
  public static String userId(String prefix, String hash) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(Base64.getUrlDecoder().decode(hash));
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
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, KEY_BYTES));
  }
}
