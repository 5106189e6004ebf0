package io.temppass.gateway.config;

import io.temppass.gateway.pem.Pem;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/**
 * PEM public keys of {@code accessTokens.publicKeys}: their type (RSA or EC) and which signature
 * algorithms can use them. Checked while the configuration is read, so a key that no configured
 * algorithm can use stops start-up with the key's setting instead of failing inside the JWT
 * library.
 */
public final class PublicKeyPems {
  private PublicKeyPems() {}

  /** The key type an algorithm needs: {@code EC} for ES*, {@code RSA} for RS* and PS*. */
  public static String family(String algorithm) {
    return algorithm.startsWith("ES") ? "EC" : "RSA";
  }

  /**
   * The RSA or EC key of an X.509 {@code PUBLIC KEY} block; throws {@link ConfigException} naming
   * the setting for anything else.
   */
  public static PublicKey read(String pem, String setting) {
    byte[] der;
    try {
      der = Pem.decode(pem, Pem.PUBLIC_KEY);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, e.getMessage());
    }
    for (String type : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception ignored) {
        // try the next key type
      }
    }
    throw new ConfigException(setting, "is neither an RSA nor an EC public key");
  }

  /**
   * Fails when none of the algorithms can verify with this key, e.g. an EC key under {@code
   * algorithms: [RS256]}.
   */
  static String checkUsable(String pem, String setting, List<String> algorithms) {
    String type = read(pem, setting).getAlgorithm();
    for (String alg : algorithms) if (family(alg).equals(type)) return type;
    throw new ConfigException(
        setting,
        "is an "
            + type
            + " key, which none of accessTokens.algorithms "
            + algorithms
            + " can use (RS*/PS* need an RSA key, ES* an EC key): add a matching algorithm or use a matching key");
  }
}
