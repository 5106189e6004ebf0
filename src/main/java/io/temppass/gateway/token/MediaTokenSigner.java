package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Produces the {@code serializedToken} of a media token: standard Base64 of an ES256 compact JWS,
 * the shape players already pass through to Adobe-style token verifiers.
 *
 * <p>Nimbus JOSE+JWT assembles and signs the JWS; its {@link ECDSASigner} is bound to the provider
 * chosen at construction, so that {@link #signerProvider()} stays truthful. With Corretto 2.5.0 a
 * token costs about 4 % more than with the hand-written path it replaced (load-tests/RESULTS.md,
 * "Signing cost after Nimbus JOSE+JWT"). Thread-safe: a signer per thread (which looks its JCA
 * {@code Signature} up per token), and each token is its own {@link JWSObject}.
 */
public final class MediaTokenSigner {

  static final String JCA_ALGORITHM = "SHA256withECDSA";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SigningKey key;
  private final Provider provider;
  private final JWSHeader header;

  /**
   * A signer per thread, each with its own {@link SecureRandom}: left without one, Nimbus makes a
   * new {@code SecureRandom} (a provider look-up) for every signature, and one shared generator
   * would be contended by the event loops.
   */
  private final ThreadLocal<ECDSASigner> signers;

  /**
   * @throws IllegalStateException if {@code keys} has no active key
   */
  public MediaTokenSigner(MediaTokenKeys keys) {
    this(keys, null);
  }

  /**
   * Signs with {@code preferred} when it can sign with the active key, else with the JDK's choice.
   */
  public MediaTokenSigner(MediaTokenKeys keys, Provider preferred) {
    this.key = keys.active();
    this.provider = preferred != null && canSign(preferred, key) ? preferred : resolveProvider(key);
    this.header = header(key.kid());
    ECPrivateKey signingKey = translate(provider, key.privateKey());
    newSigner(signingKey); // a key Nimbus cannot sign with fails construction, not the first token
    this.signers = ThreadLocal.withInitial(() -> newSigner(signingKey));
  }

  private ECDSASigner newSigner(ECPrivateKey signingKey) {
    try {
      ECDSASigner signer = new ECDSASigner(signingKey);
      signer.getJCAContext().setProvider(provider);
      signer.getJCAContext().setSecureRandom(new SecureRandom());
      return signer;
    } catch (JOSEException e) {
      throw new IllegalStateException("Nimbus cannot sign ES256 with key '" + key.kid() + "'", e);
    }
  }

  public String sign(MediaTokenClaims claims) {
    // Encoded by the JDK: Nimbus's own Base64url encoder takes about 1.2 µs for a payload, the
    // JDK's
    // about 40 ns (load-tests/signing/Base64UrlCost.java, load-tests/RESULTS.md); a Payload made
    // from its Base64URL is not encoded again.
    Base64URL payload =
        new Base64URL(BASE64URL.encodeToString(MediaTokenPayloadWriter.encode(claims)));
    JWSObject jws = new JWSObject(header, new Payload(payload));
    try {
      jws.sign(signers.get());
    } catch (JOSEException e) {
      throw new IllegalStateException("ES256 signing failed with key '" + key.kid() + "'", e);
    }
    return Base64.getEncoder().encodeToString(jws.serialize().getBytes(US_ASCII));
  }

  /**
   * The JOSE header, its members in the order tokens have always carried them ({@code alg}, {@code
   * typ}, {@code kid}): a header parsed from its Base64url keeps those exact bytes (and is not
   * serialised again per token), where one built by Nimbus would write them in hash order.
   */
  private static JWSHeader header(String kid) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("alg", JWSAlgorithm.ES256.getName());
    members.put("typ", JOSEObjectType.JWT.getType());
    members.put("kid", kid);
    try {
      return JWSHeader.parse(Base64URL.encode(JSONObjectUtils.toJSONString(members)));
    } catch (ParseException e) {
      throw new IllegalStateException("cannot build the JWS header for kid '" + kid + "'", e);
    }
  }

  /**
   * Name of the JCA provider that serves {@code SHA256withECDSA} for the active key, e.g. "SunEC".
   */
  public String signerProvider() {
    return provider.getName();
  }

  /**
   * Converted once: handed a JDK key on every call, BouncyCastle rebuilds its curve and the
   * fixed-point precomputation for it each time, which made each signature several times slower.
   */
  private static ECPrivateKey translate(Provider provider, ECPrivateKey privateKey) {
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC", provider).translateKey(privateKey);
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
