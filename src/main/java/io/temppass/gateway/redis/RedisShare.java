package io.temppass.gateway.redis;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.List;

/**
 * What each instance of a verticle that answers from Redis (TempPass, MVPD) gets of the Redis pool:
 * its own client, opened in the instance's {@code start()} so the connections stay on the
 * instance's event loop, and the script runner over it.
 *
 * @param poolSize connections of one instance: {@code redis.poolSize} divided among the instances
 */
public record RedisShare(
    RedisSettings settings, List<String> endpoints, int poolSize, GatewayMetrics metrics) {

  /** This instance's client; {@link #close} it when the instance stops. */
  public Redis client(Vertx vertx) {
    return RedisFactory.create(vertx, settings, endpoints, poolSize);
  }

  /** The runner requests are answered with: command timeout and replica acknowledgements set. */
  public ScriptRunner scripts(Redis client) {
    return new ScriptRunner(client, metrics, settings);
  }

  /** Closes a client of {@link #client}; null when the instance never started. */
  public static Future<Void> close(Redis clientOrNull) {
    if (clientOrNull != null) clientOrNull.close();
    return Future.succeededFuture();
  }
}
