package io.temppass.gateway.temppass;

import io.temppass.gateway.bus.SameLoop;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin event-loop verticle: takes decision, profile and reset requests off the event bus and
 * answers them with {@link TempPassService}. Each instance owns its share of the Redis pool, so
 * connections stay on the instance's own event loop.
 */
public final class TempPassVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(TempPassVerticle.class.getName());

  private final GatewayConfig config;
  private final List<String> endpoints;
  private final int poolSize;
  private Redis redis;
  private final ControlPlane control;
  private final GatewayMetrics metrics;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public TempPassVerticle(
      GatewayConfig config,
      ControlPlane control,
      GatewayMetrics metrics,
      List<String> endpoints,
      int poolSize) {
    this.config = config;
    this.control = control;
    this.metrics = metrics;
    this.endpoints = endpoints;
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    redis = RedisFactory.create(vertx, config.redis(), endpoints, poolSize);
    TempPassService service =
        new TempPassService(
            ScriptRunner.durable(redis, config.redis(), metrics),
            new KeySchema(config.redis().keyPrefix()),
            control);
    consumers.addAll(TempPassApi.serve(vertx.eventBus(), service, LOG));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(SameLoop::unregister).toList())
        .eventually(
            () -> {
              if (redis != null) redis.close();
              return Future.succeededFuture();
            });
  }
}
