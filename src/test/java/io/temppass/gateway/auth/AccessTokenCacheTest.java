package io.temppass.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.support.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache of {@link AccessTokenVerifier}: bounded, and never serving a token past
 * its exp.
 */
class AccessTokenCacheTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /**
   * A token verified (and cached) while valid is refused once its exp has passed, and leaves the
   * cache. Breakage caught: an expiry later than the token's exp (e.g. {@code Duration.ofHours(1)}
   * in the cache's {@code Expiry}) serves the cached claims after exp and turns this red.
   */
  @Test
  void cachedTokenIsRefusedOnceItsExpHasPassed() throws Exception {
    AccessTokenVerifier verifier =
        await(AccessTokenVerifier.create(vertx, settings(), AccessTokenVerifier.CACHE_LIMIT));
    long expSeconds = System.currentTimeMillis() / 1000 + 2;
    String bearer =
        "Bearer "
            + AccessTokens.rs256(
                AccessTokens.claims().put("exp", expSeconds), AccessTokens.KEY.getPrivate());

    await(verifier.verify(bearer));
    assertEquals(1, verifier.cachedTokens());

    // No leeway is configured, so the token ends at exp exactly; 5 ms covers the cache's monotonic
    // clock against the wall clock, and is far below the one-second granularity of exp.
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < expSeconds * 1000 + 5) {
      assertTrue(System.currentTimeMillis() < deadline, "the clock did not reach exp");
      Thread.sleep(20);
    }
    assertThrows(ExecutionException.class, () -> await(verifier.verify(bearer)));
    assertEquals(0, verifier.cachedTokens());
  }

  /**
   * More distinct tokens than the bound leave at most the bound cached, and a full cache is not
   * emptied wholesale. Breakage caught: without {@code maximumSize} the cache holds all 120 tokens.
   */
  @Test
  void cacheHoldsAtMostItsBound() throws Exception {
    int limit = 40;
    AccessTokenVerifier verifier = await(AccessTokenVerifier.create(vertx, settings(), limit));

    for (int i = 0; i < 3 * limit; i++) {
      JsonObject claims = AccessTokens.claims().put("sub", "client-" + i);
      await(verifier.verify("Bearer " + AccessTokens.rs256(claims, AccessTokens.KEY.getPrivate())));
      assertTrue(
          verifier.cachedTokens() <= limit,
          "cache holds " + verifier.cachedTokens() + " tokens, bound " + limit);
    }
    assertTrue(
        verifier.cachedTokens() >= limit / 2,
        "a full cache was emptied: " + verifier.cachedTokens() + " tokens left");
  }

  private static GatewayConfig.AccessTokens settings() {
    return new GatewayConfig.AccessTokens(
        AccessTokens.ISSUER,
        List.of("RS256"),
        List.of(AccessTokens.publicKeyPem()),
        null,
        Duration.ofMinutes(10),
        Duration.ofSeconds(30),
        Duration.ZERO,
        "api:client:v2",
        "client_id",
        Map.of(),
        null);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
