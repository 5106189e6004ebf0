package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.Replies;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Reset all" racing a stream of promotional decisions over two gateways on one Redis.
 *
 * <p>Each decision must read the generation once: before the fix it was read for the binding key
 * and again for the trial key, so a control-plane poll landing between the two put a device's
 * binding in generation N and its trial in N+1 (a trial no binding leads to). And once both
 * gateways have seen the new generation, nothing is written to an old generation's keys any more.
 *
 * <p>Catches: TempPassService reading {@code control.generation(...)} again for the trial key (the
 * invariant "every trial of generation G is the owner of a device binding of G" went red in 3 runs
 * of 3 with twelve resets in the stream, against 1 of 2 with four). The second half (old
 * generations untouched once both gateways decide in the new one) guards against a process going
 * back to an older generation, which the poller prevents by dropping a poll reply older than the
 * one applied.
 */
@ExtendWith(VertxExtension.class)
class ResetAllRaceTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";
  static final int REQUESTS = 1_200;
  static final int IN_FLIGHT = 64;
  static final int RESETS = 12;
  static final Pattern KEY = Pattern.compile(":p:\\{[^:]+:(\\d+):([di]):([^}]+)}$");

  @Test
  void no_decision_mixes_generations_and_old_generations_stay_untouched_once_replaced(Vertx vertx)
      throws Exception {
    JsonObject config =
        TestGateway.with(TestGateway.config(), TestGateway.promotional(SP, MVPD, "1h", 3));
    IntegrationConfig integration = TestGateway.parse(config).integration(SP, MVPD);
    KeySchema keys = new KeySchema(TestGateway.keyPrefix(config));
    IdentityHasher hasher = new IdentityHasher(TestGateway.HASH_SECRET);
    String prefix = TestGateway.keyPrefix(config);
    String run = UUID.randomUUID().toString().substring(0, 8);
    try (Pods pods = Pods.start(config, 2)) {
      List<Api> apis =
          List.of(new Api(vertx, pods.port(0), IN_FLIGHT), new Api(vertx, pods.port(1), IN_FLIGHT));
      RedisProbe redis = new RedisProbe(vertx);
      try {
        // A stream of decisions, each on a device and identity of its own, with resets interleaved.
        List<Future<JsonObject>> decisions = new ArrayList<>();
        List<Future<HttpResponse<Buffer>>> resets = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          decisions.add(apis.get(i % 2).authorize(SP, MVPD, device(run, i), identity(run, i), "r"));
          if (i % (REQUESTS / RESETS) == REQUESTS / RESETS / 2) {
            resets.add(
                apis.get(0)
                    .admin(
                        HttpMethod.DELETE,
                        "/reset-tempass/v3/reset?requestor_id="
                            + SP
                            + "&mvpd_id="
                            + MVPD
                            + "&device_id=all")
                    .send());
          }
          if (i % IN_FLIGHT == IN_FLIGHT - 1)
            Future.all(decisions.subList(i + 1 - IN_FLIGHT / 2, i + 1)).await(60, TimeUnit.SECONDS);
        }
        Future.all(decisions).await(60, TimeUnit.SECONDS);
        Future.all(resets).await(60, TimeUnit.SECONDS);
        for (Future<HttpResponse<Buffer>> r : resets) assertEquals(204, r.result().statusCode());
        for (Future<JsonObject> d : decisions) {
          assertTrue(
              d.result().getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"),
              "each request is a first use of its trial");
        }

        long last =
            Long.parseLong(
                redis
                    .send(Command.HGET, keys.controlKey(), "g:" + keys.integrationId(integration))
                    .await(10, TimeUnit.SECONDS)
                    .toString());
        assertEquals(resets.size(), last);

        Map<String, String> before = contents(redis, prefix);
        assertEveryTrialIsReachedByABindingOfItsGeneration(before);

        // Wait until each gateway decides in the last generation: probe with fresh devices until
        // the
        // probe's binding appears under that generation.
        for (int pod = 0; pod < 2; pod++) {
          long deadline = System.currentTimeMillis() + 10_000;
          for (int probe = 0; ; probe++) {
            String probeDevice = "probe-" + run + "-" + pod + "-" + probe;
            apis.get(pod)
                .authorize(SP, MVPD, probeDevice, "probe@example.com", "p")
                .await(10, TimeUnit.SECONDS);
            String bindingKey =
                keys.promoDeviceBinding(
                    integration, last, hasher.device(probeDevice.getBytes(StandardCharsets.UTF_8)));
            if (redis.send(Command.EXISTS, bindingKey).await(10, TimeUnit.SECONDS).toInteger() == 1)
              break;
            assertTrue(
                System.currentTimeMillis() < deadline,
                "gateway " + pod + " never reached generation " + last);
            vertx.timer(50).await(5, TimeUnit.SECONDS);
          }
        }
        Map<String, String> old = oldGenerations(contents(redis, prefix), last);

        // The same devices and identities again: all of it lands in the last generation.
        List<Future<JsonObject>> again = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
          again.add(
              apis.get((i + 1) % 2).authorize(SP, MVPD, device(run, i), identity(run, i), "r2"));
          if (i % IN_FLIGHT == IN_FLIGHT - 1)
            Future.all(again.subList(i + 1 - IN_FLIGHT / 2, i + 1)).await(60, TimeUnit.SECONDS);
        }
        Future.all(again).await(60, TimeUnit.SECONDS);
        Map<String, String> after = contents(redis, prefix);
        assertEquals(
            old,
            oldGenerations(after, last),
            "keys of replaced generations changed after every gateway had moved on");
        assertEveryTrialIsReachedByABindingOfItsGeneration(after);
      } finally {
        redis.close();
        apis.forEach(Api::close);
      }
    }
  }

  /**
   * A trial of generation G that no binding of G names was written in another generation than its
   * binding.
   */
  private static void assertEveryTrialIsReachedByABindingOfItsGeneration(
      Map<String, String> contents) {
    Map<String, Set<String>> owners = new HashMap<>();
    for (Map.Entry<String, String> e : contents.entrySet()) {
      Matcher m = KEY.matcher(e.getKey());
      if (m.find() && m.group(2).equals("d"))
        owners.computeIfAbsent(m.group(1), g -> new HashSet<>()).add(e.getValue().split(" ")[0]);
    }
    int trials = 0;
    for (String key : contents.keySet()) {
      Matcher m = KEY.matcher(key);
      if (m.find() && m.group(2).equals("i")) {
        trials++;
        assertTrue(
            owners.getOrDefault(m.group(1), Set.of()).contains(m.group(3)),
            "trial without a binding of its generation: " + key);
      }
    }
    assertTrue(trials >= REQUESTS, "trials found: " + trials);
  }

  private static Map<String, String> oldGenerations(Map<String, String> contents, long last) {
    Map<String, String> old = new HashMap<>();
    contents.forEach(
        (key, value) -> {
          Matcher m = KEY.matcher(key);
          assertTrue(m.find(), key);
          if (Long.parseLong(m.group(1)) < last) old.put(key, value);
        });
    return old;
  }

  /**
   * Every TempPass key of the test's prefix with its content: a binding's value, a trial's sorted
   * fields.
   */
  private static Map<String, String> contents(RedisProbe redis, String prefix) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String key : redis.keys(prefix + ":p:").await(30, TimeUnit.SECONDS)) {
      Matcher m = KEY.matcher(key);
      assertTrue(m.find(), key);
      if (m.group(2).equals("d")) {
        Response value = redis.send(Command.GET, key).await(10, TimeUnit.SECONDS);
        assertNotNull(value, key);
        out.put(key, value.toString());
      } else {
        out.put(
            key,
            new java.util.TreeMap<>(
                    Replies.toMap(redis.send(Command.HGETALL, key).await(10, TimeUnit.SECONDS)))
                .toString());
      }
    }
    return out;
  }

  private static String device(String run, int i) {
    return "stream-" + run + "-" + i;
  }

  private static String identity(String run, int i) {
    return "viewer-" + run + "-" + i + "@example.com";
  }
}
