package io.temppass.gateway.redis;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Redis;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis pool of the verticles that answer from Redis (TempPass, MVPD): one client per event
 * loop, shared by the instances on that loop and opened by the first of them to start, so its
 * connections stay on that loop. Only loops that serve HTTP send requests (bus/SameLoop), and each
 * such loop's client holds {@code redis.poolSize} divided among them: the process never opens more
 * than {@code redis.poolSize} connections for decisions and sessions.
 */
public final class RedisShare {
  private final RedisSettings settings;
  private final List<String> endpoints;
  private final int poolSize;
  private final GatewayMetrics metrics;

  /** Each event-loop thread's client, with the number of verticle instances holding it. */
  private final Map<Thread, Held> clients = new HashMap<>();

  private record Held(Redis client, int holders) {}

  /**
   * @param loopsServing event loops that serve HTTP, among which {@code redis.poolSize} is divided
   */
  public RedisShare(
      RedisSettings settings, List<String> endpoints, int loopsServing, GatewayMetrics metrics) {
    this.settings = settings;
    this.endpoints = endpoints;
    this.poolSize = Math.max(1, settings.poolSize() / Math.max(1, loopsServing));
    this.metrics = metrics;
  }

  public RedisSettings settings() {
    return settings;
  }

  /** The client of the calling event loop; {@link #release} it when the instance stops. */
  public synchronized Redis client(Vertx vertx) {
    Thread loop = Thread.currentThread();
    Held held = clients.get(loop);
    Redis client = held == null ? createOutsideDeployments(vertx) : held.client();
    clients.put(loop, new Held(client, held == null ? 1 : held.holders() + 1));
    return client;
  }

  /**
   * Made on a context of the calling loop that belongs to no deployment. Vert.x closes what a
   * deployment's contexts create when it is undeployed, and this client outlives the verticle that
   * asked first: the others on the loop still hold it.
   */
  private Redis createOutsideDeployments(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    ContextInternal loop =
        internal
            .contextBuilder()
            .withEventLoop(internal.getOrCreateContext().nettyEventLoop())
            .build();
    Redis[] made = new Redis[1];
    loop.dispatch(v -> made[0] = RedisFactory.create(vertx, settings, endpoints, poolSize));
    return made[0];
  }

  /** The runner requests are answered with: command timeout and replica acknowledgements set. */
  public ScriptRunner scripts(Redis client) {
    return new ScriptRunner(client, metrics, settings);
  }

  /**
   * Lets go of a client of {@link #client} (null when the instance never started); the last holder
   * on a loop closes it.
   */
  public Future<Void> release(Redis clientOrNull) {
    if (clientOrNull == null) return Future.succeededFuture();
    synchronized (this) {
      for (Map.Entry<Thread, Held> e : clients.entrySet()) {
        Held held = e.getValue();
        if (held.client() != clientOrNull) continue;
        if (held.holders() > 1) {
          e.setValue(new Held(held.client(), held.holders() - 1));
          return Future.succeededFuture();
        }
        clients.remove(e.getKey());
        break;
      }
    }
    return clientOrNull.close();
  }
}
