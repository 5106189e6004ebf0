package io.temppass.gateway;

import static io.temppass.gateway.MetricsTest.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.support.TestMvpd.Fault;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MVPD series that the dashboard and the alerts read (TemppassGatewaySignInFailures,
 * TemppassGatewayMvpdBreakerOpen) count what they say: sign-ins by outcome, the breaker's state,
 * and MVPD calls by outcome.
 */
class MvpdMetricsTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";
  static final String INTEGRATION = "integration=\"REF30/Cablevision\"";

  Vertx vertx;
  TestMvpd mvpd;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  Gateway gateway(JsonObject authorization) throws Exception {
    JsonObject integration = mvpd.integration(SP, MVPD);
    integration.getJsonObject("authorization").mergeIn(authorization);
    JsonObject config =
        TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), integration), SP);
    config.getJsonObject("server").put("eventBusTimeout", "10s");
    return TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
  }

  static double signIns(Gateway gateway, String outcome) {
    return series(
        gateway.metrics().scrape(),
        "temppass_mvpd_signins_total",
        INTEGRATION + ",outcome=\"" + outcome + "\"");
  }

  /**
   * Counters start at zero; a sign-in is started and completed; a viewer who cancels at the MVPD
   * (the redirect back carries {@code error}) is refused, not failed; an ID token for another
   * client is failed. Breakage caught: a step counted in the wrong place (a refusal counted as a
   * failure would page on viewers who cancel), or the counters registered only at their first use
   * (the failure ratio has no denominator until then).
   */
  @Test
  void sign_ins_are_counted_by_outcome() throws Exception {
    Gateway gateway = gateway(new JsonObject());
    for (String outcome : new String[] {"started", "completed", "refused", "failed"})
      assertEquals(0.0, signIns(gateway, outcome), outcome + " before any sign-in");
    MvpdSignIn browser = new MvpdSignIn(vertx, gateway.port());
    try {
      mvpd.nextLogin("subscriber-m", Map.of());
      browser.signIn(SP, MVPD, "m-device-1").await(30, TimeUnit.SECONDS);
      assertEquals(1.0, signIns(gateway, "started"));
      assertEquals(1.0, signIns(gateway, "completed"));

      // The test MVPD signs in at once and sends the browser back with a code; a viewer who
      // cancelled comes back with the same state and an error instead.
      String back = backFromMvpd(browser, "m-device-2");
      String cancelled =
          back.substring(0, back.indexOf('?'))
              + "?state="
              + query(back).get("state")
              + "&error=access_denied";
      assertEquals(302, browser.open(cancelled).await(10, TimeUnit.SECONDS).statusCode());
      assertEquals(2.0, signIns(gateway, "started"));
      assertEquals(1.0, signIns(gateway, "refused"));
      assertEquals(0.0, signIns(gateway, "failed"));

      mvpd.nextLogin("subscriber-m", Map.of("nonce", "someone-elses-nonce"));
      browser.signIn(SP, MVPD, "m-device-3").await(30, TimeUnit.SECONDS);
      assertEquals(3.0, signIns(gateway, "started"));
      assertEquals(1.0, signIns(gateway, "failed"), "an ID token with another nonce");
      assertEquals(1.0, signIns(gateway, "completed"));
      assertTrue(
          series(
                  gateway.metrics().scrape(),
                  "temppass_mvpd_request_duration_seconds_count",
                  "call=\"token\"," + INTEGRATION + ",outcome=\"ok\"")
              >= 1,
          gateway.metrics().scrape());
    } finally {
      browser.close();
    }
  }

  /**
   * The gauge is 0 while the breaker is closed, 1 once three 500s in a row opened it, and 0 again
   * after a successful trial call; each call is timed with its outcome. Breakage caught: a gauge
   * that reads the wrong state (or a breaker that never opens) would keep
   * TemppassGatewayMvpdBreakerOpen silent.
   */
  @Test
  void the_breaker_gauge_follows_the_breaker_and_calls_are_timed() throws Exception {
    Gateway gateway =
        gateway(
            new JsonObject()
                .put("readTimeout", "2s")
                .put("deadline", "5s")
                .put("breakerFailures", 3)
                .put("breakerResetTimeout", "1s"));
    MvpdSignIn browser = new MvpdSignIn(vertx, gateway.port());
    try {
      mvpd.nextLogin("subscriber-b", Map.of());
      browser.signIn(SP, MVPD, "b-device").await(30, TimeUnit.SECONDS);
    } finally {
      browser.close();
    }
    Api api = new Api(vertx, gateway.port());
    assertEquals(0.0, breaker(gateway), "closed");
    mvpd.fault(Fault.ERROR_500, 0);
    for (int i = 0; i < 3; i++)
      api.authorize(SP, MVPD, "b-device", null, "t").await(10, TimeUnit.SECONDS);
    assertEquals(1.0, breaker(gateway), "open after three failures in a row");
    assertEquals(
        3.0,
        series(
            gateway.metrics().scrape(),
            "temppass_mvpd_request_duration_seconds_count",
            "call=\"authorization\"," + INTEGRATION + ",outcome=\"error\""));
    mvpd.fault(Fault.NONE, 0);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean permitted = false;
    while (!permitted && System.nanoTime() < deadline) {
      permitted =
          api.authorize(SP, MVPD, "b-device", null, "t")
              .await(10, TimeUnit.SECONDS)
              .getJsonArray("decisions")
              .getJsonObject(0)
              .getBoolean("authorized");
      if (!permitted) Thread.sleep(100);
    }
    assertTrue(permitted, "the breaker half-opened and the MVPD answered");
    assertEquals(0.0, breaker(gateway), "closed again after the trial call");
    assertEquals(
        1.0,
        series(
            gateway.metrics().scrape(),
            "temppass_mvpd_request_duration_seconds_count",
            "call=\"authorization\"," + INTEGRATION + ",outcome=\"ok\""));
  }

  static double breaker(Gateway gateway) {
    return series(gateway.metrics().scrape(), "temppass_mvpd_breaker_open", INTEGRATION);
  }

  /**
   * Creates a session and follows the browser through the MVPD's sign-in page: the URL the MVPD
   * sends it back to (the gateway's callback, not yet opened).
   */
  static String backFromMvpd(MvpdSignIn browser, String device) throws Exception {
    JsonObject session = browser.createSession(SP, MVPD, device).await(10, TimeUnit.SECONDS);
    String authenticate =
        browser.open(session.getString("url")).await(10, TimeUnit.SECONDS).getHeader("Location");
    return browser.open(authenticate).await(10, TimeUnit.SECONDS).getHeader("Location");
  }

  static Map<String, String> query(String url) {
    Map<String, String> out = new HashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }
}
