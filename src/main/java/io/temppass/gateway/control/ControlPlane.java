package io.temppass.gateway.control;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.Replies;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run-time state that admin calls change and every gateway process must see within one second:
 * degradation rules and TempPass generations ("reset all"). It lives in one small Redis hash that
 * each process polls every {@code admin.pollInterval} (500 ms by default), which works the same on
 * standalone Redis and on a cluster, needs no dedicated pub/sub connection, and heals by itself
 * after a Redis restart. Readers get an immutable snapshot, so the hot path never waits on Redis.
 *
 * <p>The hash's expiry (longer than any trial can live) is refreshed on every write and hourly by
 * the pollers, so it is bounded like every other key yet never lapses while gateways run.
 */
public final class ControlPlane {
  private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());
  private static final String GENERATION = "g:";
  private static final String DEGRADATION = "d:";
  private static final String NO_RULE = "none";
  private static final LuaScript CONTROL_WRITE = LuaScript.load("control_write");

  /**
   * Longer than ttl + lockoutRetention can be (400 d + 400 d): no trial outlives its generation
   * record.
   */
  private static final long CONTROL_EXPIRY_MILLIS = Duration.ofDays(802).toMillis();

  private static final long REFRESH_EXPIRY_EVERY_MILLIS = Duration.ofHours(1).toMillis();

  private final ScriptRunner redis;
  private final KeySchema keys;
  private final String key;
  private final Duration pollInterval;
  private volatile Map<String, String> snapshot = Map.of();
  private volatile long lastSuccessfulPoll;
  private long lastExpiryRefresh;
  private static final long WARNING_INTERVAL_MILLIS = 60_000;
  private volatile long lastPollWarning = -WARNING_INTERVAL_MILLIS;
  private long timerId = -1;
  private final AtomicLong pollsSent = new AtomicLong();
  private long appliedPoll;

  public ControlPlane(ScriptRunner redis, KeySchema keys, Duration pollInterval) {
    this.redis = redis;
    this.keys = keys;
    this.key = keys.controlKey();
    this.pollInterval = pollInterval;
  }

  /** Loads the state once (a Redis that is down only delays it) and then keeps polling. */
  public Future<Void> start(Vertx vertx) {
    timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> poll());
    return poll().otherwiseEmpty();
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) vertx.cancelTimer(timerId);
  }

  /** The TempPass key generation of an integration: bumped by "reset all". */
  public long generation(IntegrationConfig integration) {
    String g = snapshot.get(GENERATION + keys.integrationId(integration));
    return g == null ? 0 : Long.parseLong(g);
  }

  /**
   * The rule in force: the run-time one when an admin set one (possibly "none"), else the
   * configured one.
   */
  public Degradation degradation(IntegrationConfig integration) {
    String d = snapshot.get(DEGRADATION + keys.integrationId(integration));
    if (d == null) return integration.degradation();
    return d.equals(NO_RULE) ? null : Degradation.parse(d);
  }

  /**
   * Applies a rule, or with null removes any rule (the configured one included) until the next
   * change.
   */
  public Future<Void> setDegradation(IntegrationConfig integration, Degradation rule) {
    return write(
        "set",
        DEGRADATION + keys.integrationId(integration),
        rule == null ? NO_RULE : rule.wireName);
  }

  /**
   * "Reset all" in O(1): a new generation makes every existing key of the integration unreachable.
   */
  public Future<Void> resetAll(IntegrationConfig integration) {
    return write("incr", GENERATION + keys.integrationId(integration), "");
  }

  /**
   * The whole control hash as of the last poll: other packages keep run-time records here
   * (registered applications, {@code client/Applications}) so they reach every process through the
   * same poll. Each poll replaces the immutable map whole, so a caller can keep what it parsed from
   * one map until it sees another.
   */
  public Map<String, String> snapshot() {
    return snapshot;
  }

  /** Stores one record field (see {@link #snapshot()}); this process sees it on return. */
  public Future<Void> putRecord(String field, String value) {
    return write("set", field, value);
  }

  /** Whether the last poll succeeded recently; readiness uses it to report a lost Redis. */
  public boolean healthy(long nowMillis) {
    return nowMillis - lastSuccessfulPoll < Math.max(2_000, 3 * pollInterval.toMillis());
  }

  /**
   * One change and the hash's expiry in one script, then a poll, so this process sees the change at
   * once.
   */
  private Future<Void> write(String operation, String field, String value) {
    return redis
        .runDurable(
            CONTROL_WRITE,
            List.of(key),
            List.of(operation, field, value, Long.toString(CONTROL_EXPIRY_MILLIS)))
        .compose(r -> poll());
  }

  private Future<Void> poll() {
    long sent = pollsSent.incrementAndGet();
    return redis
        .send(Request.cmd(Command.HGETALL).arg(key))
        .compose(
            reply -> {
              Map<String, String> next = Replies.toMap(reply);
              // Polls travel on pooled connections and may answer out of order: a reply older than
              // the one
              // applied would take this process back to a generation a reset-all has already left.
              if (!applyIfNewer(sent, Map.copyOf(next))) return Future.<Void>succeededFuture();
              long now = System.currentTimeMillis();
              lastSuccessfulPoll = now;
              if (!next.isEmpty() && now - lastExpiryRefresh > REFRESH_EXPIRY_EVERY_MILLIS) {
                lastExpiryRefresh = now;
                return redis
                    .send(Request.cmd(Command.PEXPIRE).arg(key).arg(CONTROL_EXPIRY_MILLIS))
                    .<Void>mapEmpty();
              }
              return Future.<Void>succeededFuture();
            })
        .onFailure(this::pollFailed);
  }

  /**
   * At most one warning a minute while Redis is unreachable, like the throttle: a poll every 500 ms
   * would otherwise write 120 lines a minute for one known fault (readiness already reports it).
   */
  private void pollFailed(Throwable err) {
    long now = System.currentTimeMillis();
    if (now - lastPollWarning >= WARNING_INTERVAL_MILLIS) {
      lastPollWarning = now;
      LOG.log(
          System.Logger.Level.WARNING,
          "control-plane poll failed (repeats not logged for a minute): " + err.getMessage());
    }
  }

  private synchronized boolean applyIfNewer(long poll, Map<String, String> next) {
    if (poll < appliedPoll) return false;
    appliedPoll = poll;
    snapshot = next;
    return true;
  }
}
