package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /o/client/register} and {@code /o/client/token} share the per-IP bucket of {@code
 * /api/v2/}, as Adobe's throttling page lists them. The refill is one request a minute, so no
 * scheduling hiccup adds a token during the test. Catches: the DCR routes mounted without the
 * throttle.
 */
@ExtendWith(VertxExtension.class)
class ClientRegistrationThrottleTest {
  @Test
  void dcr_calls_are_throttled_with_the_v2_api(Vertx vertx) throws Exception {
    JsonObject config =
        Dcr.with(
            TestGateway.with(
                TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h")));
    config.put(
        "throttle",
        new JsonObject().put("enabled", true).put("ratePerSecond", 1.0 / 60).put("burst", 3));
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    try {
      int allowed = 0;
      while (allowed < 20 && Dcr.register(api, "x").statusCode() == 400) allowed++;
      assertEquals(4, allowed, "the rate's one request and the burst of 3, then 429");
      assertEquals(
          429, Dcr.token(api, "a", "b").await(10, TimeUnit.SECONDS).statusCode(), "one bucket");
      assertEquals(
          429,
          api.decisions("apasstest1", "TempPass_TEST40", "d")
              .sendJsonObject(Api.body("r"))
              .await(10, TimeUnit.SECONDS)
              .statusCode(),
          "the same bucket as /api/v2/");
    } finally {
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
