package io.temppass.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.support.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An access-token key is read by the gateway's PEM codec, and the JWT library is given the key the
 * codec read, so every key that passes the configuration check also verifies tokens.
 */
class AccessTokenKeyFormatTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /**
   * A key with escaped newlines, as an environment variable or a one-line YAML string carries it,
   * verifies tokens. Breakage caught: handing the JWT library the configured text instead of the
   * re-armoured key ({@code setBuffer(pems.get(i))} in {@code fromPems}) fails the creation with
   * "rejected by the JWT library".
   */
  @Test
  void keyWithEscapedNewlinesVerifiesTokens() throws Exception {
    String escaped = AccessTokens.publicKeyPem().replace("\n", "\\n");
    AccessTokenVerifier verifier = await(AccessTokenVerifier.create(vertx, settings(escaped)));

    assertEquals(
        AccessTokens.claims().getString("sub"),
        await(verifier.verify("Bearer " + AccessTokens.valid())).getString("sub"));
  }

  private static GatewayConfig.AccessTokens settings(String publicKeyPem) {
    return new GatewayConfig.AccessTokens(
        AccessTokens.ISSUER,
        List.of("RS256"),
        List.of(publicKeyPem),
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
