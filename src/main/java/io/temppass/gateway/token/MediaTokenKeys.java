package io.temppass.gateway.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.ArrayList;
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
   * @throws IllegalArgumentException unless exactly one key is active and kids are unique and
   *     non-empty
   */
  public static MediaTokenKeys of(List<SigningKey> keys) {
    List<SigningKey> copy = validated(keys);
    long activeCount = copy.stream().filter(SigningKey::active).count();
    if (activeCount != 1) {
      throw new IllegalArgumentException(
          "exactly one active signing key is required, found " + activeCount);
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
    if (jwks == null || !(jwks.getValue("keys") instanceof JsonArray)) {
      throw new IllegalArgumentException("JWKS has no \"keys\" array");
    }
    List<JWK> entries;
    try {
      entries = JWKSet.parse(jwks.encode()).getKeys();
    } catch (ParseException e) {
      throw new IllegalArgumentException("JWKS: " + e.getMessage(), e);
    }
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      try {
        ECKey key = MediaTokenVerifier.requireMediaTokenKey(entries.get(i));
        keys.add(new SigningKey(key.getKeyID(), null, key.toECPublicKey(), false));
      } catch (JOSEException | RuntimeException e) {
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

  /**
   * Public halves of all keys, active and retired, so verifiers accept every token still in
   * circulation.
   */
  public JsonObject jwks() {
    return new JsonObject(jwkSet().toJSONObject());
  }

  /** {@link #jwks()} as Nimbus's key set, which {@link MediaTokenVerifier} reads. */
  public JWKSet jwkSet() {
    List<JWK> published = new ArrayList<>();
    for (SigningKey key : keys) {
      published.add(
          new ECKey.Builder(Curve.P_256, key.publicKey())
              .keyID(key.kid())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES256)
              .build());
    }
    return new JWKSet(published);
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
}
