package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * resetPeriod: a pass started in an earlier period counts as absent, so an expired device watches
 * again after the next boundary, with no Redis work at the boundary. Periods of 1 s here; requests
 * are placed at fixed offsets from a boundary (the gateway and Redis share this machine's clock),
 * each with at least 400 ms of slack.
 */
class PeriodicResetTest {
  static final long PERIOD = 1_000;

  private static void sleepUntilOffset(long offsetInPeriod) throws InterruptedException {
    long now = System.currentTimeMillis();
    long target = now - Math.floorMod(now, PERIOD) + offsetInPeriod;
    if (target <= now) target += PERIOD;
    Thread.sleep(target - now);
  }

  private static boolean permitted(Api api, String mvpd, String device) throws Exception {
    JsonObject body = api.authorize("apasstest1", mvpd, device, mvpd.startsWith("promo") ? device + "@example.com" : null, "REF30")
        .await(5, TimeUnit.SECONDS);
    return body.getJsonArray("decisions").getJsonObject(0).getBoolean("authorized");
  }

  @Test
  void an_expired_pass_is_reset_at_the_next_period_boundary() throws Exception {
    JsonObject config = TestGateway.with(TestGateway.config(),
        TestGateway.basic("apasstest1", "basicDaily", 100).put("resetPeriod", PERIOD + "ms"),
        TestGateway.promotional("apasstest1", "promoDaily", 100, 2).put("resetPeriod", PERIOD + "ms"),
        TestGateway.basic("apasstest1", "basicNever", 100));
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      permitted(api, "basicNever", "warm-up");
      // A slow machine may push a step past its period; then the attempt is repeated with fresh devices.
      boolean checked = false;
      for (int attempt = 0; attempt < 5 && !checked; attempt++) {
        String device = "daily-" + attempt;
        sleepUntilOffset(50);
        long period = System.currentTimeMillis() / PERIOD;
        assertTrue(permitted(api, "basicDaily", device));
        assertTrue(permitted(api, "promoDaily", device));
        assertTrue(permitted(api, "basicNever", device));
        Thread.sleep(250);
        boolean basicExpired = !permitted(api, "basicDaily", device);
        boolean promoExpired = !permitted(api, "promoDaily", device);
        if (System.currentTimeMillis() / PERIOD != period) continue;
        assertTrue(basicExpired, "expired within the period");
        assertTrue(promoExpired, "expired within the period");
        sleepUntilOffset(100);
        assertTrue(permitted(api, "basicDaily", device), "reset at the boundary");
        assertTrue(permitted(api, "promoDaily", device), "reset at the boundary");
        assertEquals(false, permitted(api, "basicNever", device), "no resetPeriod: still locked out");
        checked = true;
      }
      assertTrue(checked, "no attempt fitted inside one period");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
