package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client behind our proxy (which appends the real peer to X-Forwarded-For) cannot get a fresh
 * budget by writing its own X-Forwarded-For entries, nor, over IPv6, by rotating addresses in its
 * /64. The refill rate is so low that the count cannot depend on timing: burst 10 + the first
 * request = 11. Breakage caught: the former first-entry rule gives each spoofed entry its own
 * budget (30 accepted); keying IPv6 by full address does the same for the rotating addresses.
 */
class ThrottleEvasionTest {
  Vertx vertx;
  Api api;

  @BeforeEach
  void start() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.put(
        "throttle",
        new JsonObject()
            .put("enabled", true)
            .put("ratePerSecond", 0.001)
            .put("burst", 10)
            .put("trustedProxies", new JsonArray().add("127.0.0.1/32")));
    vertx = Vertx.vertx();
    api = new Api(vertx, TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port(), 4);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private long accepted(int requests, java.util.function.IntFunction<String> forwardedFor)
      throws Exception {
    long ok = 0;
    for (int i = 0; i < requests; i++) {
      int status =
          api.decisions("apasstest1", "TempPass_TEST40", "evasion")
              .putHeader("X-Forwarded-For", forwardedFor.apply(i))
              .sendJsonObject(Api.body("REF30"))
              .await(5, TimeUnit.SECONDS)
              .statusCode();
      if (status == 200) ok++;
    }
    return ok;
  }

  @Test
  void spoofed_left_hand_entries_share_the_real_clients_budget() throws Exception {
    // What our proxy (127.0.0.1) forwards: the client's own header, then the client's real address.
    assertEquals(11, accepted(30, i -> "192.0.2." + i + ", 198.51.100.7"));
  }

  @Test
  void ipv6_addresses_in_one_64_share_a_budget() throws Exception {
    assertEquals(11, accepted(30, i -> "2001:db8:5:6:" + Integer.toHexString(i + 1) + "::1"));
    assertEquals(
        200,
        api.decisions("apasstest1", "TempPass_TEST40", "evasion")
            .putHeader("X-Forwarded-For", "2001:db8:5:7::1")
            .sendJsonObject(Api.body("REF30"))
            .await(5, TimeUnit.SECONDS)
            .statusCode(),
        "the next /64 has its own budget");
  }
}
