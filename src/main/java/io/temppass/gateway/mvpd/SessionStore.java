package io.temppass.gateway.mvpd;

import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.Replies;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authentication sessions in Redis: one hash per code, expiring with the code. Every state change
 * is one script (create, resume, start a sign-in, claim the MVPD's redirect, finish), so concurrent
 * calls on one code from several gateways see a serial order.
 *
 * <p>Fields: {@code sp}, {@code mvpd}, {@code dn} (domainName), {@code ru} (redirectUrl), {@code
 * dev} (device hash), {@code cli} (client id), {@code info} (X-Device-Info as sent), {@code
 * nb}/{@code na} (the code's window), {@code status} (new, claimed, done), {@code cu} (until when a
 * claim holds), {@code st}/{@code ver}/{@code non} (the current sign-in's state, PKCE verifier and
 * nonce), {@code gen} (the profile the login produced).
 */
final class SessionStore {
  private static final LuaScript CREATE = LuaScript.load("session_create");
  private static final LuaScript UPDATE = LuaScript.load("session_update");
  private static final LuaScript LOGIN_START = LuaScript.load("login_start");
  private static final LuaScript LOGIN_CLAIM = LuaScript.load("login_claim");
  private static final LuaScript LOGIN_FINISH = LuaScript.load("login_finish");
  private static final int MAX_CODE_DRAWS = 5;

  private final ScriptRunner redis;
  private final MvpdKeys keys;

  SessionStore(ScriptRunner redis, MvpdKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Creates a session under a fresh code and answers the code. */
  Future<String> create(Map<String, String> fields, long ttlMillis) {
    return create(fields, ttlMillis, 0);
  }

  private Future<String> create(Map<String, String> fields, long ttlMillis, int attempt) {
    if (attempt == MAX_CODE_DRAWS)
      return Future.failedFuture(
          new IllegalStateException("no free session code after " + MAX_CODE_DRAWS + " draws"));
    String code = Randoms.sessionCode();
    List<String> args = new ArrayList<>();
    args.add(String.valueOf(ttlMillis));
    flatten(fields, args);
    return redis
        .run(CREATE, List.of(keys.session(code)), args)
        .compose(
            r ->
                r.toInteger() == 1
                    ? Future.succeededFuture(code)
                    : create(fields, ttlMillis, attempt + 1));
  }

  /** 1 updated, 0 none, -1 another device or client, -2 completed (session_update.lua). */
  Future<Integer> update(
      String code, String deviceHash, String clientId, Map<String, String> fields) {
    List<String> args = new ArrayList<>(List.of(deviceHash, clientId));
    flatten(fields, args);
    return redis.run(UPDATE, List.of(keys.session(code)), args).map(Response::toInteger);
  }

  /** The session's fields, or null when the code is unknown or expired. */
  Future<Map<String, String>> get(String code) {
    return redis
        .send(Request.cmd(Command.HGETALL).arg(keys.session(code)))
        .map(SessionStore::fields);
  }

  /** 1 recorded, 0 none, -2 completed or completing (login_start.lua). */
  Future<Integer> startLogin(
      String code, String state, String verifier, String nonce, long nowMillis) {
    return redis
        .run(
            LOGIN_START,
            List.of(keys.session(code)),
            List.of(state, verifier, nonce, String.valueOf(nowMillis)))
        .map(Response::toInteger);
  }

  /**
   * The claimed session's fields; or a failed future with {@link ClaimRefused} (login_claim.lua).
   */
  Future<Map<String, String>> claim(String code, String state, long claimedUntilMillis) {
    return redis
        .run(
            LOGIN_CLAIM,
            List.of(keys.session(code)),
            List.of(state, String.valueOf(claimedUntilMillis)))
        .compose(
            r -> {
              if (r.type() == io.vertx.redis.client.ResponseType.NUMBER)
                return Future.failedFuture(new ClaimRefused(r.toInteger()));
              return Future.succeededFuture(fields(r));
            });
  }

  Future<Void> finish(String code, boolean completed, String generation) {
    return redis
        .run(
            LOGIN_FINISH,
            List.of(keys.session(code)),
            List.of(completed ? "done" : "new", generation == null ? "" : generation))
        .mapEmpty();
  }

  /**
   * The MVPD's redirect cannot complete a login: {@code reason} 0 unknown session, -1 wrong state,
   * -2 already used.
   */
  static final class ClaimRefused extends RuntimeException {
    final int reason;

    ClaimRefused(int reason) {
      super("login claim refused: " + reason, null, false, false);
      this.reason = reason;
    }
  }

  private static void flatten(Map<String, String> fields, List<String> out) {
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getValue() == null) continue;
      out.add(e.getKey());
      out.add(e.getValue());
    }
  }

  private static Map<String, String> fields(Response r) {
    if (r == null || r.size() == 0) return null;
    return Replies.toMap(r);
  }
}
