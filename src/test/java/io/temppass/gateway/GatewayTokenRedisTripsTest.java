package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis commands counted by the server ({@code INFO commandstats}), leaving out the control-plane
 * poll's own ({@code HGETALL}, {@code PEXPIRE}), the probe's ({@code INFO}) and connection
 * handshakes ({@code HELLO}): registering and getting tokens send none, and a decision with a
 * gateway-issued token sends exactly what one with an external issuer's token sends. Catches: a
 * Redis read or write per registration, per token or per request to check an application or a
 * revocation.
 */
@ExtendWith(VertxExtension.class)
class GatewayTokenRedisTripsTest {
  static final int CALLS = 20;

  /**
   * The poll's, the probe's, a pooled connection's handshake (opened whenever the pool grows), and
   * on a cluster its topology reads and replication.
   */
  static final Set<String> BACKGROUND =
      Set.of(
          "hgetall",
          "pexpire",
          "info",
          "hello",
          "client|setinfo",
          "client|setname",
          "select",
          "ping",
          "replconf",
          "psync");

  @Test
  void gateway_tokens_cost_redis_nothing_beyond_what_the_request_needs(Vertx vertx)
      throws Exception {
    JsonObject config =
        Dcr.with(
            TestGateway.with(
                TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h")));
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    RedisProbe probe = new RedisProbe(vertx);
    try {
      String statement = Dcr.created(api, Dcr.app("apasstest1")).getString("software_statement");
      String gatewayToken = Dcr.accessToken(api, statement);
      decide(api, gatewayToken);
      decide(api, AccessTokens.valid());

      Map<String, Long> before = commands(probe);
      for (int i = 0; i < CALLS; i++) Dcr.accessToken(api, statement);
      assertEquals(Map.of(), delta(before, commands(probe)), "register and token");

      before = commands(probe);
      for (int i = 0; i < CALLS; i++) decide(api, AccessTokens.valid());
      Map<String, Long> external = delta(before, commands(probe));
      before = commands(probe);
      for (int i = 0; i < CALLS; i++) decide(api, gatewayToken);
      Map<String, Long> own = delta(before, commands(probe));
      assertEquals(external, own, "a gateway token's decisions against an external token's");
    } finally {
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }

  private static void decide(Api api, String token) throws Exception {
    assertEquals(
        200,
        api.decisions("apasstest1", "TempPass_TEST40", "trips-device")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(Api.body("r1"))
            .await(10, TimeUnit.SECONDS)
            .statusCode());
  }

  private static Map<String, Long> commands(RedisProbe probe) throws Exception {
    Map<String, Long> all = new HashMap<>(probe.commandStats().await(10, TimeUnit.SECONDS));
    all.keySet()
        .removeIf(
            k ->
                BACKGROUND.contains(k)
                    || k.startsWith("cluster")
                    || k.startsWith("command")
                    || !k.equals(k.toLowerCase()));
    return all;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new HashMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d != 0) delta.put(k, d);
        });
    return delta;
  }
}
