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
 * again after the next boundary, with no Redis work at the boundary. Periods of 2 s and passes of
 * 100 ms here. Nothing sleeps against the period: the boundary is computed from the pass start that
 * Redis reported (a permit's {@code notAfter} minus the ttl), and the test polls, with deadlines,
 * for the expiry and then for the fresh pass. Caught breakage: {@code basic_authorize.lua} ignoring
 * its period ({@code ARGV[4]}) never permits the expired device again, and the second poll runs
 * out. A script that restarted an expired pass at once would never be seen expired, and one that
 * reset before the boundary is caught by the fresh pass's start.
 */
class PeriodicResetTest {
  static final long PERIOD = 2_000;
  static final long TTL = 100;

  /** The decision for one resource: {authorized (1|0), pass start (0 when denied)}. */
  private static long[] decide(Api api, String mvpd, String device) throws Exception {
    JsonObject body =
        api.authorize(
                "apasstest1",
                mvpd,
                device,
                mvpd.startsWith("promo") ? device + "@example.com" : null,
                "REF30")
            .await(5, TimeUnit.SECONDS);
    JsonObject d = body.getJsonArray("decisions").getJsonObject(0);
    return d.getBoolean("authorized")
        ? new long[] {1, d.getLong("notAfter") - TTL}
        : new long[] {0, 0};
  }

  /**
   * Polls until the decision's authorization equals {@code authorized}; the last decision either
   * way.
   */
  private static long[] until(
      Api api, String mvpd, String device, boolean authorized, long deadlineMillis)
      throws Exception {
    long[] d = decide(api, mvpd, device);
    while ((d[0] == 1) != authorized && System.currentTimeMillis() < deadlineMillis) {
      Thread.sleep(20);
      d = decide(api, mvpd, device);
    }
    return d;
  }

  @Test
  void an_expired_pass_is_reset_at_the_next_period_boundary() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic("apasstest1", "basicDaily", TTL).put("resetPeriod", PERIOD + "ms"),
            TestGateway.promotional("apasstest1", "promoDaily", TTL, 2)
                .put("resetPeriod", PERIOD + "ms"),
            TestGateway.basic("apasstest1", "basicNever", TTL));
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      decide(api, "basicNever", "warm-up");
      // A slow machine may see an expiry only after the boundary; then the attempt starts over.
      boolean checked = false;
      for (int attempt = 0; attempt < 10 && !checked; attempt++) {
        String device = "daily-" + attempt;
        long[] basic = decide(api, "basicDaily", device);
        long[] promo = decide(api, "promoDaily", device);
        assertEquals(1, basic[0]);
        assertEquals(1, promo[0]);
        assertEquals(1, decide(api, "basicNever", device)[0]);
        long boundary = (Math.max(basic[1], promo[1]) / PERIOD + 1) * PERIOD;
        if (Math.min(basic[1], promo[1]) / PERIOD != Math.max(basic[1], promo[1]) / PERIOD)
          continue;

        long[] basicExpired = until(api, "basicDaily", device, false, boundary);
        long[] promoExpired = until(api, "promoDaily", device, false, boundary);
        if (System.currentTimeMillis() >= boundary - 50) continue;
        assertEquals(0, basicExpired[0], "expired within the period");
        assertEquals(0, promoExpired[0], "expired within the period");

        long deadline = boundary + 10_000;
        long[] basicAgain = until(api, "basicDaily", device, true, deadline);
        long[] promoAgain = until(api, "promoDaily", device, true, deadline);
        assertEquals(1, basicAgain[0], "reset at the boundary");
        assertEquals(1, promoAgain[0], "reset at the boundary");
        assertTrue(
            basicAgain[1] >= boundary,
            "the fresh pass started at " + basicAgain[1] + ", before the boundary " + boundary);
        assertTrue(
            promoAgain[1] >= boundary,
            "the fresh pass started at " + promoAgain[1] + ", before the boundary " + boundary);
        assertEquals(0, decide(api, "basicNever", device)[0], "no resetPeriod: still locked out");
        checked = true;
      }
      assertTrue(checked, "no attempt fitted inside one period");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
