package io.temppass.gateway.throttle;

import io.temppass.gateway.config.GatewayConfig.ThrottleSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The per-client-IP token bucket of SPEC 6, kept in Redis so every gateway process shares one
 * budget. On a Redis failure it fails open: availability of playback matters more than the rate
 * limit, and the failure is logged (at most once a minute) and counted. It waits for Redis at most
 * {@link #FAIL_OPEN_AFTER_MILLIS}: the decision behind it has its own {@code redis.commandTimeout},
 * and a hung Redis must not make a request wait for both.
 */
public final class Throttle {
  private static final System.Logger LOG = System.getLogger(Throttle.class.getName());
  static final LuaScript SCRIPT = LuaScript.load("throttle");

  /**
   * The script is O(1) and answers in well under a millisecond; a Redis slower than this is
   * failing.
   */
  static final long FAIL_OPEN_AFTER_MILLIS = 100;

  private final ScriptRunner redis;
  private final GatewayMetrics metrics;
  private final String prefix;
  private final String rate;
  private final String burst;
  private final LongSupplier clock;
  private final int ipv6PrefixLength;
  private volatile long lastWarning;

  public Throttle(
      ScriptRunner redis, GatewayMetrics metrics, String keyPrefix, ThrottleSettings settings) {
    this(redis, metrics, keyPrefix, settings, null);
  }

  /**
   * With {@code clock} (Unix milliseconds) in place of Redis's TIME, so that a test can place
   * requests on a timeline exactly; the gateway itself always uses Redis's clock.
   */
  public Throttle(
      ScriptRunner redis,
      GatewayMetrics metrics,
      String keyPrefix,
      ThrottleSettings settings,
      LongSupplier clock) {
    this.clock = clock;
    this.redis = redis;
    this.metrics = metrics;
    this.prefix = keyPrefix + ":t:{";
    this.rate = Long.toString(Math.round(settings.ratePerSecond() * 1000));
    this.burst = Long.toString(settings.burst() * 1000L);
    this.ipv6PrefixLength = settings.ipv6PrefixLength();
  }

  /**
   * True when the request may proceed; IPv6 clients share the bucket of their {@code
   * throttle.ipv6PrefixLength} network.
   */
  public Future<Boolean> allow(String clientIp) {
    List<String> args =
        clock == null
            ? List.of(rate, burst)
            : List.of(rate, burst, Long.toString(clock.getAsLong()));
    return redis
        .run(
            SCRIPT, List.of(prefix + TrustedProxies.bucket(clientIp, ipv6PrefixLength) + "}"), args)
        .timeout(FAIL_OPEN_AFTER_MILLIS, TimeUnit.MILLISECONDS)
        .map(
            reply -> {
              boolean allowed = Bucket.from(reply).allowed();
              if (!allowed) metrics.throttleRejected();
              return allowed;
            })
        .otherwise(
            err -> {
              metrics.throttleFailedOpen();
              long now = System.currentTimeMillis();
              if (now - lastWarning > 60_000) {
                lastWarning = now;
                LOG.log(
                    System.Logger.Level.WARNING,
                    "throttle failing open, Redis unavailable: " + err.getMessage());
              }
              return true;
            });
  }

  /**
   * throttle.lua's reply: {@code {allowed (1|0), excess}}, the excess in thousandths of a request.
   */
  record Bucket(boolean allowed, long excess) {
    static Bucket from(Response reply) {
      return new Bucket(reply.get(0).toInteger() == 1, reply.get(1).toLong());
    }
  }
}
