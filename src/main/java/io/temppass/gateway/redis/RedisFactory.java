package io.temppass.gateway.redis;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.config.GatewayConfig.RedisType;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.List;

/**
 * Builds the pooled Redis client. The pool and its waiting queue are bounded (settings {@code
 * redis.poolSize}, {@code redis.poolWaiting}), so a Redis that cannot keep up sheds load with an
 * error instead of queueing without limit; connect attempts are bounded by the command timeout.
 */
public final class RedisFactory {
  private RedisFactory() {}

  public static Redis create(
      Vertx vertx, RedisSettings settings, List<String> endpoints, int poolSize) {
    int timeout = (int) Math.min(Integer.MAX_VALUE, settings.commandTimeout().toMillis());
    RedisOptions options =
        new RedisOptions()
            .setType(
                settings.type() == RedisType.CLUSTER
                    ? RedisClientType.CLUSTER
                    : RedisClientType.STANDALONE)
            .setEndpoints(endpoints)
            .setMaxPoolSize(poolSize)
            .setMaxPoolWaiting(settings.poolWaiting())
            .setMaxWaitingHandlers(Math.max(2048, settings.poolWaiting()))
            .setNetClientOptions(
                new NetClientOptions()
                    .setConnectTimeout(timeout)
                    .setTcpNoDelay(true)
                    .setTcpKeepAlive(true));
    return Redis.createClient(vertx, options);
  }
}
