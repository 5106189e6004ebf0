package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.JsonLogCapture;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.RedisProcess;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.Trials;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Everything logged at any level, encoded by the production JSON encoder ({@link
 * Logs#jsonEncoder}), holds no raw e-mail, device id or bearer token: over a promotional flow and
 * over its error paths, where messages quote causes and requests (invalid identity and device
 * headers, a rejected token, an error reply from Redis that becomes a 500, admin resets by identity
 * and device, and Redis going away: "decision failed", "profile failed", "reset failed", the
 * throttle failing open). Caught breakages: {@code DecisionsHandler} quoting the {@code
 * AP-TempPass-Identity} header in its "decision failed" line, or adding it as a structured
 * key-value pair; {@code AdminHandlers} naming the reset's {@code key} in its INFO line; {@code
 * Gateway} no longer pinning vertx-web's router logger at INFO (its debug line quotes the reset URI
 * with the raw identity).
 */
class LogPrivacyTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";
  static final String EMAIL = "Log.Watcher@Example.com";
  static final String DEVICE = "4f2b8c1e-device-under-watch";

  @Test
  void logs_of_a_promotional_flow_and_its_error_paths_hold_no_raw_identity_device_or_token()
      throws Exception {
    JsonLogCapture capture = new JsonLogCapture();
    String bearer = AccessTokens.valid();
    RedisProcess redis = RedisProcess.start();
    Vertx vertx = Vertx.vertx();
    RedisProbe probe = new RedisProbe(vertx, redis.url());
    try {
      JsonObject config =
          TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, MVPD, 300, 1));
      config
          .getJsonObject("redis")
          .put("type", "standalone")
          .put("endpoints", new JsonArray().add(redis.url()))
          .put("commandTimeout", "500ms");
      config.put(
          "throttle",
          new JsonObject().put("enabled", true).put("ratePerSecond", 1000).put("burst", 100_000));
      Gateway g = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, g.port());

      // The ordinary flow.
      api.authorize(SP, MVPD, DEVICE, EMAIL, "r1", "r2").await(10, TimeUnit.SECONDS);
      api.profile(SP, MVPD, DEVICE, EMAIL).send().await(10, TimeUnit.SECONDS);
      assertEquals(
          401,
          send(decide(api).putHeader("Authorization", "Bearer " + bearer + "x")).statusCode(),
          "a rejected token");

      // Invalid identity headers: the raw e-mail, and a JSON object without the e-mail key.
      send(decide(api).putHeader("AP-TempPass-Identity", EMAIL));
      send(
          decide(api)
              .putHeader(
                  "AP-TempPass-Identity", base64(new JsonObject().put("mail", EMAIL).encode())));
      // Invalid device headers: the raw id, a wrong scheme, and a fingerprint that is not base64.
      assertEquals(400, send(decide(api).putHeader("AP-Device-Identifier", DEVICE)).statusCode());
      assertEquals(
          400,
          send(decide(api).putHeader("AP-Device-Identifier", "bogus " + base64(DEVICE)))
              .statusCode());
      assertEquals(
          400,
          send(decide(api).putHeader("AP-Device-Identifier", "fingerprint " + DEVICE + "!"))
              .statusCode());

      // An error reply from Redis about our data: the trial is not a hash any more.
      String prefix = TestGateway.keyPrefix(config);
      List<String> trials =
          probe.keys(prefix + ":p:").await(5, TimeUnit.SECONDS).stream()
              .filter(k -> Trials.isTrialKey(prefix, k))
              .toList();
      assertEquals(1, trials.size(), "one trial: " + trials);
      probe.send(Command.DEL, trials.get(0)).await(5, TimeUnit.SECONDS);
      probe.send(Command.RPUSH, trials.get(0), "not-a-trial").await(5, TimeUnit.SECONDS);
      HttpResponse<Buffer> internal =
          send(decide(api).putHeader("AP-TempPass-Identity", Api.identity(EMAIL)));
      assertEquals(500, internal.statusCode(), internal.bodyAsString());

      // Admin resets by identity and by device.
      assertEquals(
          204,
          api.admin(
                  HttpMethod.DELETE,
                  "/reset-tempass/v3/reset/generic?requestor_id="
                      + SP
                      + "&mvpd_id="
                      + MVPD
                      + "&key="
                      + EMAIL)
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());
      assertEquals(
          204,
          api.admin(
                  HttpMethod.DELETE,
                  "/reset-tempass/v3/reset?requestor_id="
                      + SP
                      + "&mvpd_id="
                      + MVPD
                      + "&device_id="
                      + DEVICE)
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());
      api.authorize(SP, MVPD, DEVICE, EMAIL, "r3").await(10, TimeUnit.SECONDS);

      // Redis gone: decisions, profiles and resets fail, and say so in the log.
      redis.stop();
      HttpResponse<Buffer> down =
          send(decide(api).putHeader("AP-TempPass-Identity", Api.identity(EMAIL)));
      assertEquals(503, down.statusCode(), down.bodyAsString());
      api.profile(SP, MVPD, DEVICE, EMAIL).send().await(10, TimeUnit.SECONDS);
      api.admin(
              HttpMethod.DELETE,
              "/reset-tempass/v3/reset/generic?requestor_id="
                  + SP
                  + "&mvpd_id="
                  + MVPD
                  + "&key="
                  + EMAIL)
          .send()
          .await(10, TimeUnit.SECONDS);
      g.stop().await(10, TimeUnit.SECONDS);
    } finally {
      capture.close();
      probe.close();
      vertx.close().await(10, TimeUnit.SECONDS);
      redis.close();
    }

    List<String> forbidden =
        List.of(
            EMAIL.toLowerCase(Locale.ROOT),
            "log.watcher",
            DEVICE,
            "4f2b8c1e",
            base64(DEVICE),
            Api.identity(EMAIL),
            base64(new JsonObject().put("mail", EMAIL).encode()),
            bearer.substring(bearer.lastIndexOf('.') + 1),
            bearer.substring(0, 40));
    List<String> messages = new ArrayList<>();
    for (String line : capture.lines()) {
      JsonObject json = new JsonObject(line);
      assertTrue(json.containsKey("level") && json.containsKey("logger"), line);
      messages.add(json.getString("message"));
      for (String f : forbidden)
        assertFalse(
            line.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)),
            "found " + f + " in: " + line);
    }
    for (String expected :
        List.of(
            "decision failed",
            "profile failed",
            "reset failed",
            "TempPass reset",
            "throttle failing open")) {
      assertTrue(
          messages.stream().anyMatch(m -> m != null && m.contains(expected)),
          "the log shows \"" + expected + "\": " + messages);
    }
  }

  private static HttpRequest<Buffer> decide(Api api) {
    return api.decisions(SP, MVPD, DEVICE).timeout(10_000);
  }

  private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) throws Exception {
    return request.sendJsonObject(Api.body("r1")).await(15, TimeUnit.SECONDS);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
