package io.temppass.gateway.token;

import com.nimbusds.jose.jwk.Curve;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * One ES256 key of the media-token key set, named by its JWS {@code kid}.
 *
 * <p>Every instance is validated on construction (P-256 only, halves that belong together, an
 * active key can sign), so a mistyped or mismatched secret fails at startup instead of producing
 * tokens that no verifier accepts.
 *
 * @param kid key id written into the JWS header so verifiers can pick the key during rotation
 * @param privateKey null for a retired key that stays published only so that tokens it already
 *     signed keep verifying until they expire
 * @param publicKey the half published in the JWKS
 * @param active whether this key signs new tokens; a signing key set has exactly one
 */
public record SigningKey(
    String kid, ECPrivateKey privateKey, ECPublicKey publicKey, boolean active) {

  private static final byte[] PAIR_CHECK_MESSAGE =
      "temppass-gateway signing key pair check".getBytes(StandardCharsets.US_ASCII);

  public SigningKey {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("kid must not be empty");
    }
    if (publicKey == null) {
      throw new IllegalArgumentException("public key is missing");
    }
    requireP256(publicKey.getParams(), "public key");
    if (privateKey != null) {
      requireP256(privateKey.getParams(), "private key");
      requireMatchingPair(privateKey, publicKey);
    }
    if (active && privateKey == null) {
      throw new IllegalArgumentException("active key '" + kid + "' has no private key");
    }
  }

  /**
   * Parses keys as they appear in configuration.
   *
   * @param privateKeyPemOrNull PKCS#8 {@code PRIVATE KEY} block, or null for a verify-only key
   * @param publicKeyPem X.509 {@code PUBLIC KEY} block
   * @throws IllegalArgumentException with a message the caller can prefix with the setting name
   */
  public static SigningKey fromPem(
      String kid, String privateKeyPemOrNull, String publicKeyPem, boolean active) {
    ECPrivateKey privateKey =
        privateKeyPemOrNull == null ? null : parsePrivateKey(privateKeyPemOrNull);
    return new SigningKey(kid, privateKey, parsePublicKey(publicKeyPem), active);
  }

  /**
   * Fresh active key for dev mode, where no configured key exists and tokens only need to verify
   * locally.
   */
  public static SigningKey generate(String kid) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(Curve.P_256.toECParameterSpec());
      KeyPair pair = generator.generateKeyPair();
      return new SigningKey(
          kid, (ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic(), true);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  /** PKCS#8 PEM, so a dev-mode key can be printed and pasted into configuration. */
  public String privateKeyPem() {
    if (privateKey == null) {
      throw new IllegalStateException("key '" + kid + "' is verify-only");
    }
    return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
  }

  /** X.509 PEM of the public half. */
  public String publicKeyPem() {
    return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
  }

  /** Overridden so logging a key never dumps private key material. */
  @Override
  public String toString() {
    return "SigningKey[kid="
        + kid
        + ", active="
        + active
        + ", verifyOnly="
        + (privateKey == null)
        + "]";
  }

  private static ECPrivateKey parsePrivateKey(String pem) {
    byte[] der = Pem.decode(pem, "PRIVATE KEY", "private key");
    try {
      if (KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der))
          instanceof ECPrivateKey key) {
        return key;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "private key is not a PKCS#8 EC private key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("private key is not a PKCS#8 EC private key");
  }

  private static ECPublicKey parsePublicKey(String pem) {
    byte[] der = Pem.decode(pem, "PUBLIC KEY", "public key");
    try {
      if (KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der))
          instanceof ECPublicKey key) {
        return key;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "public key is not an X.509 EC public key: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("public key is not an X.509 EC public key");
  }

  /** Rejects any other curve, because a P-384 key would sign tokens that ES256 verifiers refuse. */
  private static void requireP256(ECParameterSpec params, String what) {
    if (params == null || !Curve.P_256.equals(Curve.forECParameterSpec(params))) {
      int bits = params == null ? 0 : params.getCurve().getField().getFieldSize();
      throw new IllegalArgumentException(
          what
              + " must be an EC key on P-256 (secp256r1) for ES256, found "
              + (bits == 0 ? "unknown curve" : "a " + bits + "-bit curve"));
    }
  }

  /** Comparing encodings is not enough across providers, so prove the pair by a round trip. */
  private static void requireMatchingPair(ECPrivateKey privateKey, ECPublicKey publicKey) {
    boolean matches;
    try {
      Signature signer = Signature.getInstance(MediaTokenSigner.JCA_ALGORITHM);
      signer.initSign(privateKey);
      signer.update(PAIR_CHECK_MESSAGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(MediaTokenSigner.JCA_ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(PAIR_CHECK_MESSAGE);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot check key pair: " + e.getMessage(), e);
    }
    if (!matches) {
      throw new IllegalArgumentException("private key does not match public key");
    }
  }
}
