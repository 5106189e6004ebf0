package io.temppass.gateway.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * How a resource is named in Redis, wherever the gateway stores one (a promotional trial's granted
 * titles, the MVPD decision cache's keys): a fixed 16 characters (12 bytes of SHA-256, Base64url)
 * whatever the id's length, so a client sending long ids cannot make a key or a trial cost more
 * memory than short ids do. Not keyed: resource ids are the programmer's catalogue, not personal
 * data.
 */
public final class ResourceDigest {
  private static final int BYTES = 12;
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  private ResourceDigest() {}

  public static String of(String resource) {
    byte[] digest = SHA_256.get().digest(resource.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, BYTES));
  }
}
