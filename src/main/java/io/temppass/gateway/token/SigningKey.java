package io.temppass.gateway.token;

import com.nimbusds.jose.jwk.Curve;
import io.temppass.gateway.pem.Pem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

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
    return Pem.encode(Pem.PRIVATE_KEY, privateKey.getEncoded());
  }

  /** X.509 PEM of the public half. */
  public String publicKeyPem() {
    return Pem.encode(Pem.PUBLIC_KEY, publicKey.getEncoded());
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
    return parse(pem, Pem.PRIVATE_KEY, ECPrivateKey.class);
  }

  private static ECPublicKey parsePublicKey(String pem) {
    return parse(pem, Pem.PUBLIC_KEY, ECPublicKey.class);
  }

  /**
   * Reads a PKCS#8 {@code PRIVATE KEY} or an X.509 {@code PUBLIC KEY} block as an EC key; the
   * messages start with the block's name ("private key", "public key") so the caller can prefix the
   * setting.
   */
  private static <K extends Key> K parse(String pem, String label, Class<K> type) {
    boolean isPrivate = label.equals(Pem.PRIVATE_KEY);
    String what = label.toLowerCase(Locale.ROOT);
    String expected = (isPrivate ? "PKCS#8" : "X.509") + " EC " + what;
    byte[] der;
    try {
      der = Pem.decode(pem, label);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " " + e.getMessage(), e);
    }
    Key key;
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      key =
          isPrivate
              ? factory.generatePrivate(new PKCS8EncodedKeySpec(der))
              : factory.generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(what + " is not a " + expected + ": " + e.getMessage(), e);
    }
    if (!type.isInstance(key)) {
      throw new IllegalArgumentException(what + " is not a " + expected);
    }
    return type.cast(key);
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
