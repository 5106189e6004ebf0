package io.temppass.gateway.redis;

import io.opentelemetry.api.trace.Span;
import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Lua scripts through the pooled client with {@code EVALSHA}, falling back to {@code EVAL}
 * only when Redis answers {@code NOSCRIPT} (after a restart, a {@code SCRIPT FLUSH}, or on a
 * cluster node that has not seen the script yet). {@code EVAL} also caches the script on that node,
 * so the next call is an {@code EVALSHA} hit again. Every call is bounded by the command timeout,
 * so a Redis that stops answering turns into an error rather than a hang.
 *
 * @param settings {@code redis.commandTimeout} bounds every call; {@code redis.replicaAcks} and
 *     {@code redis.replicaAckTimeout} are what {@link #runDurable} waits for
 */
public record ScriptRunner(Redis redis, GatewayMetrics metrics, RedisSettings settings) {
  /**
   * Runs a script whose writes must survive a failover before the caller answers: with {@code
   * redis.replicaAcks} > 0 the script and a {@code WAIT} travel as one batch on one connection (on
   * a cluster, to the slot's primary), because WAIT only covers writes sent on its own connection.
   * Replication is otherwise asynchronous, and a primary that dies right after granting a resource
   * would hand the trial its slot back. Too few acknowledgements fail the call, so the decision
   * fails closed.
   */
  public Future<Response> runDurable(LuaScript script, List<String> keys, List<String> args) {
    int replicaAcks = settings.replicaAcks();
    if (replicaAcks == 0) return run(script, keys, args);
    long start = System.nanoTime();
    Request wait =
        Request.cmd(Command.WAIT).arg(replicaAcks).arg(settings.replicaAckTimeout().toMillis());
    return measured(
        script.name() + "+wait",
        "EVALSHA",
        start,
        redis
            .batch(List.of(request(Command.EVALSHA, script.sha1(), keys, args), wait))
            .recover(
                err ->
                    isNoScript(err)
                        ? redis.batch(
                            List.of(request(Command.EVAL, script.source(), keys, args), wait))
                        : Future.failedFuture(err))
            .timeout(timeoutMillis(), TimeUnit.MILLISECONDS)
            .compose(
                replies -> {
                  Acknowledged acknowledged = Acknowledged.from(replies);
                  return acknowledged.replicas() >= replicaAcks
                      ? Future.succeededFuture(acknowledged.scriptReply())
                      : Future.failedFuture(
                          new ReplicationLagException(acknowledged.replicas(), replicaAcks));
                }));
  }

  /**
   * A durable run's batch reply: the script's own reply, then WAIT's count of replicas that
   * acknowledged the write.
   */
  private record Acknowledged(Response scriptReply, int replicas) {
    static Acknowledged from(List<Response> batch) {
      return new Acknowledged(batch.get(0), batch.get(1).toInteger());
    }
  }

  /** Fewer replicas than {@code redis.replicaAcks} confirmed a write in time. */
  public static final class ReplicationLagException extends RuntimeException {
    ReplicationLagException(int acked, int wanted) {
      super(
          "only " + acked + " of " + wanted + " replicas acknowledged the write",
          null,
          false,
          false);
    }
  }

  public Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
    long start = System.nanoTime();
    return measured(
        script.name(),
        "EVALSHA",
        start,
        redis
            .send(request(Command.EVALSHA, script.sha1(), keys, args))
            .recover(
                err ->
                    isNoScript(err)
                        ? redis.send(request(Command.EVAL, script.source(), keys, args))
                        : Future.failedFuture(err))
            .timeout(timeoutMillis(), TimeUnit.MILLISECONDS));
  }

  public Future<Response> send(Request request) {
    long start = System.nanoTime();
    String command = request.command().toString();
    return measured(
        command.toLowerCase(java.util.Locale.ROOT),
        command,
        start,
        redis.send(request).timeout(timeoutMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * Timed, traced (a span named by the script, inside a traced request only: {@link Spans#redis}),
   * and a failure in the operator's words: a TLS or sign-in failure names its setting, and no
   * failure carries a password on to the logs ({@link RedisFailures}).
   */
  private Future<Response> measured(
      String name, String command, long start, Future<Response> reply) {
    Span span = Spans.redis(name, command);
    return reply
        .andThen(
            ar -> {
              metrics.redisCommand(name, System.nanoTime() - start, ar.failed());
              if (span != null) Spans.end(span, ar.cause());
            })
        .recover(err -> Future.failedFuture(RedisFailures.explained(err, settings)));
  }

  /**
   * A batch reports a failed command as "ERR [index] NOSCRIPT …", a single command as "NOSCRIPT …".
   */
  static boolean isNoScript(Throwable err) {
    String message = err.getMessage();
    return message != null && (message.startsWith("NOSCRIPT") || message.contains("] NOSCRIPT "));
  }

  private static Request request(
      Command command, String scriptOrSha, List<String> keys, List<String> args) {
    Request req = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
    for (String k : keys) req.arg(k);
    for (String a : args) req.arg(a);
    return req;
  }

  private long timeoutMillis() {
    return settings.commandTimeout().toMillis();
  }
}
