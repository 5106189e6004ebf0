package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a running gateway, a token it issued is refused once {@code expires_in} has passed, even
 * though the verifier cached it while valid. Catches: the cache entry of a gateway token outliving
 * its {@code exp}.
 */
@ExtendWith(VertxExtension.class)
class GatewayTokenExpiryTest {
  @Test
  void a_gateway_token_is_refused_after_expires_in(Vertx vertx) throws Exception {
    JsonObject config =
        Dcr.with(
            TestGateway.with(
                TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h")));
    config.getJsonObject("dcr").put("accessTokenLifetime", "5s");
    config.getJsonObject("accessTokens").put("leeway", "0s");
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    try {
      String statement = Dcr.created(api, Dcr.app("apasstest1")).getString("software_statement");
      JsonObject client = Dcr.client(api, statement);
      HttpResponse<Buffer> issued =
          Dcr.token(api, client.getString("client_id"), client.getString("client_secret"))
              .await(10, TimeUnit.SECONDS);
      assertEquals(5, issued.bodyAsJsonObject().getLong("expires_in"));
      String token = issued.bodyAsJsonObject().getString("access_token");
      HttpResponse<Buffer> fresh =
          api.decisions("apasstest1", "TempPass_TEST40", "expiry-device")
              .putHeader("Authorization", "Bearer " + token)
              .sendJsonObject(Api.body("r1"))
              .await(10, TimeUnit.SECONDS);
      assertEquals(200, fresh.statusCode(), "accepted (and cached) while valid");
      HttpResponse<Buffer> late =
          Eventually.poll(
                  vertx,
                  Duration.ofSeconds(20),
                  () ->
                      api.decisions("apasstest1", "TempPass_TEST40", "expiry-device")
                          .putHeader("Authorization", "Bearer " + token)
                          .sendJsonObject(Api.body("r1")),
                  r -> r.statusCode() == 401)
              .await(30, TimeUnit.SECONDS);
      assertEquals(401, late.statusCode(), late.bodyAsString());
      assertEquals(
          "invalid_access_token_client_application", late.bodyAsJsonObject().getString("code"));
    } finally {
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
