package io.temppass.gateway.mvpd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Unguessable values of the login path: session codes, OAuth {@code state}, PKCE verifiers, nonces,
 * profile generations. One {@link SecureRandom} per thread, seeded once: a shared instance would
 * serialise every event loop on its lock, and a new one per call would re-seed each time.
 */
public final class Randoms {
  /**
   * No 0/O, 1/I: a code a viewer reads off a TV screen and types on a phone must not be ambiguous.
   */
  static final String CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

  /** 8 characters of 32: 40 bits, as SPEC 4.6 asks. */
  static final int CODE_LENGTH = 8;

  private static final ThreadLocal<SecureRandom> RANDOM =
      ThreadLocal.withInitial(SecureRandom::new);

  private Randoms() {}

  static SecureRandom current() {
    return RANDOM.get();
  }

  /** A session code: {@value #CODE_LENGTH} characters of {@link #CODE_ALPHABET}. */
  static String sessionCode() {
    SecureRandom r = current();
    char[] code = new char[CODE_LENGTH];
    for (int i = 0; i < code.length; i++)
      code[i] = CODE_ALPHABET.charAt(r.nextInt(CODE_ALPHABET.length()));
    return new String(code);
  }

  /** Whether {@code value} has the form of a session code (case-insensitive, as people type it). */
  public static boolean looksLikeSessionCode(String value) {
    if (value == null || value.length() != CODE_LENGTH) return false;
    for (int i = 0; i < value.length(); i++) {
      if (CODE_ALPHABET.indexOf(Character.toUpperCase(value.charAt(i))) < 0) return false;
    }
    return true;
  }

  /** {@code bytes} random bytes, Base64url without padding. */
  static String token(int bytes) {
    byte[] b = new byte[bytes];
    current().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
  static String s256(String verifier) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
