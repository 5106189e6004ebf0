package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.temppass.IdentityHasher;
import io.temppass.gateway.temppass.TempPassService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis memory per promotional trial does not grow with the length of the resource ids a client
 * sends. Before the fix the trial hash stored raw ids: one request with 10 resources of 2,048
 * characters cost about 12.7 KB for 30 days, about 1.1 GB a day from one throttled client. Now five
 * ids of 2,048 characters cost 379 B and five of 2 characters 229 B (standalone Redis 7 of the test
 * suite). Catches: the trial storing whole ids ({@code TempPassService.shownResource} returning the
 * id uncut: 12,832 B); and {@code ProfileOutcome.used} judging by the shown prefix (an id that only
 * shares the first 32 bytes counted as used).
 */
@ExtendWith(VertxExtension.class)
class TrialMemoryTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";
  static final int MAX = 5;
  static final long BUDGET_BYTES = 600;

  @Test
  void a_trial_of_five_long_resources_costs_no_more_than_one_of_five_short_ones(Vertx vertx)
      throws Exception {
    JsonObject config =
        TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, MVPD, "1h", MAX));
    IntegrationConfig integration = TestGateway.parse(config).integration(SP, MVPD);
    KeySchema keys = new KeySchema(TestGateway.keyPrefix(config));
    IdentityHasher hasher = new IdentityHasher(TestGateway.HASH_SECRET);
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    RedisProbe redis = new RedisProbe(vertx);
    try {
      List<String> longIds = new ArrayList<>();
      List<String> shortIds = new ArrayList<>();
      for (int i = 0; i < MAX; i++) {
        longIds.add(("long-title-" + i + "-é-").repeat(200).substring(0, 2_048));
        shortIds.add("r" + i);
      }
      JsonArray longDecisions =
          api.authorize(SP, MVPD, "mem-long", "long@example.com", longIds.toArray(String[]::new))
              .await(10, TimeUnit.SECONDS)
              .getJsonArray("decisions");
      api.authorize(SP, MVPD, "mem-short", "short@example.com", shortIds.toArray(String[]::new))
          .await(10, TimeUnit.SECONDS);

      long longTrial =
          memory(redis, keys.promoTrial(integration, 0, hasher.identity("long@example.com")));
      long shortTrial =
          memory(redis, keys.promoTrial(integration, 0, hasher.identity("short@example.com")));
      System.out.println(
          "promotional trial, 5 resources: "
              + longTrial
              + " B with ids of 2,048 characters, "
              + shortTrial
              + " B with ids of 2");
      assertTrue(longTrial <= BUDGET_BYTES, "trial with long ids: " + longTrial + " B");
      assertTrue(shortTrial <= BUDGET_BYTES, "trial with short ids: " + shortTrial + " B");
      // What grows with an id's length is its shown prefix, at most SHOWN_RESOURCE_BYTES per
      // resource.
      assertTrue(
          longTrial - shortTrial <= (long) MAX * TempPassService.SHOWN_RESOURCE_BYTES,
          longTrial + " vs " + shortTrial);
      // The binding a new device adds is fixed-size too.
      long binding =
          memory(
              redis,
              keys.promoDeviceBinding(
                  integration, 0, hasher.device("mem-long".getBytes(StandardCharsets.UTF_8))));
      assertTrue(binding <= 200, "device binding: " + binding + " B");

      // Decisions and media tokens name the exact requested resource; the profile shows the prefix.
      for (int i = 0; i < MAX; i++) {
        JsonObject d = longDecisions.getJsonObject(i);
        assertEquals(longIds.get(i), d.getString("resource"));
        assertEquals(longIds.get(i), tokenClaims(d).getString("resource"));
      }
      HttpResponse<Buffer> profile =
          api.profile(SP, MVPD, "mem-long", "long@example.com").send().await(10, TimeUnit.SECONDS);
      assertEquals(403, profile.statusCode(), "all resources used");
      assertTrue(
          profileOutcome(vertx, integration, hasher, "mem-long", "long@example.com")
              .used(longIds.get(4)),
          "a used-up trial still names its titles");
      api.authorize(SP, MVPD, "mem-half", "half@example.com", longIds.get(0))
          .await(10, TimeUnit.SECONDS);
      JsonObject attributes =
          api.profile(SP, MVPD, "mem-half", "half@example.com")
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonObject("profiles")
              .getJsonObject(MVPD)
              .getJsonObject("attributes");
      String shown = attributes.getJsonObject("used_assets").getJsonArray("value").getString(0);
      assertTrue(longIds.get(0).startsWith(shown), shown);
      assertTrue(
          shown.getBytes(StandardCharsets.UTF_8).length <= TempPassService.SHOWN_RESOURCE_BYTES,
          shown);
      assertTrue(
          shown.getBytes(StandardCharsets.UTF_8).length > TempPassService.SHOWN_RESOURCE_BYTES - 2,
          "cut at a character boundary only: " + shown);
      // The exact resource is still known to be used (by digest), and a different id with the same
      // shown prefix is not.
      ProfileOutcome outcome =
          profileOutcome(vertx, integration, hasher, "mem-half", "half@example.com");
      assertTrue(outcome.used(longIds.get(0)));
      assertFalse(outcome.used(longIds.get(0).substring(0, 2_047) + "x"));
      assertFalse(outcome.used(shown));
    } finally {
      redis.close();
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A trial stored before resources were digested (the id as the field, "1" as the value) still
   * shows its ids in the profile. Catches: promo_authorize.lua showing every stored value as the id
   * (the profile then lists "1").
   */
  @Test
  void a_trial_stored_with_raw_ids_still_shows_them(Vertx vertx) throws Exception {
    JsonObject config =
        TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, MVPD, "1h", MAX));
    IntegrationConfig integration = TestGateway.parse(config).integration(SP, MVPD);
    KeySchema keys = new KeySchema(TestGateway.keyPrefix(config));
    IdentityHasher hasher = new IdentityHasher(TestGateway.HASH_SECRET);
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    RedisProbe redis = new RedisProbe(vertx);
    try {
      String trial = keys.promoTrial(integration, 0, hasher.identity("older@example.com"));
      redis
          .send(Command.HSET, trial, "", System.currentTimeMillis(), "REF30", "1")
          .await(10, TimeUnit.SECONDS);
      redis.send(Command.PEXPIRE, trial, 3_600_000).await(10, TimeUnit.SECONDS);
      JsonObject attributes =
          api.profile(SP, MVPD, "older-device", "older@example.com")
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonObject("profiles")
              .getJsonObject(MVPD)
              .getJsonObject("attributes");
      assertEquals(
          new JsonArray().add("REF30"),
          attributes.getJsonObject("used_assets").getJsonArray("value"));
      assertEquals(MAX - 1, attributes.getJsonObject("remaining_resources").getInteger("value"));
      assertTrue(
          profileOutcome(vertx, integration, hasher, "older-device", "older@example.com")
              .used("REF30"));
    } finally {
      redis.close();
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The profile as the TempPass verticle answers it on the event bus, for what the HTTP answer does
   * not show.
   */
  private static ProfileOutcome profileOutcome(
      Vertx vertx,
      IntegrationConfig integration,
      IdentityHasher hasher,
      String device,
      String email)
      throws Exception {
    ProfileRequest request =
        new ProfileRequest(
            integration,
            hasher.device(device.getBytes(StandardCharsets.UTF_8)),
            hasher.identity(email));
    return TempPassApi.overBus(vertx, new DeliveryOptions())
        .profile(request)
        .await(10, TimeUnit.SECONDS);
  }

  private static long memory(RedisProbe redis, String key) throws Exception {
    return redis.send(Command.MEMORY, "USAGE", key).await(10, TimeUnit.SECONDS).toLong();
  }

  private static JsonObject tokenClaims(JsonObject decision) {
    String jws =
        new String(
            Base64.getDecoder()
                .decode(decision.getJsonObject("token").getString("serializedToken")),
            StandardCharsets.US_ASCII);
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1]), StandardCharsets.UTF_8));
  }
}
