package io.temppass.gateway.temppass;

import io.temppass.gateway.bus.Messages;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Thin event-loop verticle: takes {@link TempPassRequest}s off the event bus and answers them with
 * {@link TempPassService}. Each instance owns its share of the Redis pool, so connections stay on
 * the instance's own event loop.
 */
public final class TempPassVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(TempPassVerticle.class.getName());

  private final GatewayConfig config;
  private final List<String> endpoints;
  private final int poolSize;
  private Redis redis;
  private MessageConsumer<TempPassRequest> consumer;

  public TempPassVerticle(GatewayConfig config, List<String> endpoints, int poolSize) {
    this.config = config;
    this.endpoints = endpoints;
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    redis = RedisFactory.create(vertx, config.redis(), endpoints, poolSize);
    TempPassService service = new TempPassService(
        new ScriptRunner(redis, config.redis().commandTimeout().toMillis()),
        new KeySchema(config.redis().keyPrefix()),
        integration -> 0L);
    consumer = vertx.eventBus().<TempPassRequest>localConsumer(Messages.TEMPPASS_DECIDE, msg ->
        service.decide(msg.body()).onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(ar.result());
          } else {
            LOG.log(System.Logger.Level.WARNING, "TempPass decision failed for " + msg.body().integration().id() + ": " + ar.cause());
            msg.fail(failureCode(ar.cause()), String.valueOf(ar.cause().getMessage()));
          }
        }));
    return consumer.completion();
  }

  /**
   * An error reply from Redis (WRONGTYPE, a script error) means something is wrong with our data or
   * code: 500. Anything else (timeout, refused connection, full pool) means Redis is unavailable: 503.
   */
  static int failureCode(Throwable cause) {
    return cause instanceof Response ? 500 : 503;
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> {
      if (redis != null) redis.close();
      return Future.succeededFuture();
    });
  }
}
