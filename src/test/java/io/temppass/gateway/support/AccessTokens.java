package io.temppass.gateway.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Test access tokens, signed by hand so that tests can also build the malformed and hostile ones.
 */
public final class AccessTokens {
  public static final String ISSUER = "auth.adobe.com";
  public static final KeyPair KEY = rsa();
  public static final KeyPair OTHER_KEY = rsa();

  private AccessTokens() {}

  public static String publicKeyPem() {
    return pem("PUBLIC KEY", KEY.getPublic().getEncoded());
  }

  public static String otherPublicKeyPem() {
    return pem("PUBLIC KEY", OTHER_KEY.getPublic().getEncoded());
  }

  public static JsonObject claims() {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("sub", "c4fc3e7e-12d9-495d-b742-6aeac8a490e7")
        .put("iss", ISSUER)
        .put("scopes", "api:client:v2")
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + 3600);
  }

  public static String valid() {
    return rs256(claims(), KEY.getPrivate());
  }

  /** An admin credential: same trusted keys, the admin scope instead of the client scope. */
  public static String adminBearer() {
    return "Bearer " + rs256(claims().put("scopes", "temppass:admin"), KEY.getPrivate());
  }

  public static String bearer() {
    return "Bearer " + valid();
  }

  public static String rs256(JsonObject claims, PrivateKey key) {
    return rs256(claims, key, null);
  }

  /** With a {@code kid} header when {@code kid} is not null. */
  public static String rs256(JsonObject claims, PrivateKey key, String kid) {
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT");
    if (kid != null) header.put("kid", kid);
    return rs256(header, claims, key);
  }

  /** Signed with whatever header the test gives (extra or hostile header fields). */
  public static String rs256(JsonObject header, JsonObject claims, PrivateKey key) {
    String signingInput = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String unsigned(JsonObject claims) {
    return b64(new JsonObject().put("alg", "none").encode()) + "." + b64(claims.encode()) + ".";
  }

  /** HS256 keyed with the RSA public key's PEM text: the classic algorithm-confusion attack. */
  public static String hs256WithPublicKey(JsonObject claims) {
    String signingInput =
        b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode())
            + "."
            + b64(claims.encode());
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              publicKeyPem().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return signingInput
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWK of an RSA public key, as an identity provider publishes it. */
  public static JsonObject jwk(KeyPair pair, String kid) {
    java.security.interfaces.RSAPublicKey pub =
        (java.security.interfaces.RSAPublicKey) pair.getPublic();
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "RS256")
        .put("n", unsigned(pub.getModulus()))
        .put("e", unsigned(pub.getPublicExponent()));
  }

  private static String unsigned(java.math.BigInteger v) {
    byte[] bytes = v.toByteArray();
    if (bytes[0] == 0) bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
