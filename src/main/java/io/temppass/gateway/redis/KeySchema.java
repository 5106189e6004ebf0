package io.temppass.gateway.redis;

import io.temppass.gateway.config.IntegrationConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redis key names. Each key carries its whole identity inside one hash tag {@code {…}}, so every
 * script's keys share a slot on Redis Cluster while different devices and identities spread over
 * all slots. The integration is named by a short digest of serviceProvider/mvpd (ids may be 128
 * characters each; a trial key stays about 40 bytes). The generation lets "reset all" be O(1): a
 * new generation makes every old key unreachable, and old keys expire on their own.
 */
public final class KeySchema {
  private final String prefix;
  private final Map<String, String> integrationIds = new ConcurrentHashMap<>();

  public KeySchema(String prefix) {
    this.prefix = prefix;
  }

  public String basicTrial(IntegrationConfig integration, long generation, String deviceHash) {
    return tagged("b", integration, generation, deviceHash);
  }

  public String promoDeviceBinding(
      IntegrationConfig integration, long generation, String deviceHash) {
    return tagged("p", integration, generation, "d:" + deviceHash);
  }

  public String promoTrial(IntegrationConfig integration, long generation, String identityHash) {
    return tagged("p", integration, generation, "i:" + identityHash);
  }

  /**
   * The nonces of device bindings to a trial that a reset by device revoked: shares the trial's
   * hash tag, so the counting script checks it atomically with the count (see promo_bind.lua).
   */
  public String promoRevokedBindings(
      IntegrationConfig integration, long generation, String identityHash) {
    return tagged("r", integration, generation, "i:" + identityHash);
  }

  /** {@code prefix:kind:{integration:generation:subject}}: the whole identity inside the tag. */
  private String tagged(
      String kind, IntegrationConfig integration, long generation, String subject) {
    return prefix
        + ":"
        + kind
        + ":{"
        + integrationId(integration)
        + ":"
        + generation
        + ":"
        + subject
        + "}";
  }

  /** The control-plane hash (degradation rules, generations): one small key, one slot. */
  public String controlKey() {
    return prefix + ":control";
  }

  public String integrationId(IntegrationConfig integration) {
    return integrationIds.computeIfAbsent(integration.id(), KeySchema::digest);
  }

  private static String digest(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
