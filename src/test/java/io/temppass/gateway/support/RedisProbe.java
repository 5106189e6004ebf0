package io.temppass.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct access to the test Redis, to check what the gateway stored (never to stand in for it). On
 * a cluster, keyed commands go through the cluster client and node-wide ones (SCAN, SCRIPT, INFO,
 * CONFIG) to every primary.
 */
public final class RedisProbe {
  private final Redis redis;
  private final List<Redis> nodes = new ArrayList<>();

  public RedisProbe(Vertx vertx) {
    List<String> endpoints = TestRedis.endpoints();
    if (TestRedis.cluster()) {
      this.redis =
          Redis.createClient(
              vertx,
              new io.vertx.redis.client.RedisOptions()
                  .setType(io.vertx.redis.client.RedisClientType.CLUSTER)
                  .setEndpoints(endpoints)
                  .setMaxWaitingHandlers(100_000)
                  .setMaxPoolWaiting(100_000));
      for (String e : endpoints) nodes.add(Redis.createClient(vertx, e));
    } else {
      this.redis = Redis.createClient(vertx, endpoints.get(0));
      nodes.add(redis);
    }
  }

  /** A probe of one standalone server of a test's own (see {@link RedisProcess}). */
  public RedisProbe(Vertx vertx, String url) {
    this.redis = Redis.createClient(vertx, url);
    nodes.add(redis);
  }

  /**
   * The counters of {@code INFO commandstats} and {@code INFO errorstats}, summed over every
   * primary: {@code cmdstat_evalsha} calls under key {@code "evalsha"}, {@code errorstat_NOSCRIPT}
   * under {@code "NOSCRIPT"}.
   */
  public Future<java.util.Map<String, Long>> commandStats() {
    return sendToAll(Command.INFO, "commandstats")
        .compose(
            cmd ->
                sendToAll(Command.INFO, "errorstats")
                    .map(
                        err -> {
                          java.util.Map<String, Long> sums = new java.util.HashMap<>();
                          List<Response> all = new ArrayList<>(cmd);
                          all.addAll(err);
                          for (Response r : all) {
                            for (String line : r.toString().split("\r\n")) {
                              java.util.regex.Matcher m = STAT.matcher(line);
                              if (m.matches())
                                sums.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
                            }
                          }
                          return sums;
                        }));
  }

  private static final java.util.regex.Pattern STAT =
      java.util.regex.Pattern.compile("(?:cmdstat_|errorstat_)([^:]+):(?:calls|count)=(\\d+).*");

  /** A node-wide command on every primary; the replies in node order. */
  public Future<List<Response>> sendToAll(Command command, Object... args) {
    List<Future<Response>> all = new ArrayList<>();
    for (Redis node : nodes) {
      Request req = Request.cmd(command);
      for (Object a : args) req.arg(String.valueOf(a));
      all.add(node.send(req));
    }
    return Future.all(all)
        .map(
            v -> {
              List<Response> out = new ArrayList<>();
              for (Future<Response> f : all) out.add(f.result());
              return out;
            });
  }

  public Future<Response> send(Command command, Object... args) {
    Request req = Request.cmd(command);
    for (Object a : args) req.arg(String.valueOf(a));
    return redis.send(req);
  }

  /** Every key under a prefix, by SCAN on every primary (test data sets are small). */
  public Future<List<String>> keys(String prefix) {
    List<String> into = new ArrayList<>();
    Future<List<String>> chain = Future.succeededFuture(into);
    for (Redis node : nodes) chain = chain.compose(v -> scan(node, "0", prefix + "*", into));
    return chain;
  }

  private Future<List<String>> scan(Redis node, String cursor, String pattern, List<String> into) {
    return node.send(
            Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
        .compose(
            r -> {
              for (Response k : r.get(1)) into.add(k.toString());
              String next = r.get(0).toString();
              return next.equals("0")
                  ? Future.succeededFuture(into)
                  : scan(node, next, pattern, into);
            });
  }

  /** Many writes at once: pipelined on one server, or spread over the cluster's primaries. */
  public Future<Void> writeAll(List<Request> requests) {
    if (!TestRedis.cluster()) return redis.batch(requests).mapEmpty();
    List<Future<Response>> all = new ArrayList<>();
    for (Request r : requests) all.add(redis.send(r));
    return Future.all(all).mapEmpty();
  }

  public void close() {
    redis.close();
    for (Redis node : nodes) if (node != redis) node.close();
  }
}
