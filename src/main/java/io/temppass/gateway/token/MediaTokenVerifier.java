package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a serializedToken the way Adobe's Media Token Verifier does, so programmers can swap one
 * for the other: format, then signature, then validity window, then requestor and resource.
 *
 * <p>No clock skew is allowed: the window is exactly [nbfMs, expMs) as the gateway reported it in
 * the decision response, and both sides are expected to run on NTP-synchronised clocks.
 *
 * <p>Depends on the JDK and Nimbus JOSE+JWT only, so it ships alone in the media-token verifier jar
 * that playback backends use without the gateway.
 *
 * <p>Never throws; every outcome, including bugs, is reported as a {@link Result}.
 */
public final class MediaTokenVerifier {

  public enum Status {
    VALID_TOKEN,
    INVALID_TOKEN_FORMAT,
    INVALID_SIGNATURE,
    TOKEN_EXPIRED,
    INVALID_RESOURCE_ID,
    ERROR_UNKNOWN
  }

  /**
   * @param claimsOrNull set once the signature has been verified, so callers never act on forged
   *     claims; null for format and signature failures
   * @param detail human-readable reason, for logs rather than for end users
   */
  public record Result(Status status, MediaTokenClaims claimsOrNull, String detail) {

    public boolean isValid() {
      return status == Status.VALID_TOKEN;
    }
  }

  private final Map<String, ECDSAVerifier> verifiersByKid;
  private final Clock clock;

  /**
   * @see #MediaTokenVerifier(JWKSet, Clock)
   */
  public MediaTokenVerifier(JWKSet publishedKeys) {
    this(publishedKeys, Clock.systemUTC());
  }

  /**
   * @param publishedKeys the gateway's JWKS ({@code GET /jwks}), active and retired keys
   * @throws IllegalArgumentException if a key is not an ES256 (EC P-256) signing key or a kid is
   *     missing or repeated, so a wrong JWKS fails where it is loaded rather than token by token
   */
  public MediaTokenVerifier(JWKSet publishedKeys, Clock clock) {
    this.verifiersByKid =
        verifiers(Objects.requireNonNull(publishedKeys, "publishedKeys").getKeys());
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The key as an ES256 verification key.
   *
   * @throws IllegalArgumentException unless it is an EC P-256 key with a kid, for signatures
   *     ({@code use}, when present) with ES256 ({@code alg}, when present)
   */
  static ECKey requireMediaTokenKey(JWK jwk) {
    if (!(jwk instanceof ECKey key) || !Curve.P_256.equals(key.getCurve())) {
      throw new IllegalArgumentException(
          "must be an EC key on P-256 (\"kty\":\"EC\", \"crv\":\"P-256\")");
    }
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      throw new IllegalArgumentException("\"use\" must be \"sig\"");
    }
    if (key.getAlgorithm() != null && !JWSAlgorithm.ES256.equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("\"alg\" must be \"ES256\"");
    }
    if (key.getKeyID() == null || key.getKeyID().isEmpty()) {
      throw new IllegalArgumentException("\"kid\" is missing");
    }
    return key;
  }

  /**
   * @param requestorId expected requestor; null skips the check. A mismatch yields {@link
   *     Status#ERROR_UNKNOWN} with detail "requestor mismatch", since the Adobe status set has no
   *     dedicated value and every other status would point at the wrong cause.
   * @param resourceIdOrNull expected resource; null checks only format, signature and window
   */
  public Result verify(String serializedToken, String requestorId, String resourceIdOrNull) {
    try {
      return check(serializedToken, requestorId, resourceIdOrNull);
    } catch (RuntimeException e) {
      return new Result(Status.ERROR_UNKNOWN, null, "unexpected error: " + e);
    }
  }

