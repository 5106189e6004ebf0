package io.temppass.gateway.bus;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.redis.ResourceDigest;
import java.util.List;
import java.util.Set;

/**
 * The immutable messages the HTTP, TempPass and token verticles exchange ({@link TempPassApi},
 * {@link TokenApi}).
 */
public final class Messages {
  private Messages() {}

  /**
   * Decide a TempPass integration for one request. {@code identityHash} is null for basic TempPass;
   * for promotional it is null when the identity header was missing or invalid, which the TempPass
   * verticle turns into item-level denies without touching Redis.
   */
  public record TempPassRequest(
      IntegrationConfig integration,
      String deviceHash,
      String identityHash,
      List<String> resources) {}

  /**
   * Per-resource outcome, in request order. {@code notBefore}/{@code notAfter} are the decision
   * window of permits.
   */
  public record TempPassOutcome(List<Item> items, long notBefore, long notAfter) {}

  /** One resource's outcome: {@code error} null means permit. */
  public record Item(String resource, ErrorCode error) {
    public boolean permitted() {
      return error == null;
    }
  }

  /**
   * Read a TempPass profile without starting any clock; {@code identityHash} as in {@link
   * TempPassRequest}.
   */
  public record ProfileRequest(
      IntegrationConfig integration, String deviceHash, String identityHash) {}

  /**
   * A profile: {@code error} null means {@code 200}, with the live pass (or, when {@code started}
   * is false, the projected one). {@code trialHash} names the trial for the profile's {@code
   * userID}; {@code remaining} and {@code usedAssets} are for promotional TempPass only. {@code
   * usedAssets} shows each granted resource by its first bytes only; {@link #used(String)} tells
   * whether an exact resource was granted.
   */
  public record ProfileOutcome(
      ErrorCode error,
      boolean started,
      long notBefore,
      long notAfter,
      String trialHash,
      int remaining,
      List<String> usedAssets,
      Set<String> usedDigests) {
    /**
     * Whether the trial already granted exactly this resource: compared by digest, as the trial
     * stores it.
     */
    public boolean used(String resource) {
      return usedDigests.contains(ResourceDigest.of(resource));
    }
  }

  /** What a reset covers: one device, one identity, or every trial of the integration. */
  public enum ResetScope {
    DEVICE,
    IDENTITY,
    ALL
  }

  /** Reset TempPass trials; {@code hash} is the device or identity hash (null for ALL). */
  public record ResetRequest(IntegrationConfig integration, ResetScope scope, String hash) {}

  /** Sign one media token per resource, all with the same window. */
  public record SignRequest(
      String serviceProvider,
      String mvpd,
      String deviceHash,
      List<String> resources,
      long notBefore,
      long notAfter) {}

  /** Serialized tokens in the order of {@link SignRequest#resources()}. */
  public record SignedTokens(List<String> tokens) {}
}
