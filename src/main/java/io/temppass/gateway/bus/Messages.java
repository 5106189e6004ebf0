package io.temppass.gateway.bus;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import java.util.List;

/** The immutable messages the HTTP, TempPass and token verticles exchange, and their addresses. */
public final class Messages {
  public static final String TEMPPASS_DECIDE = "temppass.decide";
  public static final String TOKEN_SIGN = "token.sign";

  static final List<Class<?>> TYPES = List.of(TempPassRequest.class, TempPassOutcome.class, SignRequest.class, SignedTokens.class);

  private Messages() {}

  /**
   * Decide a TempPass integration for one request. {@code identityHash} is null for basic TempPass;
   * for promotional it is null when the identity header was missing or invalid, which the TempPass
   * verticle turns into item-level denies without touching Redis.
   */
  public record TempPassRequest(IntegrationConfig integration, String deviceHash, String identityHash, List<String> resources) {}

  /** Per-resource outcome, in request order. {@code notBefore}/{@code notAfter} are the decision window of permits. */
  public record TempPassOutcome(List<Item> items, long notBefore, long notAfter) {}

  /** One resource's outcome: {@code error} null means permit. */
  public record Item(String resource, ErrorCode error) {
    public boolean permitted() {
      return error == null;
    }
  }

  /** Sign one media token per resource, all with the same window. */
  public record SignRequest(String serviceProvider, String mvpd, String deviceHash, List<String> resources, long notBefore, long notAfter) {}

  /** Serialized tokens in the order of {@link SignRequest#resources()}. */
  public record SignedTokens(List<String> tokens) {}
}
