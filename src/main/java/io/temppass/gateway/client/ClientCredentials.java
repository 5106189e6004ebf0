package io.temppass.gateway.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless client credentials, so that millions of app installs registering once each store
 * nothing in Redis: a {@code client_id} is the registered application's id and 128 random bits, and
 * its {@code client_secret} is an HMAC-SHA256 of the {@code client_id} under a key derived from
 * {@code identity.hashSecret}. The token endpoint checks a pair by recomputing the MAC, without a
 * read; revoking the application ends all its clients at once. Changing {@code identity.hashSecret}
 * invalidates every client (apps register again, as after lost credentials).
 */
public final class ClientCredentials {
  /** A client's pair; the secret is never logged. */
  public record Pair(String clientId, String clientSecret) {
    @Override
    public String toString() {
      return "Pair[clientId=" + clientId + "]";
    }
  }

  private static final Pattern CLIENT_ID =
      Pattern.compile(
          "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.[A-Za-z0-9_-]{22}");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public ClientCredentials(String hashSecret) {
    // A key of its own, derived once: a client secret never equals any other keyed hash we make.
    this.key =
        new SecretKeySpec(
            mac(
                new SecretKeySpec(hashSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                "temppass-gateway dcr client secret v1"),
            "HmacSHA256");
  }

  public Pair issue(String applicationId) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String clientId = applicationId + "." + BASE64URL.encodeToString(nonce);
    return new Pair(clientId, secret(clientId));
  }

  /**
   * The application id of a pair this gateway issued, or null when the id is not ours or the secret
   * is not its secret (compared in constant time).
   */
  public String applicationOf(String clientId, String clientSecret) {
    String applicationId = applicationOf(clientId);
    if (applicationId == null || clientSecret == null) return null;
    byte[] expected = secret(clientId).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, clientSecret.getBytes(StandardCharsets.UTF_8))
        ? applicationId
        : null;
  }

  /** The application id inside a well-formed client id, or null. */
  public static String applicationOf(String clientId) {
    if (clientId == null || clientId.length() > 64) return null;
    var m = CLIENT_ID.matcher(clientId);
    return m.matches() ? m.group(1) : null;
  }

  private String secret(String clientId) {
    return BASE64URL.encodeToString(mac(key, clientId));
  }

  private static byte[] mac(SecretKeySpec key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
