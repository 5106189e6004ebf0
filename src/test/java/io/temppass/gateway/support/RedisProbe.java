package io.temppass.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Direct access to the test Redis, to check what the gateway stored (never to stand in for it). */
public final class RedisProbe {
  private final Redis redis;

  public RedisProbe(Vertx vertx) {
    this.redis = Redis.createClient(vertx, TestRedis.url());
  }

  public Future<Response> send(Command command, Object... args) {
    Request req = Request.cmd(command);
    for (Object a : args) req.arg(String.valueOf(a));
    return redis.send(req);
  }

  /** Every key under a prefix, by SCAN (test data sets are small). */
  public Future<List<String>> keys(String prefix) {
    return scan("0", prefix + "*", new ArrayList<>());
  }

  private Future<List<String>> scan(String cursor, String pattern, List<String> into) {
    return send(Command.SCAN, cursor, "MATCH", pattern, "COUNT", 1000).compose(r -> {
      for (Response k : r.get(1)) into.add(k.toString());
      String next = r.get(0).toString();
      return next.equals("0") ? Future.succeededFuture(into) : scan(next, pattern, into);
    });
  }

  public void close() {
    redis.close();
  }
}
