package io.temppass.gateway;

import static io.temppass.gateway.MetricsTest.series;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code temppass_trials_started_total} (the dashboard's "TempPass trials started") counts a trial
 * once, at the decision that starts its clock, for basic and promotional TempPass alike. Breakage
 * caught: counting every permitted decision (the panel would show traffic, not new viewers), or not
 * counting one of the two kinds.
 */
class TrialMetricsTest {
  static final String SP = "apasstest1";

  @Test
  void a_trial_is_counted_once_when_its_clock_starts() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic(SP, "TempPass_TEST40", "1h"),
            TestGateway.promotional(SP, "flexibleTempPass", "1h", 3));
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      api.authorize(SP, "TempPass_TEST40", "t-device-1", null, "r1").await(10, TimeUnit.SECONDS);
      api.authorize(SP, "TempPass_TEST40", "t-device-1", null, "r2").await(10, TimeUnit.SECONDS);
      api.authorize(SP, "TempPass_TEST40", "t-device-2", null, "r1").await(10, TimeUnit.SECONDS);
      api.authorize(SP, "flexibleTempPass", "t-device-1", "t@example.com", "r1")
          .await(10, TimeUnit.SECONDS);
      api.authorize(SP, "flexibleTempPass", "t-device-1", "t@example.com", "r2")
          .await(10, TimeUnit.SECONDS);
      String scrape = gateway.metrics().scrape();
      assertEquals(
          2.0,
          series(
              scrape,
              "temppass_trials_started_total",
              "integration=\"" + SP + "/TempPass_TEST40\""),
          "two devices started basic trials, one of them used it twice: " + scrape);
      assertEquals(
          1.0,
          series(
              scrape,
              "temppass_trials_started_total",
              "integration=\"" + SP + "/flexibleTempPass\""),
          "one promotional trial, two resources: " + scrape);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
