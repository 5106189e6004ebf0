package io.temppass.gateway.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
