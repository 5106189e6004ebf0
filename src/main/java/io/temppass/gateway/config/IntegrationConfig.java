package io.temppass.gateway.config;

import com.fasterxml.jackson.annotation.JsonValue;
import io.temppass.gateway.config.Problems.Positive;
import io.temppass.gateway.config.Problems.Range;
import java.time.Duration;

/**
 * One serviceProvider + mvpd integration. A TempPass integration whose rule settings are unusable
 * (missing or non-positive {@code ttl}, missing {@code maxResources} for promotional) still loads,
 * as SPEC 4.3 requires: its items are denied {@code invalid_configuration_temporary_access}.
 */
public record IntegrationConfig(
    String serviceProvider,
    String mvpd,
    String displayName,
    Type type,
    boolean active,
    Duration ttl,
    @Range(min = Integer.MIN_VALUE, max = 10_000) Integer maxResources,
    String identityKey,
    @Positive Duration lockoutRetention,
    @Positive Duration resetPeriod,
    Duration resetOffset,
    boolean dummyAuthorization,
    Degradation degradation,
    @Positive Duration degradedTtl,
    String logoUrl,
    @Positive Duration authenticationTtl,
    @Positive Duration authorizationTtl,
    MvpdSettings.Login login,
    MvpdSettings.Authorization authorization) {

  public IntegrationConfig {
    if (displayName == null) displayName = mvpd;
    // Adobe's configuration answers show logoUrl on every mvpd; without a logo it is empty.
    if (logoUrl == null) logoUrl = "";
  }

  /** Adobe's degradation rules for a regular mvpd (SPEC 4.4). */
  public enum Degradation {
    AUTHN_ALL("AuthNAll"),
    AUTHZ_ALL("AuthZAll"),
    AUTHZ_NONE("AuthZNone");

    @JsonValue public final String wireName;

    Degradation(String wireName) {
      this.wireName = wireName;
    }

    public static Degradation parse(String s) {
      for (Degradation d : values()) if (d.wireName.equals(s)) return d;
      throw new IllegalArgumentException(s);
    }
  }

  public enum Type {
    TEMPPASS_BASIC("temppass-basic"),
    TEMPPASS_PROMOTIONAL("temppass-promotional"),
    REGULAR("regular");

    @JsonValue public final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }
  }

  public boolean isTempPass() {
    return type != Type.REGULAR;
  }

  /** Whether the TempPass rule can be applied at all (SPEC 4.3). */
  public boolean tempPassUsable() {
    boolean ttlOk = ttl != null && !ttl.isNegative() && !ttl.isZero();
    return switch (type) {
      case TEMPPASS_BASIC -> ttlOk;
      case TEMPPASS_PROMOTIONAL -> ttlOk && maxResources != null && maxResources > 0;
      case REGULAR -> false;
    };
  }

  /** Milliseconds of the periodic reset, 0 when there is none. */
  public long resetPeriodMillis() {
    return resetPeriod == null ? 0 : resetPeriod.toMillis();
  }

  public long resetOffsetMillis() {
    return resetOffset == null ? 0 : resetOffset.toMillis();
  }

  /** A regular mvpd whose subscribers can sign in here (an MVPD login is configured). */
  public boolean hasMvpdLogin() {
    return type == Type.REGULAR && login != null;
  }

  public String id() {
    return serviceProvider + "/" + mvpd;
  }
}
