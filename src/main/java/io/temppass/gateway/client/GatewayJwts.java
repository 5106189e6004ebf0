package io.temppass.gateway.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.SigningKey;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The JWS the gateway signs for Dynamic Client Registration (software statements and client access
 * tokens) with the {@code dcr.statementKeys} set: one active key signs; every key, retired ones
 * included, verifies, chosen by the header's {@code kid}. Nimbus does the JOSE work; this class
 * only allows ES256 with a known kid and no {@code crit}, so {@code alg: none}, an HMAC keyed with
 * a public key or an unknown key can never be tried.
 */
final class GatewayJwts {
  private static final int MAX_LENGTH = 8 * 1024;

  private final SigningKey active;
  private final ECDSASigner signer;
  private final Map<String, ECDSAVerifier> verifiers = new HashMap<>();

  GatewayJwts(MediaTokenKeys keys) {
    this.active = keys.active();
    try {
      this.signer = new ECDSASigner(active.privateKey());
      for (var jwk : keys.jwkSet().getKeys())
        verifiers.put(jwk.getKeyID(), new ECDSAVerifier(jwk.toECKey()));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("dcr.statementKeys: " + e.getMessage(), e);
    }
  }

  String sign(JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(active.kid())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with " + active.kid(), e);
    }
    return jwt.serialize();
  }

  /** Whether the key named in {@code kid} is one of ours. */
  boolean knows(String kid) {
    return kid != null && verifiers.containsKey(kid);
  }

  /** The claims of a JWS that one of our keys signed; throws {@link Refused} otherwise. */
  JWTClaimsSet verify(String jws) throws Refused {
    if (jws == null || jws.isEmpty() || jws.length() > MAX_LENGTH) throw new Refused("malformed");
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(jws);
    } catch (ParseException | RuntimeException e) {
      // An unsigned JWT (alg none) does not parse as a JWS.
      throw new Refused("malformed");
    }
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()))
      throw new Refused("algorithm not allowed");
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())
      throw new Refused("critical header extension not understood");
    ECDSAVerifier verifier = header.getKeyID() == null ? null : verifiers.get(header.getKeyID());
    if (verifier == null) throw new Refused("unknown kid");
    try {
      if (!jwt.verify(verifier)) throw new Refused("bad signature");
      return jwt.getJWTClaimsSet();
    } catch (JOSEException | ParseException | RuntimeException e) {
      throw new Refused("malformed");
    }
  }
}
