package io.temppass.gateway.token;

import java.util.Objects;

/**
 * What a media token asserts: this requestor may play this resource through this MVPD, on this
 * device, during [notBefore, expiresAt).
 *
 * <p>The token carries the validity window in exact milliseconds, so it round-trips unchanged;
 * {@code issuedAtMillis} is carried only as the JWT {@code iat} second, so after verification it
 * has whole-second precision.
 *
 * @param tokenId unique id (JWT {@code jti}) so a token can be traced in logs
 * @param deviceHash hash of the device id (claim {@code dev}), never the raw id
 */
public record MediaTokenClaims(
    String requestor,
    String mvpd,
    String resource,
    long issuedAtMillis,
    long notBeforeMillis,
    long expiresAtMillis,
    String tokenId,
    String deviceHash) {

  public MediaTokenClaims {
    Objects.requireNonNull(requestor, "requestor");
    Objects.requireNonNull(mvpd, "mvpd");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(deviceHash, "deviceHash");
  }
}
