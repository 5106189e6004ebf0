package io.temppass.gateway.mvpd;

import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.SameLoop;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.redis.RedisShare;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin event-loop verticle of the regular-MVPD path: takes session, login, profile, authorization
 * and logout requests off the event bus and answers them with {@link SessionService} and {@link
 * AuthorizationService}. Like the TempPass verticle, each instance owns its share of the Redis
 * pool; the MVPD connectors (breakers, concurrency bounds, single flight) are the process's.
 */
public final class MvpdVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(MvpdVerticle.class.getName());

  private final GatewayConfig config;
  private final ControlPlane control;
  private final MvpdConnectors connectors;
  private final RedisShare share;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Redis redis;

  public MvpdVerticle(
      GatewayConfig config, ControlPlane control, MvpdConnectors connectors, RedisShare share) {
    this.config = config;
    this.control = control;
    this.connectors = connectors;
    this.share = share;
  }

  @Override
  public Future<?> start() {
    redis = share.client(vertx);
    ScriptRunner scripts = share.scripts(redis);
    MvpdKeys keys = new MvpdKeys(config.redis().keyPrefix());
    ProfileStore profiles =
        new ProfileStore(
            scripts,
            keys,
            connectors.box(),
            config.sessions().expiredProfileRetention().toMillis());
    SessionService sessions =
        new SessionService(config, new SessionStore(scripts, keys), profiles, connectors, control);
    AuthorizationService authorization =
        new AuthorizationService(vertx, scripts, keys, profiles, connectors);
    consumers.addAll(MvpdApi.serve(vertx.eventBus(), sessions, authorization, LOG));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(SameLoop::unregister).toList())
        .eventually(() -> share.release(redis));
  }
}
