package io.temppass.gateway.throttle;

import io.temppass.gateway.config.GatewayConfig.ThrottleSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import java.util.List;

/**
 * The per-client-IP token bucket of SPEC 6, kept in Redis so every gateway process shares one budget.
 * On a Redis failure it fails open: availability of playback matters more than the rate limit, and
 * the failure is logged (at most once a minute) and counted.
 */
public final class Throttle {
  private static final System.Logger LOG = System.getLogger(Throttle.class.getName());
  static final LuaScript SCRIPT = LuaScript.load("throttle");

  private final ScriptRunner redis;
  private final GatewayMetrics metrics;
  private final String prefix;
  private final String rate;
  private final String burst;
  private final int ipv6PrefixLength;
  private volatile long lastWarning;

  public Throttle(ScriptRunner redis, GatewayMetrics metrics, String keyPrefix, ThrottleSettings settings) {
    this.redis = redis;
    this.metrics = metrics;
    this.prefix = keyPrefix + ":t:{";
    this.rate = Long.toString(Math.round(settings.ratePerSecond() * 1000));
    this.burst = Long.toString(settings.burst() * 1000L);
    this.ipv6PrefixLength = settings.ipv6PrefixLength();
  }

  /** True when the request may proceed; IPv6 clients share the bucket of their {@code throttle.ipv6PrefixLength} network. */
  public Future<Boolean> allow(String clientIp) {
    return redis.run(SCRIPT, List.of(prefix + TrustedProxies.bucket(clientIp, ipv6PrefixLength) + "}"), List.of(rate, burst))
        .map(reply -> {
          boolean allowed = reply.get(0).toInteger() == 1;
          if (!allowed) metrics.throttleRejected();
          return allowed;
        })
        .otherwise(err -> {
          metrics.throttleFailedOpen();
          long now = System.currentTimeMillis();
          if (now - lastWarning > 60_000) {
            lastWarning = now;
            LOG.log(System.Logger.Level.WARNING, "throttle failing open, Redis unavailable: " + err.getMessage());
          }
          return true;
        });
  }
}
