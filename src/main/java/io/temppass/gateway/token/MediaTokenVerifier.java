package io.temppass.gateway.token;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a serializedToken the way Adobe's Media Token Verifier does, so programmers can swap
 * one for the other: format, then signature, then validity window, then requestor and resource.
 *
 * <p>No clock skew is allowed: the window is exactly [nbfMs, expMs) as the gateway reported it in
 * the decision response, and both sides are expected to run on NTP-synchronised clocks.
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

  private final MediaTokenKeys publishedKeys;
  private final Clock clock;

  public MediaTokenVerifier(MediaTokenKeys publishedKeys) {
    this(publishedKeys, Clock.systemUTC());
  }

  public MediaTokenVerifier(MediaTokenKeys publishedKeys, Clock clock) {
    this.publishedKeys = Objects.requireNonNull(publishedKeys, "publishedKeys");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param requestorId expected requestor; null skips the check. A mismatch yields
   *     {@link Status#ERROR_UNKNOWN} with detail "requestor mismatch", since the Adobe status set
   *     has no dedicated value and every other status would point at the wrong cause.
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
    ParsedMediaToken token;
    try {
      token = ParsedMediaToken.parse(serializedToken);
    } catch (IllegalArgumentException e) {
      return new Result(Status.INVALID_TOKEN_FORMAT, null, e.getMessage());
    }
    Optional<String> signatureProblem = signatureProblem(token);
    if (signatureProblem.isPresent()) {
      return new Result(Status.INVALID_SIGNATURE, null, signatureProblem.get());
    }
    MediaTokenClaims claims = token.claims();
    long now = clock.millis();
    if (now < claims.notBeforeMillis()) {
      return new Result(Status.TOKEN_EXPIRED, claims,
          "not valid before " + Instant.ofEpochMilli(claims.notBeforeMillis()));
    }
    if (now >= claims.expiresAtMillis()) {
      return new Result(Status.TOKEN_EXPIRED, claims, "expired at " + Instant.ofEpochMilli(claims.expiresAtMillis()));
    }
    if (requestorId != null && !requestorId.equals(claims.requestor())) {
      return new Result(Status.ERROR_UNKNOWN, claims, "requestor mismatch");
    }
    if (resourceId != null && !resourceId.equals(claims.resource())) {
      return new Result(Status.INVALID_RESOURCE_ID, claims, "resource mismatch");
    }
    return new Result(Status.VALID_TOKEN, claims, "valid");
  }

  private Optional<String> signatureProblem(ParsedMediaToken token) {
    Optional<SigningKey> key = publishedKeys.byKid(token.kid());
    if (key.isEmpty()) {
      return Optional.of("unknown kid '" + token.kid() + "'");
    }
    byte[] derSignature;
    try {
      derSignature = EcdsaSignatureFormat.p1363ToDer(token.signature());
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    try {
      Signature verifier = Signature.getInstance(MediaTokenSigner.JCA_ALGORITHM);
      verifier.initVerify(key.get().publicKey());
      verifier.update(token.signingInput());
      return verifier.verify(derSignature) ? Optional.empty() : Optional.of("signature does not verify");
    } catch (GeneralSecurityException e) {
      return Optional.of("signature does not verify: " + e.getMessage());
    }
  }
}
