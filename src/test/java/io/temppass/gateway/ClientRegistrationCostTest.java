package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What registering costs Redis per client, measured: every key of the gateway's prefix and its
 * {@code MEMORY USAGE}, before and after 200 registrations and 200 token requests. The answer is 0
 * bytes and no key: client credentials are a MAC, tokens a signature. Catches: anything that starts
 * storing per-client state (a client record, a token id, a counter per client).
 */
@ExtendWith(VertxExtension.class)
class ClientRegistrationCostTest {
  static final int CLIENTS = 200;

  @Test
  void registering_and_token_requests_store_nothing_in_redis(Vertx vertx) throws Exception {
    JsonObject config =
        Dcr.with(
            TestGateway.with(
                TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h")));
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());
    Redis redis = Redis.createClient(vertx, TestRedis.url());
    try {
      String statement = Dcr.created(api, Dcr.app("apasstest1")).getString("software_statement");
      String prefix = TestGateway.keyPrefix(config);
      Map<String, Long> before = usage(redis, prefix);
      for (int i = 0; i < CLIENTS; i++) {
        JsonObject client = Dcr.client(api, statement);
        assertEquals(
            201,
            Dcr.token(api, client.getString("client_id"), client.getString("client_secret"))
                .await(10, TimeUnit.SECONDS)
                .statusCode());
      }
      Map<String, Long> after = usage(redis, prefix);
      assertEquals(before, after, "keys and their MEMORY USAGE, in bytes, before and after");
    } finally {
      redis.close();
      api.close();
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
  }

  /** Each key under {@code prefix} with its {@code MEMORY USAGE} in bytes. */
  private static Map<String, Long> usage(Redis redis, String prefix) throws Exception {
    Map<String, Long> usage = new TreeMap<>();
    Response keys =
        redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await(10, TimeUnit.SECONDS);
    for (Response key : keys) {
      Response bytes =
          redis
              .send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key.toString()))
              .await(10, TimeUnit.SECONDS);
      usage.put(key.toString(), bytes == null ? 0 : bytes.toLong());
    }
    return usage;
  }
}
