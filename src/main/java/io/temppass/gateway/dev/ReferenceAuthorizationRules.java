package io.temppass.gateway.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What the reference MVPD answers to {@code POST /mvpd/authorize-resource}: every resource is in
 * the development subscriber's package except the configured deny list, and the parental-controls
 * list is refused with the {@code restrict-pc} obligation. A plain class so the rule reads in one
 * place.
 */
final class ReferenceAuthorizationRules {
  static final String NOT_IN_PACKAGE = "This title is not in the subscriber's package.";
  static final String PARENTAL_CONTROLS =
      "Parental controls restrict this title for this subscriber.";
  static final String UNKNOWN_SUBSCRIBER = "The subscriber is not known to this MVPD.";

  private final String subscriberId;
  private final Set<String> deniedResources;
  private final Set<String> parentalControlResources;
  private final int ttlSeconds;

  ReferenceAuthorizationRules(
      String subscriberId,
      Set<String> deniedResources,
      Set<String> parentalControlResources,
      int ttlSeconds) {
    this.subscriberId = subscriberId;
    this.deniedResources = Set.copyOf(deniedResources);
    this.parentalControlResources = Set.copyOf(parentalControlResources);
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * The decision document for a well-formed query: {@code Permit} with a TTL, or {@code Deny} with
   * a message.
   */
  JsonObject decide(String userId, String resource) {
    if (!subscriberId.equals(userId)) {
      return deny(UNKNOWN_SUBSCRIBER);
    }
    // The package check comes first: a title the subscriber does not pay for is refused as such,
    // whatever its rating.
    if (deniedResources.contains(resource)) {
      return deny(NOT_IN_PACKAGE);
    }
    if (parentalControlResources.contains(resource)) {
      return deny(PARENTAL_CONTROLS)
          .put("obligations", new JsonArray().add(new JsonObject().put("id", "restrict-pc")));
    }
    return new JsonObject().put("decision", "Permit").put("ttl", ttlSeconds);
  }

  private static JsonObject deny(String message) {
    return new JsonObject().put("decision", "Deny").put("message", message);
  }
}
