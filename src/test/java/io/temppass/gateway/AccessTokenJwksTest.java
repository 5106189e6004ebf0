package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Access-token keys from a JWKS: rotation in, rotation out, unknown kids, and client-to-provider mapping. */
@ExtendWith(VertxExtension.class)
class AccessTokenJwksTest {
  static final KeyPair FIRST = AccessTokens.KEY;
  static final KeyPair SECOND = AccessTokens.OTHER_KEY;

  private static void publish(Path jwks, JsonObject... keys) throws Exception {
    Path tmp = jwks.resolveSibling("jwks.tmp");
    Files.writeString(tmp, new JsonObject().put("keys", new JsonArray(java.util.List.of((Object[]) keys))).encode());
    Files.move(tmp, jwks, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String token(KeyPair key, String kid) {
    return "Bearer " + AccessTokens.rs256(AccessTokens.claims(), key.getPrivate(), kid);
  }

  private static Future<Integer> status(Api api, String bearer) {
    return api.decisions("apasstest1", "TempPass_TEST40", "jwks-device").putHeader("Authorization", bearer)
        .sendJsonObject(Api.body("REF30")).map(HttpResponse::statusCode);
  }

  @Test
  void keys_rotate_in_on_an_unknown_kid_and_out_on_refresh(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, AccessTokens.jwk(FIRST, "k1"));
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("accessTokens").remove("publicKeys");
    config.getJsonObject("accessTokens").put("jwks", "file:" + jwks).put("jwksRefreshInterval", "300ms").put("jwksMinRefreshInterval", "100ms");
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port());
      status(api, token(FIRST, "k1"))
          .compose(first -> {
            ctx.verify(() -> assertEquals(200, first));
            return status(api, token(SECOND, "k2"));
          })
          .compose(unknown -> {
            ctx.verify(() -> assertEquals(401, unknown, "k2 is not published yet"));
            try {
              publish(jwks, AccessTokens.jwk(FIRST, "k1"), AccessTokens.jwk(SECOND, "k2"));
            } catch (Exception e) {
              return Future.failedFuture(e);
            }
            // Past the debounce, an unknown kid triggers a refresh that finds the new key.
            return vertx.timer(150).compose(v -> status(api, token(SECOND, "k2")));
          })
          .compose(rotatedIn -> {
            ctx.verify(() -> assertEquals(200, rotatedIn));
            try {
              publish(jwks, AccessTokens.jwk(SECOND, "k2"));
            } catch (Exception e) {
              return Future.failedFuture(e);
            }
            // The scheduled refresh (every 300 ms) drops k1 even though k1 was a known kid.
            return vertx.timer(1000).compose(v -> Future.all(status(api, token(FIRST, "k1")), status(api, token(SECOND, "k2"))));
          })
          .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
            assertEquals(401, (int) after.resultAt(0), "a key rotated out of the JWKS is no longer trusted");
            assertEquals(200, (int) after.resultAt(1));
            g.stop().onComplete(ctx.succeedingThenComplete());
          })));
    }));
  }

  @Test
  void start_up_fails_when_the_jwks_holds_no_usable_key(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path jwks = dir.resolve("jwks.json");
    publish(jwks, new JsonObject().put("kty", "oct").put("k", "c2VjcmV0").put("kid", "hmac"));
    JsonObject config = TestGateway.config();
    config.getJsonObject("accessTokens").remove("publicKeys");
    config.getJsonObject("accessTokens").put("jwks", "file:" + jwks);
    TestGateway.start(vertx, config).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertEquals(true, err.getMessage().startsWith("accessTokens.jwks:"), err.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void a_client_not_registered_for_the_service_provider_gets_401(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"), TestGateway.basic("REF30", "TempPass", "1h"));
    config.getJsonObject("accessTokens").put("clientServiceProviders",
        new JsonObject().put(AccessTokens.claims().getString("sub"), new JsonArray().add("REF30")));
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port());
      Future<HttpResponse<Buffer>> other = api.decisions("apasstest1", "TempPass_TEST40", "d").sendJsonObject(Api.body("REF30"));
      Future<HttpResponse<Buffer>> own = api.decisions("REF30", "TempPass", "d").sendJsonObject(Api.body("REF30"));
      Future.all(other, own).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertEquals(401, other.result().statusCode());
        assertEquals("invalid_access_token_service_provider", other.result().bodyAsJsonObject().getString("code"));
        assertEquals(200, own.result().statusCode());
        g.stop().onComplete(ctx.succeedingThenComplete());
      })));
    }));
  }
}
