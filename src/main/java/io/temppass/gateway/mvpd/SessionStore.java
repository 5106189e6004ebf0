package io.temppass.gateway.mvpd;

import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.Replies;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Authentication sessions in Redis: one MessagePack map per code in a string, expiring with the
 * code. Every read and state change is one script (read, create, resume, start a sign-in, claim the
 * MVPD's redirect, finish), so concurrent calls on one code from several gateways see a serial
 * order. A session takes at most {@link #MAX_PACKED_BYTES} bytes packed, about 1 KiB of Redis
 * memory with its key, whatever the app sends: the client id is kept as a tag (a digest), and what
 * the app supplies must fit {@link #APP_BUDGET_BYTES} (session_create.lua).
 *
 * <p>Fields: {@code sp}, {@code mvpd}, {@code dn} (domainName), {@code ru} (redirectUrl), {@code
 * dev} (device hash), {@code cli} (client tag, {@link #clientTag}), {@code info} (X-Device-Info as
 * sent), {@code nb}/{@code na} (the code's window), {@code status} (new, claimed, done), {@code cu}
 * (until when a claim holds, Redis's time), {@code ci} (the claim's id), {@code st}/{@code
 * ver}/{@code non} (the current sign-in's state, PKCE verifier and nonce), {@code gen} (the profile
 * the login produced).
 */
final class SessionStore {
  /**
   * The most a packed session may take: with Redis's allocation classes and the key, 896 bytes of
   * string come to under 1 KiB of {@code MEMORY USAGE} (SessionMemoryTest measures it).
   */
  static final int MAX_PACKED_BYTES = 880;

  /**
   * What a sign-in adds at most (state, PKCE verifier and nonce; or the claim's deadline and id,
   * and then the profile's generation): kept free when the app's parameters are stored.
   */
  private static final int SIGN_IN_BYTES = 120;

  static final int APP_BUDGET_BYTES = MAX_PACKED_BYTES - SIGN_IN_BYTES;

  /** Reply of create and update when the app's parameters do not fit {@link #APP_BUDGET_BYTES}. */
  static final int TOO_LARGE = -3;

  private static final LuaScript GET = LuaScript.load("session_get");
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

  /**
   * Creates a session under a fresh code and answers the code; null when the app's parameters do
   * not fit the session (even without device info).
   */
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
    args.add(String.valueOf(APP_BUDGET_BYTES));
    flatten(fields, args);
    return redis
        .run(CREATE, List.of(keys.session(code)), args)
        .compose(
            r ->
                switch (r.toInteger()) {
                  case 1 -> Future.succeededFuture(code);
                  case TOO_LARGE -> Future.succeededFuture(null);
                  default -> create(fields, ttlMillis, attempt + 1);
                });
  }

  /**
   * 1 updated, 0 none, -1 another device or client, -2 completed, -3 {@link #TOO_LARGE}
   * (session_update.lua).
   */
  Future<Integer> update(
      String code, String deviceHash, String clientId, Map<String, String> fields) {
    List<String> args =
        new ArrayList<>(List.of(deviceHash, clientTag(clientId), String.valueOf(APP_BUDGET_BYTES)));
    flatten(fields, args);
    return redis.run(UPDATE, List.of(keys.session(code)), args).map(Response::toInteger);
  }

  /** The session's fields, or null when the code is unknown or expired. */
  Future<Map<String, String>> get(String code) {
    return redis.run(GET, List.of(keys.session(code)), List.of()).map(SessionStore::fields);
  }

  /**
   * What a session keeps of the client id: a digest of fixed length (the access token's client id
   * claim may be long), enough to tell whether a later call comes from the same client.
   */
  static String clientTag(String clientId) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** 1 recorded, 0 none, -2 completed or completing (login_start.lua). */
  Future<Integer> startLogin(String code, String state, String verifier, String nonce) {
    return redis
        .run(LOGIN_START, List.of(keys.session(code)), List.of(state, verifier, nonce))
        .map(Response::toInteger);
  }

  /**
   * Claims the session for one completion: held for {@code holdMillis} of Redis's time under {@code
   * claimId}. The claimed session's fields; or a failed future with {@link ClaimRefused}
   * (login_claim.lua).
   */
  Future<Map<String, String>> claim(String code, String state, long holdMillis, String claimId) {
    return redis
        .run(
            LOGIN_CLAIM,
            List.of(keys.session(code)),
            List.of(state, String.valueOf(holdMillis), claimId))
        .compose(
            r -> {
              if (r.type() == io.vertx.redis.client.ResponseType.NUMBER)
                return Future.failedFuture(new ClaimRefused(r.toInteger()));
              return Future.succeededFuture(fields(r));
            });
  }

  /**
   * Ends the claim {@code claimId}: 1 recorded, 0 the session expired, -1 no longer this claim's
   * (its deadline passed and another attempt took the session; nothing changed).
   */
  Future<Integer> finish(String code, String claimId, boolean completed, String generation) {
    return redis
        .run(
            LOGIN_FINISH,
            List.of(keys.session(code)),
            List.of(completed ? "done" : "new", generation == null ? "" : generation, claimId))
        .map(Response::toInteger);
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
