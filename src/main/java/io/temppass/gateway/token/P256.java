package io.temppass.gateway.token;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;

/**
 * The one curve ES256 allows. Kept in one place so that key parsing, JWKS import and signature
 * transcoding all agree on the same domain parameters and coordinate size.
 */
final class P256 {

  static final String CURVE_NAME = "secp256r1";
  static final String JWK_CURVE = "P-256";
  static final int COORDINATE_BYTES = 32;
  static final ECParameterSpec PARAMETERS = loadParameters();
  static final BigInteger ORDER = PARAMETERS.getOrder();

  private P256() {}

  /** Rejects any other curve, because a P-384 key would sign tokens that ES256 verifiers refuse. */
  static void requireP256(ECParameterSpec params, String what) {
    if (params == null || !sameCurve(params)) {
      int bits = params == null ? 0 : params.getCurve().getField().getFieldSize();
      throw new IllegalArgumentException(what + " must be an EC key on P-256 (secp256r1) for ES256, found "
          + (bits == 0 ? "unknown curve" : "a " + bits + "-bit curve"));
    }
  }

  /**
   * Builds a public key from JWK coordinates. The point is checked against the curve equation
   * because not every provider validates points handed to it as a key spec.
   */
  static ECPublicKey publicKey(BigInteger x, BigInteger y) {
    if (!isOnCurve(x, y)) {
      throw new IllegalArgumentException("point is not on P-256");
    }
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC")
          .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMETERS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build P-256 public key: " + e.getMessage(), e);
    }
  }

  /** Fixed-width big-endian encoding, as both JWK coordinates and JWS R||S require. */
  static byte[] toFixedWidth(BigInteger value) {
    byte[] minimal = value.toByteArray();
    int start = minimal.length > 1 && minimal[0] == 0 ? 1 : 0;
    int length = minimal.length - start;
    if (value.signum() < 0 || length > COORDINATE_BYTES) {
      throw new IllegalArgumentException("value does not fit in " + COORDINATE_BYTES + " bytes");
    }
    byte[] fixed = new byte[COORDINATE_BYTES];
    System.arraycopy(minimal, start, fixed, COORDINATE_BYTES - length, length);
    return fixed;
  }

  private static boolean isOnCurve(BigInteger x, BigInteger y) {
    EllipticCurve curve = PARAMETERS.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }

  private static boolean sameCurve(ECParameterSpec params) {
    return params.getCurve().equals(PARAMETERS.getCurve())
        && params.getGenerator().equals(PARAMETERS.getGenerator())
        && params.getOrder().equals(PARAMETERS.getOrder())
        && params.getCofactor() == PARAMETERS.getCofactor();
  }

  private static ECParameterSpec loadParameters() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec(CURVE_NAME));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JVM has no " + CURVE_NAME + " support", e);
    }
  }
}
