package io.temppass.gateway.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The reference MVPD's RS256 key, as the two JWKs it is needed in: the private one that
 * vertx-auth-jwt signs with, and the public one that {@code /mvpd/jwks} publishes. A throw-away key
 * made at each start: nothing signed by a previous run is meant to stay valid. Its kid is the key's
 * JWK thumbprint (RFC 7638), stable for a key and saying nothing else about it.
 */
final class ReferenceSigningKey {
  private final RSAKey key;

  private ReferenceSigningKey(RSAKey key) {
    this.key = key;
  }

  /**
   * Generates an RSA 2048 key: tens to hundreds of milliseconds of CPU, so never on an event loop.
   */
  static ReferenceSigningKey generate() {
    try {
      return new ReferenceSigningKey(
          new RSAKeyGenerator(2048)
              .keyIDFromThumbprint(true)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  String kid() {
    return key.getKeyID();
  }

  /** The private JWK, for vertx-auth-jwt only: it never leaves the process. */
  JsonObject privateJwk() {
    return new JsonObject(key.toJSONObject());
  }

  /** The JWK Set document served at {@code /mvpd/jwks}: the public half only. */
  JsonObject jwkSet() {
    return new JsonObject()
        .put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())));
  }
}
