package io.temppass.gateway.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable key set that makes rotation possible: one active key signs, and retired keys stay
 * published (verify-only) until the last token they signed has expired.
 */
public final class MediaTokenKeys {

  private final List<SigningKey> keys;

  private MediaTokenKeys(List<SigningKey> keys) {
    this.keys = keys;
  }

  /**
   * Key set for signing.
   *
   * @throws IllegalArgumentException unless exactly one key is active and kids are unique and non-empty
   */
  public static MediaTokenKeys of(List<SigningKey> keys) {
    List<SigningKey> copy = validated(keys);
    long activeCount = copy.stream().filter(SigningKey::active).count();
    if (activeCount != 1) {
      throw new IllegalArgumentException("exactly one active signing key is required, found " + activeCount);
    }
    return new MediaTokenKeys(copy);
  }

  /**
   * Key set for verification only, such as one read from a published JWKS, where no key signs.
   *
   * @throws IllegalArgumentException if kids are not unique and non-empty, the set is empty, or
   *     more than one key is active
   */
  public static MediaTokenKeys verifyOnly(List<SigningKey> keys) {
    List<SigningKey> copy = validated(keys);
    if (copy.stream().filter(SigningKey::active).count() > 1) {
      throw new IllegalArgumentException("at most one key may be active");
    }
    return new MediaTokenKeys(copy);
  }

  /**
   * Reads a JWKS as produced by {@link #jwks()}. All keys come back verify-only.
   *
   * @throws IllegalArgumentException if a key is not an EC P-256 signing key
   */
  public static MediaTokenKeys fromJwks(JsonObject jwks) {
    JsonArray entries = jwks == null ? null : jwks.getJsonArray("keys");
    if (entries == null) {
      throw new IllegalArgumentException("JWKS has no \"keys\" array");
    }
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        keys.add(fromJwk(entries.getJsonObject(i)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("JWKS key #" + i + ": " + e.getMessage(), e);
      }
    }
    return verifyOnly(keys);
  }

  /**
   * The key that signs new tokens.
   *
   * @throws IllegalStateException for a verify-only set without an active key
   */
  public SigningKey active() {
    return keys.stream()
        .filter(SigningKey::active)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("key set has no active signing key"));
  }

  public Optional<SigningKey> byKid(String kid) {
    return keys.stream().filter(key -> key.kid().equals(kid)).findFirst();
  }

  public List<SigningKey> all() {
    return keys;
  }

  /** Public halves of all keys, active and retired, so verifiers accept every token still in circulation. */
  public JsonObject jwks() {
    JsonArray entries = new JsonArray();
    for (SigningKey key : keys) {
      ECPublicKey publicKey = key.publicKey();
      entries.add(new JsonObject()
          .put("kty", "EC")
          .put("crv", P256.JWK_CURVE)
          .put("x", coordinate(publicKey.getW().getAffineX()))
          .put("y", coordinate(publicKey.getW().getAffineY()))
          .put("kid", key.kid())
          .put("use", "sig")
          .put("alg", Jws.ALGORITHM));
    }
    return new JsonObject().put("keys", entries);
  }

  private static List<SigningKey> validated(List<SigningKey> keys) {
    if (keys == null || keys.isEmpty()) {
      throw new IllegalArgumentException("at least one key is required");
    }
    List<SigningKey> copy = List.copyOf(keys);
    Set<String> kids = new HashSet<>();
    for (SigningKey key : copy) {
      if (!kids.add(key.kid())) {
        throw new IllegalArgumentException("duplicate kid '" + key.kid() + "'");
      }
    }
    return copy;
  }

  private static SigningKey fromJwk(JsonObject jwk) {
    if (jwk == null) {
      throw new IllegalArgumentException("not a JSON object");
    }
    requireMember(jwk, "kty", "EC");
    requireMember(jwk, "crv", P256.JWK_CURVE);
    if (jwk.containsKey("use")) {
      requireMember(jwk, "use", "sig");
    }
    if (jwk.containsKey("alg")) {
      requireMember(jwk, "alg", Jws.ALGORITHM);
    }
    BigInteger x = coordinate(jwk, "x");
    BigInteger y = coordinate(jwk, "y");
    return new SigningKey(jwk.getString("kid"), null, P256.publicKey(x, y), false);
  }

  private static void requireMember(JsonObject jwk, String name, String expected) {
    if (!expected.equals(jwk.getValue(name))) {
      throw new IllegalArgumentException("\"" + name + "\" must be \"" + expected + "\"");
    }
  }

  private static BigInteger coordinate(JsonObject jwk, String name) {
    if (!(jwk.getValue(name) instanceof String encoded)) {
      throw new IllegalArgumentException("\"" + name + "\" is missing");
    }
    byte[] bytes = Jws.decodeSegment(encoded);
    if (bytes.length != P256.COORDINATE_BYTES) {
      throw new IllegalArgumentException("\"" + name + "\" must be " + P256.COORDINATE_BYTES + " bytes");
    }
    return new BigInteger(1, bytes);
  }

  private static String coordinate(BigInteger value) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(P256.toFixedWidth(value));
  }
}