  private Result check(String serializedToken, String requestorId, String resourceId) {
    JWSObject token;
    MediaTokenClaims claims;
    try {
      token = parse(serializedToken);
      claims = MediaTokenPayload.fromJson(payload(token));
    } catch (IllegalArgumentException e) {
      return new Result(Status.INVALID_TOKEN_FORMAT, null, e.getMessage());
    }
    String signatureProblem = signatureProblem(token);
    if (signatureProblem != null) {
      return new Result(Status.INVALID_SIGNATURE, null, signatureProblem);
    }
    long now = clock.millis();
    if (now < claims.notBeforeMillis()) {
      return new Result(
          Status.TOKEN_EXPIRED,
          claims,
          "not valid before " + Instant.ofEpochMilli(claims.notBeforeMillis()));
    }
    if (now >= claims.expiresAtMillis()) {
      return new Result(
          Status.TOKEN_EXPIRED,
          claims,
          "expired at " + Instant.ofEpochMilli(claims.expiresAtMillis()));
    }
    if (requestorId != null && !requestorId.equals(claims.requestor())) {
      return new Result(Status.ERROR_UNKNOWN, claims, "requestor mismatch");
    }
    if (resourceId != null && !resourceId.equals(claims.resource())) {
      return new Result(Status.INVALID_RESOURCE_ID, claims, "resource mismatch");
    }
    return new Result(Status.VALID_TOKEN, claims, "valid");
  }

  /**
   * The compact JWS inside the standard Base64 of a serializedToken, its structure checked but not
   * its signature.
   *
   * @throws IllegalArgumentException describing the first structural problem
   */
  private static JWSObject parse(String serializedToken) {
    if (serializedToken == null || serializedToken.isEmpty()) {
      throw new IllegalArgumentException("token is empty");
    }
    String compact;
    try {
      compact = new String(Base64.getDecoder().decode(serializedToken), US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("token is not standard Base64");
    }
    JWSObject token;
    try {
      token = JWSObject.parse(compact);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a compact JWS: " + e.getMessage());
    }
    if (!JWSAlgorithm.ES256.equals(token.getHeader().getAlgorithm())) {
      throw new IllegalArgumentException("header alg must be ES256");
    }
    String kid = token.getHeader().getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw new IllegalArgumentException("header kid is missing");
    }
    // The gateway understands no JWS extension (RFC 7515 §4.1.11).
    if (token.getHeader().getCriticalParams() != null) {
      throw new IllegalArgumentException("header crit is not supported");
    }
    return token;
  }

  private static Map<String, Object> payload(JWSObject token) {
    Map<String, Object> payload = token.getPayload().toJSONObject();
    if (payload == null) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    return payload;
  }

  /** Null when the token's kid names a published key whose signature verifies, else the reason. */
  private String signatureProblem(JWSObject token) {
    String kid = token.getHeader().getKeyID();
    ECDSAVerifier verifier = verifiersByKid.get(kid);
    if (verifier == null) {
      return "unknown kid '" + kid + "'";
    }
    try {
      // Checked first for a precise reason: the verifier below also refuses such values, but only
      // says "false".
      ECDSA.ensureLegalSignature(token.getSignature().decode(), JWSAlgorithm.ES256);
    } catch (JOSEException e) {
      return "signature r or s out of range: " + e.getMessage();
    }
    try {
      return token.verify(verifier) ? null : "signature does not verify";
    } catch (JOSEException e) {
      return "signature does not verify: " + e.getMessage();
    }
  }

  private static Map<String, ECDSAVerifier> verifiers(List<JWK> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("the JWKS holds no key");
    }
    Map<String, ECDSAVerifier> verifiers = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      try {
        ECKey key = requireMediaTokenKey(keys.get(i));
        if (verifiers.put(key.getKeyID(), new ECDSAVerifier(key)) != null) {
          throw new IllegalArgumentException("duplicate kid '" + key.getKeyID() + "'");
        }
      } catch (JOSEException | RuntimeException e) {
        throw new IllegalArgumentException("JWKS key #" + i + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(verifiers);
  }
}
