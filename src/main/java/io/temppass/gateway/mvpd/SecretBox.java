package io.temppass.gateway.mvpd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts what an MVPD returned (user id, attributes, refresh token) before it reaches Redis:
 * AES-256-GCM under {@code sessions.encryptionKey}, a fresh 96-bit nonce per value, and the Redis
 * key name as associated data, so a value copied under another key (another device's profile) fails
 * to decrypt instead of being accepted.
 */
public final class SecretBox {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key == null || key.length != 32)
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    this.key = new SecretKeySpec(key, "AES");
  }

  public String seal(String plaintext, String boundTo) {
    byte[] nonce = new byte[NONCE_BYTES];
    Randoms.current().nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** The plaintext, or null when the value was not sealed under this key for {@code boundTo}. */
  public String open(String sealed, String boundTo) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      if (all.length <= NONCE_BYTES) return null;
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return new String(
          cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
