package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.util.Base64;

/**
 * Produces the {@code serializedToken} of a media token: standard Base64 of an ES256 compact JWS,
 * the shape players already pass through to Adobe-style token verifiers.
 *
 * <p>Thread-safe: a JCA {@link Signature} is stateful, so each thread keeps its own instance (looking
 * one up per token cost a provider search each time), pinned to the provider chosen at construction
 * so that {@link #signerProvider()} stays truthful; {@code initSign} resets it for every token.
 */
public final class MediaTokenSigner {

  static final String JCA_ALGORITHM = "SHA256withECDSA";

  private final SigningKey key;
  private final Provider provider;
  /** The active private key in the signing provider's own representation (see the constructor). */
  private final java.security.PrivateKey signingKey;
  private final String encodedHeader;
  private final ThreadLocal<Signature> signatures;

  /** @throws IllegalStateException if {@code keys} has no active key */
  public MediaTokenSigner(MediaTokenKeys keys) {
    this(keys, null);
  }

  /** Signs with {@code preferred} when it can sign with the active key, else with the JDK's choice. */
  public MediaTokenSigner(MediaTokenKeys keys, Provider preferred) {
    this.key = keys.active();
    this.provider = preferred != null && canSign(preferred, key) ? preferred : resolveProvider(key);
    this.signingKey = translate(provider, key.privateKey());
    JsonObject header = new JsonObject()
        .put("alg", Jws.ALGORITHM)
        .put("typ", "JWT")
        .put("kid", key.kid());
    this.encodedHeader = Jws.encodeSegment(header.encode().getBytes(UTF_8));
    Provider chosen = provider;
    this.signatures = ThreadLocal.withInitial(() -> {
      try {
        return Signature.getInstance(JCA_ALGORITHM, chosen);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("no " + JCA_ALGORITHM + " in " + chosen.getName(), e);
      }
    });
  }

  public String sign(MediaTokenClaims claims) {
    String signingInput = encodedHeader + '.'
        + Jws.encodeSegment(MediaTokenPayload.encode(claims));
    byte[] derSignature;
    try {
      Signature signature = signatures.get();
      signature.initSign(signingKey);
      signature.update(signingInput.getBytes(US_ASCII));
      derSignature = signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ES256 signing failed with key '" + key.kid() + "'", e);
    }
    String compactJws = signingInput + '.' + Jws.encodeSegment(EcdsaSignatureFormat.derToP1363(derSignature));
    return Base64.getEncoder().encodeToString(compactJws.getBytes(US_ASCII));
  }

  /** Name of the JCA provider that serves {@code SHA256withECDSA} for the active key, e.g. "SunEC". */
  public String signerProvider() {
    return provider.getName();
  }

  /**
   * Converted once: handed a JDK key on every call, BouncyCastle rebuilds its curve and the fixed-point
   * precomputation for it each time, which made each signature several times slower.
   */
  private static java.security.PrivateKey translate(Provider provider, java.security.PrivateKey privateKey) {
    try {
      return (java.security.PrivateKey) java.security.KeyFactory.getInstance("EC", provider).translateKey(privateKey);
    } catch (GeneralSecurityException | RuntimeException e) {
      return privateKey;
    }
  }

  private static boolean canSign(Provider provider, SigningKey key) {
    try {
      Signature probe = Signature.getInstance(JCA_ALGORITHM, provider);
      probe.initSign(key.privateKey());
      probe.update(new byte[1]);
      probe.sign();
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The provider is only fixed once a key is bound, because JCA selects providers lazily. */
  private static Provider resolveProvider(SigningKey key) {
    try {
      Signature probe = Signature.getInstance(JCA_ALGORITHM);
      probe.initSign(key.privateKey());
      return probe.getProvider();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no JCA provider can sign " + JCA_ALGORITHM, e);
    }
  }
}
