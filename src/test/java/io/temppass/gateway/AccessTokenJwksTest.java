package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access-token keys from a JWKS: rotation in, rotation out, unknown kids, and client-to-provider
 * mapping.
 */
@ExtendWith(VertxExtension.class)
class AccessTokenJwksTest {
  static final KeyPair FIRST = AccessTokens.KEY;
  static final KeyPair SECOND = AccessTokens.OTHER_KEY;

  private static void publish(Path jwks, JsonObject... keys) throws Exception {
    Path tmp = jwks.resolveSibling("jwks.tmp");
    Files.writeString(
        tmp,
        new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) keys))).encode());
    Files.move(
        tmp,
        jwks,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String token(KeyPair key, String kid) {
    return "Bearer " + AccessTokens.rs256(AccessTokens.claims(), key.getPrivate(), kid);
  }

  private static Future<Integer> status(Api api, String bearer) {
    return api.decisions("apasstest1", "TempPass_TEST40", "jwks-device")
        .putHeader("Authorization", bearer)
        .sendJsonObject(Api.body("REF30"))
        .map(HttpResponse::statusCode);
  }

  /**
   * A key published after start-up is found by the refresh an unknown kid triggers. The scheduled
   * refresh is an hour away, so only the on-demand one can turn the 401 into a 200; the test polls
   * until it does instead of sleeping past the debounce. Caught breakage: {@code
   * refreshForUnknownKid} answering without reading the JWKS leaves k2 at 401 until the deadline.
   */
  @Test
  void a_key_rotates_in_on_an_unknown_kid(Vertx vertx, VertxTestContext ctx, @TempDir Path dir)
      throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, AccessTokens.jwk(FIRST, "k1"));
    TestGateway.start(vertx, jwksConfig(jwks, "1h"))
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  status(api, token(FIRST, "k1"))
                      .compose(
                          first -> {
                            ctx.verify(() -> assertEquals(200, first));
                            return status(api, token(SECOND, "k2"));
                          })
                      .compose(
                          unknown -> {
                            ctx.verify(() -> assertEquals(401, unknown, "k2 is not published yet"));
                            try {
                              publish(
                                  jwks,
                                  AccessTokens.jwk(FIRST, "k1"),
                                  AccessTokens.jwk(SECOND, "k2"));
                            } catch (Exception e) {
                              return Future.failedFuture(e);
                            }
                            return Eventually.poll(
                                vertx,
                                Duration.ofSeconds(10),
                                () -> status(api, token(SECOND, "k2")),
                                s -> s == 200);
                          })
                      .onComplete(
                          ctx.succeeding(
                              rotatedIn ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(
                                            200,
                                            rotatedIn,
                                            "a key published after start-up is trusted once its kid is seen");
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  /**
   * A key removed from the JWKS stops being trusted at the next scheduled refresh, although its kid
   * is known and so never triggers an on-demand one. Polls until k1 is refused. Caught breakage: no
   * periodic timer in {@code AccessTokenVerifier.create} keeps k1 at 200 until the deadline.
   */
  @Test
  void a_key_rotates_out_on_the_scheduled_refresh(
      Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, AccessTokens.jwk(FIRST, "k1"), AccessTokens.jwk(SECOND, "k2"));
    TestGateway.start(vertx, jwksConfig(jwks, "300ms"))
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  Future.all(status(api, token(FIRST, "k1")), status(api, token(SECOND, "k2")))
                      .compose(
                          before -> {
                            ctx.verify(
                                () -> {
                                  assertEquals(200, (int) before.resultAt(0));
                                  assertEquals(200, (int) before.resultAt(1));
                                });
                            try {
                              publish(jwks, AccessTokens.jwk(SECOND, "k2"));
                            } catch (Exception e) {
                              return Future.failedFuture(e);
                            }
                            return Eventually.poll(
                                vertx,
                                Duration.ofSeconds(10),
                                () -> status(api, token(FIRST, "k1")),
                                s -> s == 401);
                          })
                      .compose(
                          rotatedOut ->
                              status(api, token(SECOND, "k2"))
                                  .map(k2 -> new int[] {rotatedOut, k2}))
                      .onComplete(
                          ctx.succeeding(
                              after ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(
                                            401,
                                            after[0],
                                            "a key rotated out of the JWKS is no longer trusted");
                                        assertEquals(200, after[1]);
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  private static JsonObject jwksConfig(Path jwks, String refreshInterval) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("accessTokens").remove("publicKeys");
    config
        .getJsonObject("accessTokens")
        .put("jwks", "file:" + jwks)
        .put("jwksRefreshInterval", refreshInterval)
        .put("jwksMinRefreshInterval", "100ms");
    return config;
  }

  @Test
  void start_up_fails_when_the_jwks_holds_no_usable_key(
      Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, new JsonObject().put("kty", "oct").put("k", "c2VjcmV0").put("kid", "hmac"));
    JsonObject config = TestGateway.config();
    config.getJsonObject("accessTokens").remove("publicKeys");
    config.getJsonObject("accessTokens").put("jwks", "file:" + jwks);
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertEquals(
                              true,
                              err.getMessage().startsWith("accessTokens.jwks:"),
                              err.getMessage());
                          ctx.completeNow();
                        })));
  }

  /** An RSA JWK whose modulus is not Base64url: vertx-auth-jwt logs it and skips it. */
  private static JsonObject brokenJwk(String kid) {
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "RS256")
        .put("n", "@@@")
        .put("e", "AQAB");
  }

  /** RS256 in the header, no signature at all. */
  private static String unsignedRs256(String kid) {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    return "Bearer "
        + b64.encodeToString(
            new JsonObject().put("alg", "RS256").put("kid", kid).encode().getBytes())
        + "."
        + b64.encodeToString(AccessTokens.claims().encode().getBytes())
        + ".";
  }

  /**
   * A JWKS none of whose keys loads is no key set: vertx-auth-jwt left without a key runs
   * "unsecured" and accepted unsigned tokens. Start-up fails naming the setting. Caught breakage:
   * counting the JWKs handed to the library instead of those it loaded (as before the fix).
   */
  @Test
  void start_up_fails_when_no_key_of_the_jwks_loads(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, brokenJwk("k1"));
    Throwable err =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () -> TestGateway.start(vertx, jwksConfig(jwks, "1h")).await(30, TimeUnit.SECONDS));
    assertEquals(true, err.getMessage().startsWith("accessTokens.jwks:"), err.getMessage());
  }

  /**
   * A refresh that brings only keys that do not load keeps the keys it had, and a token without a
   * signature is refused whatever the keys. Before the fix the refreshed set had no key, and the
   * unsigned token below was answered 200.
   */
  @Test
  void an_unsigned_token_is_refused_after_a_refresh_to_keys_that_do_not_load(
      Vertx vertx, @TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, AccessTokens.jwk(FIRST, "k1"));
    Gateway g = TestGateway.start(vertx, jwksConfig(jwks, "1h")).await(30, TimeUnit.SECONDS);
    try {
      Api api = new Api(vertx, g.port());
      assertEquals(200, status(api, token(FIRST, "k1")).await(10, TimeUnit.SECONDS));
      publish(jwks, brokenJwk("k9"));
      // Past jwksMinRefreshInterval (100 ms) since the start-up load, so the unknown kid triggers a
      // refresh, and the answer comes after it.
      vertx.timer(500).await(5, TimeUnit.SECONDS);
      assertEquals(401, status(api, unsignedRs256("k9")).await(10, TimeUnit.SECONDS));
      assertEquals(401, status(api, unsignedRs256("k1")).await(10, TimeUnit.SECONDS));
      assertEquals(
          200,
          status(api, token(FIRST, "k1")).await(10, TimeUnit.SECONDS),
          "the keys loaded before are kept");
    } finally {
      g.stop().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void a_client_not_registered_for_the_service_provider_gets_401(
      Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"),
            TestGateway.basic("REF30", "TempPass", "1h"));
    config
        .getJsonObject("accessTokens")
        .put(
            "clientServiceProviders",
            new JsonObject()
                .put(AccessTokens.claims().getString("sub"), new JsonArray().add("REF30")));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  Future<HttpResponse<Buffer>> other =
                      api.decisions("apasstest1", "TempPass_TEST40", "d")
                          .sendJsonObject(Api.body("REF30"));
                  Future<HttpResponse<Buffer>> own =
                      api.decisions("REF30", "TempPass", "d").sendJsonObject(Api.body("REF30"));
                  Future.all(other, own)
                      .onComplete(
                          ctx.succeeding(
                              v ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(401, other.result().statusCode());
                                        assertEquals(
                                            "invalid_access_token_service_provider",
                                            other.result().bodyAsJsonObject().getString("code"));
                                        assertEquals(200, own.result().statusCode());
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }
}
