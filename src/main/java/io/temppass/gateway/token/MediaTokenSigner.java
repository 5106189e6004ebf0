package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Produces the {@code serializedToken} of a media token: standard Base64 of an ES256 compact JWS,
 * the shape players already pass through to Adobe-style token verifiers.
 *
 * <p>The compact JWS is written into a buffer each thread reuses, with no intermediate {@code
 * String}s or {@code JWSObject}s: the payload by Jackson's streaming generator, the signing input
 * and the token by {@link Base64Into}, the signature by a JCA {@code Signature} each thread keeps
 * bound to the key, its DER turned into JOSE's R||S by Nimbus ({@link ECDSA}). Nimbus still
 * supplies the header, the keys and every verification, and {@code MediaTokenSignerTest} proves the
 * tokens byte-for-byte equal to those Nimbus's own {@code JWSObject} signing writes. The cost per
 * token, this way and Nimbus's: load-tests/RESULTS.md, "Media-token signing without intermediate
 * objects" ({@code load-tests/signing/SigningCpuCost.java}).
 *
 * <p>Thread-safe: the buffers and the {@code Signature} are per thread, each with its own {@link
 * SecureRandom} (one shared generator would be contended by the event loops).
 */
public final class MediaTokenSigner {

  static final String JCA_ALGORITHM = "SHA256withECDSA";

  /** ES256's R||S: two 32-byte integers. */
  private static final int ES256_SIGNATURE_BYTES = 64;

  private final SigningKey key;
  private final Provider provider;
  private final JWSHeader header;
  private final byte[] encodedHeader;
  private final ECPrivateKey signingKey;
  private final Supplier<SecureRandom> randoms;
  private final ThreadLocal<Scratch> scratch;

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
    this(keys, preferred, SecureRandom::new);
  }

  /** With the source of each thread's {@link SecureRandom} (tests make it deterministic). */
  MediaTokenSigner(MediaTokenKeys keys, Provider preferred, Supplier<SecureRandom> randoms) {
    this.key = keys.active();
    this.provider = preferred != null && canSign(preferred, key) ? preferred : resolveProvider(key);
    this.header = header(key.kid());
    this.encodedHeader = header.toBase64URL().toString().getBytes(US_ASCII);
    this.signingKey = translate(provider, key.privateKey());
    this.randoms = randoms;
    newSignature(); // a key the provider cannot sign with fails construction, not the first token
    this.scratch = ThreadLocal.withInitial(Scratch::new);
  }

  private Signature newSignature() {
    try {
      Signature signature = Signature.getInstance(JCA_ALGORITHM, provider);
      signature.initSign(signingKey, randoms.get());
      return signature;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign ES256 with key '" + key.kid() + "'", e);
    }
  }

  /** What one thread reuses from token to token. */
  private final class Scratch {
    final Signature signature = newSignature();
    final Payload payload = new Payload();

    /** The compact JWS: header, '.', payload, then '.', signature. */
    byte[] jws = new byte[1024];

    /** Standard Base64 of the compact JWS. */
    byte[] token = new byte[1400];
  }

  /** The payload's JSON, written by Jackson into a buffer that is kept. */
  private static final class Payload extends ByteArrayOutputStream {
    Payload() {
      super(512);
    }

    byte[] bytes() {
      return buf;
    }
  }

  public String sign(MediaTokenClaims claims) {
    Scratch s = scratch.get();
    s.payload.reset();
    MediaTokenPayloadWriter.write(claims, s.payload);
    int payloadLength = s.payload.size();
    int signedLength = encodedHeader.length + 1 + Base64Into.urlLength(payloadLength);
    int jwsLength = signedLength + 1 + Base64Into.urlLength(ES256_SIGNATURE_BYTES);
    if (s.jws.length < jwsLength) s.jws = new byte[jwsLength * 2];
    byte[] jws = s.jws;
    System.arraycopy(encodedHeader, 0, jws, 0, encodedHeader.length);
    jws[encodedHeader.length] = '.';
    Base64Into.url(s.payload.bytes(), payloadLength, jws, encodedHeader.length + 1);
    byte[] concat;
    try {
      s.signature.update(jws, 0, signedLength);
      concat = ECDSA.transcodeSignatureToConcat(s.signature.sign(), ES256_SIGNATURE_BYTES);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalStateException("ES256 signing failed with key '" + key.kid() + "'", e);
    }
    jws[signedLength] = '.';
    Base64Into.url(concat, concat.length, jws, signedLength + 1);
    int tokenLength = Base64Into.standardLength(jwsLength);
    if (s.token.length < tokenLength) s.token = new byte[tokenLength * 2];
    Base64Into.standard(jws, jwsLength, s.token, 0);
    return new String(s.token, 0, tokenLength, ISO_8859_1);
  }

  /** The JWS header every token carries. */
  JWSHeader header() {
    return header;
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
