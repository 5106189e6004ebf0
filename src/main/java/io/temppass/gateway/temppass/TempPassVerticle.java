package io.temppass.gateway.temppass;

import io.temppass.gateway.bus.SameLoop;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.RedisShare;
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

  private final RedisShare share;
  private final ControlPlane control;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Redis redis;

  public TempPassVerticle(RedisShare share, ControlPlane control) {
    this.share = share;
    this.control = control;
  }

  @Override
  public Future<?> start() {
    redis = share.client(vertx);
    TempPassService service =
        new TempPassService(
            share.scripts(redis), new KeySchema(share.settings().keyPrefix()), control);
    consumers.addAll(TempPassApi.serve(vertx.eventBus(), service, LOG));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(SameLoop::unregister).toList())
        .eventually(() -> share.release(redis));
  }
}
