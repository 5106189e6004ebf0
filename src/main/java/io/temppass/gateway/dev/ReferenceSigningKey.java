package io.temppass.gateway.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * The reference MVPD's RS256 key, as the two JWKs it is needed in: the private one that
 * vertx-auth-jwt signs with, and the public one that {@code /mvpd/jwks} publishes. A throw-away
 * key made at each start: nothing signed by a previous run is meant to stay valid.
 */
final class ReferenceSigningKey {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final JsonObject publicJwk;
  private final JsonObject privateJwk;

  private ReferenceSigningKey(RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
    JsonObject base = new JsonObject().put("kty", "RSA").put("n", unsigned(publicKey.getModulus())).put("e", unsigned(publicKey.getPublicExponent()));
    String kid = thumbprint(base);
    publicJwk = base.copy().put("kid", kid).put("use", "sig").put("alg", "RS256");
    privateJwk = publicJwk.copy()
        .put("d", unsigned(privateKey.getPrivateExponent()))
        .put("p", unsigned(privateKey.getPrimeP()))
        .put("q", unsigned(privateKey.getPrimeQ()))
        .put("dp", unsigned(privateKey.getPrimeExponentP()))
        .put("dq", unsigned(privateKey.getPrimeExponentQ()))
        .put("qi", unsigned(privateKey.getCrtCoefficient()));
  }

  /** Generates an RSA 2048 key: tens to hundreds of milliseconds of CPU, so never on an event loop. */
  static ReferenceSigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      var pair = generator.generateKeyPair();
      return new ReferenceSigningKey((RSAPublicKey) pair.getPublic(), (RSAPrivateCrtKey) pair.getPrivate());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is not available in this JVM", e);
    }
  }

  String kid() {
    return publicJwk.getString("kid");
  }

  /** The private JWK, for vertx-auth-jwt only: it never leaves the process. */
  JsonObject privateJwk() {
    return privateJwk.copy();
  }

  /** The JWK Set document served at {@code /mvpd/jwks}: the public half only. */
  JsonObject jwkSet() {
    return new JsonObject().put("keys", new JsonArray().add(publicJwk.copy()));
  }

  /**
   * JWK thumbprint (RFC 7638): the SHA-256 of the required members in lexicographic order, so the
   * kid is stable for a key and says nothing else about it.
   */
  private static String thumbprint(JsonObject rsaJwk) {
    String canonical = "{\"e\":\"" + rsaJwk.getString("e") + "\",\"kty\":\"RSA\",\"n\":\"" + rsaJwk.getString("n") + "\"}";
    try {
      return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** JWA (RFC 7518 §6.3) wants big-endian unsigned integers: BigInteger adds a sign byte when the top bit is set. */
  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return BASE64URL.encodeToString(bytes);
  }
}
