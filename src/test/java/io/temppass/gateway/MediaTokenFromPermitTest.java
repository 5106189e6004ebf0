package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.token.MediaTokenVerifier;
import io.temppass.gateway.token.MediaTokenVerifier.Status;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token taken from a real permit, checked against the keys the gateway publishes at its JWKS
 * endpoint.
 */
@ExtendWith(VertxExtension.class)
class MediaTokenFromPermitTest {

  @Test
  void a_permit_token_verifies_with_the_published_keys(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  api.get("/.well-known/jwks.json")
                      .compose(
                          jwks ->
                              api.authorize(
                                      "apasstest1",
                                      "TempPass_TEST40",
                                      "token-device",
                                      null,
                                      "REF30")
                                  .map(
                                      res ->
                                          new Object[] {
                                            jwks.bodyAsJsonObject(),
                                            res.getJsonArray("decisions").getJsonObject(0)
                                          }))
                      .onComplete(
                          ctx.succeeding(
                              pair ->
                                  ctx.verify(
                                      () -> {
                                        JsonObject published = (JsonObject) pair[0];
                                        JsonObject decision = (JsonObject) pair[1];
                                        JsonObject token = decision.getJsonObject("token");
                                        String serialized = token.getString("serializedToken");
                                        com.nimbusds.jose.jwk.JWKSet keys =
                                            com.nimbusds.jose.jwk.JWKSet.parse(published.encode());

                                        MediaTokenVerifier now =
                                            new MediaTokenVerifier(keys, Clock.systemUTC());
                                        MediaTokenVerifier.Result valid =
                                            now.verify(serialized, "apasstest1", "REF30");
                                        assertEquals(
                                            Status.VALID_TOKEN, valid.status(), valid.detail());
                                        assertEquals(
                                            "TempPass_TEST40", valid.claimsOrNull().mvpd());
                                        assertEquals(
                                            token.getLong("notBefore"),
                                            valid.claimsOrNull().notBeforeMillis());
                                        assertEquals(
                                            token.getLong("notAfter"),
                                            valid.claimsOrNull().expiresAtMillis());
                                        assertEquals(
                                            Status.VALID_TOKEN,
                                            now.verify(serialized, "apasstest1", null).status());

                                        assertEquals(
                                            Status.INVALID_RESOURCE_ID,
                                            now.verify(serialized, "apasstest1", "OTHER").status());

                                        MediaTokenVerifier later =
                                            new MediaTokenVerifier(
                                                keys,
                                                Clock.fixed(
                                                    Instant.ofEpochMilli(
                                                        token.getLong("notAfter") + 1),
                                                    ZoneOffset.UTC));
                                        assertEquals(
                                            Status.TOKEN_EXPIRED,
                                            later
                                                .verify(serialized, "apasstest1", "REF30")
                                                .status());

                                        assertEquals(
                                            Status.INVALID_SIGNATURE,
                                            now.verify(
                                                    tamperPayload(serialized),
                                                    "apasstest1",
                                                    "REF30")
                                                .status());
                                        assertEquals(
                                            Status.INVALID_TOKEN_FORMAT,
                                            now.verify(
                                                    "PHNpZ25hdHVyZUluZm8...", "apasstest1", "REF30")
                                                .status());
                                        api.close();
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }

  /** Swaps the resource inside the signed payload, keeping the original signature. */
  private static String tamperPayload(String serialized) {
    String jws = new String(Base64.getDecoder().decode(serialized), StandardCharsets.US_ASCII);
    String[] parts = jws.split("\\.");
    JsonObject payload =
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .put("resource", "OTHER");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    return Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.US_ASCII));
  }
}
