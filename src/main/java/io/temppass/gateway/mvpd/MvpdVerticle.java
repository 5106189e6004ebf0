package io.temppass.gateway.mvpd;

import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.bus.MvpdMessages;
import io.temppass.gateway.bus.SameLoop;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Thin event-loop verticle of the regular-MVPD path: takes session, login, profile, authorization
 * and logout requests off the event bus and answers them with {@link SessionService} and
 * {@link AuthorizationService}. Like the TempPass verticle, each instance owns its share of the
 * Redis pool; the MVPD connectors (breakers, concurrency bounds, single flight) are the process's.
 */
public final class MvpdVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(MvpdVerticle.class.getName());

  private final GatewayConfig config;
  private final ControlPlane control;
  private final GatewayMetrics metrics;
  private final MvpdConnectors connectors;
  private final int poolSize;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Redis redis;

  public MvpdVerticle(GatewayConfig config, ControlPlane control, GatewayMetrics metrics, MvpdConnectors connectors, int poolSize) {
    this.config = config;
    this.control = control;
    this.metrics = metrics;
    this.connectors = connectors;
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    redis = RedisFactory.create(vertx, config.redis(), config.redis().endpoints(), poolSize);
    ScriptRunner scripts = new ScriptRunner(redis, config.redis().commandTimeout().toMillis(), metrics,
        config.redis().replicaAcks(), config.redis().replicaAckTimeout().toMillis());
    MvpdKeys keys = new MvpdKeys(config.redis().keyPrefix());
    ProfileStore profiles = new ProfileStore(scripts, keys, connectors.box(), config.sessions().expiredProfileRetention().toMillis());
    SessionService sessions = new SessionService(config, new SessionStore(scripts, keys), profiles, connectors, control);
    AuthorizationService authorization = new AuthorizationService(vertx, scripts, keys, profiles, connectors);
    consume(MvpdMessages.SESSION, sessions::session);
    consume(MvpdMessages.SESSION_INFO, sessions::info);
    consume(MvpdMessages.LOGIN_START, sessions::loginStart);
    consume(MvpdMessages.LOGIN_COMPLETE, sessions::loginComplete);
    consume(MvpdMessages.PROFILES, sessions::profiles);
    consume(MvpdMessages.AUTHORIZE, authorization::authorize);
    consume(MvpdMessages.LOGOUT, sessions::logout);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private <T, R> void consume(String address, Function<T, Future<R>> handler) {
    consumers.addAll(SameLoop.serve(vertx.eventBus(), address, handler, LOG));
  }


  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(SameLoop::unregister).toList()).eventually(() -> {
      if (redis != null) redis.close();
      return Future.succeededFuture();
    });
  }
}
