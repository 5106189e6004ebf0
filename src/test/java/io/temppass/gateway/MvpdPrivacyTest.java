package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.mvpd.SecretBox;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.JsonLogCapture;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC 4.6: no raw device id, user id, MVPD token or refresh token in Redis in clear or in the
 * logs, over a sign-in, decisions (a permit, a deny with text, a failing MVPD), a refused sign-in
 * and a logout. The refresh token is read back through the sealed profile with the test's key,
 * proving it is kept, and then looked for in every stored byte and every log line.
 */
class MvpdPrivacyTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";
  static final String DEVICE = "7c1e9d22-private-device-id";
  static final String USER = "subscriber-private-8842";

  @Test
  void nothing_personal_or_secret_is_stored_or_logged_in_clear() throws Exception {
    JsonLogCapture capture = new JsonLogCapture();
    Vertx vertx = Vertx.vertx();
    TestMvpd mvpd = TestMvpd.start(vertx);
    RedisProbe redis = new RedisProbe(vertx);
    try {
      JsonObject config =
          TestGateway.withMvpdSessions(
              TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP);
      String prefix = TestGateway.keyPrefix(config);
      Gateway g = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, g.port());
      MvpdSignIn browser = new MvpdSignIn(vertx, g.port());
      mvpd.nextLogin(USER, Map.of("householdID", "HH-PRIVATE-1"));
      mvpd.deny("denied-title", "Not in package.");
      browser.signIn(SP, MVPD, DEVICE).await(30, TimeUnit.SECONDS);
      api.authorize(SP, MVPD, DEVICE, null, "open-title", "denied-title")
          .await(10, TimeUnit.SECONDS);
      mvpd.fault(TestMvpd.Fault.ERROR_500, 0);
      api.authorize(SP, MVPD, DEVICE, null, "failing-title").await(10, TimeUnit.SECONDS);
      mvpd.fault(TestMvpd.Fault.NONE, 0);
      JsonObject refused =
          browser.createSession(SP, MVPD, DEVICE + "-2").await(10, TimeUnit.SECONDS);
      browser
          .open(
              "/api/v2/authenticate/callback?error=access_denied&state="
                  + refused.getString("code")
                  + ".forged")
          .await(10, TimeUnit.SECONDS);

      List<String> keys = redis.keys(prefix).await(10, TimeUnit.SECONDS);
      List<String> stored = new ArrayList<>(keys);
      String profileKey = null;
      String sealed = null;
      for (String key : keys) {
        String type = redis.send(Command.TYPE, key).await(10, TimeUnit.SECONDS).toString();
        if (type.equals("hash")) {
          Response all = redis.send(Command.HGETALL, key).await(10, TimeUnit.SECONDS);
          Map<String, String> fields = io.temppass.gateway.redis.Replies.toMap(all);
          fields.forEach(
              (k, v) -> {
                stored.add(k);
                stored.add(v);
              });
          if (key.startsWith(prefix + ":a:")) {
            profileKey = key;
            sealed = fields.get("enc");
          }
        } else {
          stored.add(String.valueOf(redis.send(Command.GET, key).await(10, TimeUnit.SECONDS)));
        }
      }
      assertNotNull(sealed, "the sign-in stored a profile: " + keys);
      String opened =
          new SecretBox(Base64.getDecoder().decode(TestGateway.PROFILE_KEY))
              .open(sealed, profileKey);
      JsonObject secret = new JsonObject(opened);
      assertEquals(USER, secret.getString("userID"));
      String refreshToken = secret.getString("refreshToken");
      assertNotNull(refreshToken, "the MVPD's refresh token is kept, sealed");

      api.raw()
          .get("/api/v2/REF30/logout/Cablevision")
          .putHeader("Authorization", io.temppass.gateway.support.AccessTokens.bearer())
          .putHeader("AP-Device-Identifier", Api.fingerprint(DEVICE))
          .send()
          .await(10, TimeUnit.SECONDS);

      List<String> forbidden =
          List.of(
              USER,
              "HH-PRIVATE-1",
              DEVICE,
              refreshToken,
              Base64.getEncoder().encodeToString(DEVICE.getBytes(StandardCharsets.UTF_8)));
      for (String value : stored) {
        for (String f : forbidden)
          assertFalse(
              value.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)),
              "Redis holds " + f + " in clear: " + value);
        assertFalse(value.contains("eyJ"), "Redis holds a JWT (an MVPD token) in clear: " + value);
      }
      List<String> logged = capture.lines();
      assertTrue(logged.size() > 3, "the flow logged something: " + logged);
      for (String line : logged) {
        for (String f : forbidden)
          assertFalse(line.contains(f), "a log line holds " + f + ": " + line);
      }
      browser.close();
    } finally {
      capture.close();
      redis.close();
      mvpd.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
