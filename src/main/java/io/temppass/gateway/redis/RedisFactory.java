package io.temppass.gateway.redis;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.config.GatewayConfig.RedisTls;
import io.temppass.gateway.config.GatewayConfig.RedisType;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.tracing.TracingPolicy;
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
            // With tracing on, the client would add a span per command named EVALSHA; ScriptRunner
            // makes one per call named by its script instead (tracing/Spans).
            .setTracingPolicy(TracingPolicy.IGNORE)
            .setNetClientOptions(
                tls(
                    settings.tls(),
                    new NetClientOptions()
                        .setConnectTimeout(timeout)
                        .setTcpNoDelay(true)
                        .setTcpKeepAlive(true)));
    // An endpoint's own user and password, when its URL has them, win over these (and cluster
    // nodes found through CLUSTER SLOTS get the seed's URL credentials or these).
    if (settings.username() != null) options.setUser(settings.username());
    if (settings.password() != null) options.setPassword(settings.password());
    return Redis.createClient(vertx, options);
  }

  /**
   * The TLS side of {@code rediss://} endpoints. SSL stays off on the client itself: the Redis
   * client upgrades each {@code rediss://} connection with these options, and a client with SSL on
   * would refuse {@code redis://} endpoints. The host name is checked as HTTPS does (RFC 2818);
   * without an algorithm set, Vert.x refuses every TLS connection ("Missing hostname verification
   * algorithm").
   */
  private static NetClientOptions tls(RedisTls tls, NetClientOptions net) {
    net.setHostnameVerificationAlgorithm(tls.hostnameVerification() ? "HTTPS" : "");
    if (tls.trustFile() != null)
      net.setTrustOptions(new PemTrustOptions().addCertPath(tls.trustFile()));
    if (tls.certFile() != null)
      net.setKeyCertOptions(
          new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()));
    return net;
  }
}
