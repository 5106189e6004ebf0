package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.ResourceDigest;

/**
 * Redis key names of the regular-MVPD path. As everywhere, each key's identity sits inside one hash
 * tag, so one script's keys share a Redis Cluster slot while sessions, devices and decisions spread
 * over all slots; integrations are named by {@link KeySchema}'s short digest. Device ids appear
 * only as keyed hashes, resources only as fixed-size digests.
 */
final class MvpdKeys {
  private final String prefix;
  private final KeySchema schema;

  MvpdKeys(String prefix) {
    this.prefix = prefix;
    this.schema = new KeySchema(prefix);
  }

  /** An authentication session, by its (upper-case) code. */
  String session(String code) {
    return prefix + ":s:{" + code + "}";
  }

  /** A device's regular profile for one integration. */
  String profile(IntegrationConfig integration, String deviceHash) {
    return prefix + ":a:{" + schema.integrationId(integration) + ":" + deviceHash + "}";
  }

  /** A cached MVPD decision of one profile generation for one resource. */
  String decision(IntegrationConfig integration, String generation, String resource) {
    return prefix
        + ":z:{"
        + schema.integrationId(integration)
        + ":"
        + generation
        + ":"
        + ResourceDigest.of(resource)
        + "}";
  }

  /** The fill lock beside {@link #decision}: the same slot. */
  static String fillLock(String decisionKey) {
    return decisionKey + ":l";
  }
}
