package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regular (MVPD) profiles in Redis, one hash per integration and device hash: the window in clear
 * (nothing personal), and everything the MVPD returned sealed by {@link SecretBox} under the key's
 * own name. The generation is drawn anew at every login: cached decisions are keyed by it, so a
 * logout (which deletes the profile) or a new login makes every earlier decision unreachable.
 */
record ProfileStore(ScriptRunner redis, MvpdKeys keys, SecretBox box, long expiredRetentionMillis) {
  private static final LuaScript PUT = LuaScript.load("profile_put");

  /**
   * A profile as stored; {@code identity} is null when the sealed part cannot be opened (key
   * changed).
   */
  record Stored(long notBefore, long notAfter, String generation, MvpdLogin.Identity identity) {
    boolean expired(long now) {
      return notAfter <= now;
    }
  }

  Future<Void> put(
      IntegrationConfig integration,
      String deviceHash,
      long notBefore,
      long notAfter,
      String generation,
      MvpdLogin.Identity identity) {
    String key = keys.profile(integration, deviceHash);
    JsonObject secret =
        new JsonObject()
            .put("userID", identity.userId())
            .put("attributes", new JsonObject(new LinkedHashMap<>(identity.attributes())));
    if (identity.refreshToken() != null) secret.put("refreshToken", identity.refreshToken());
    if (identity.logoutHandle() != null) secret.put("logout", identity.logoutHandle());
    return redis
        .runDurable(
            PUT,
            List.of(key),
            List.of(
                String.valueOf(notAfter + expiredRetentionMillis),
                "nb",
                String.valueOf(notBefore),
                "na",
                String.valueOf(notAfter),
                "gen",
                generation,
                "enc",
                box.seal(secret.encode(), key)))
        .mapEmpty();
  }

  /**
   * The device's profile for the integration, or null when there is none (never was, expired long
   * ago, logged out).
   */
  Future<Stored> get(IntegrationConfig integration, String deviceHash) {
    String key = keys.profile(integration, deviceHash);
    return redis
        .send(Request.cmd(Command.HMGET).arg(key).arg("nb").arg("na").arg("gen").arg("enc"))
        .map(r -> parse(Fields.from(r), key));
  }

  /** Deletes the profile; true when there was one. */
  Future<Boolean> delete(IntegrationConfig integration, String deviceHash) {
    return redis
        .send(Request.cmd(Command.DEL).arg(keys.profile(integration, deviceHash)))
        .map(r -> r.toInteger() > 0);
  }

  /**
   * The stored hash's fields as {@link #get} reads them ({@code HMGET nb na gen enc}, written by
   * profile_put.lua): each null when absent; null altogether when there is no such profile.
   */
  private record Fields(
      Response notBefore, Response notAfter, Response generation, Response sealed) {
    static Fields from(Response r) {
      if (r == null || r.size() < 4 || r.get(0) == null || r.get(1) == null || r.get(2) == null)
        return null;
      return new Fields(r.get(0), r.get(1), r.get(2), r.get(3));
    }
  }

  private Stored parse(Fields r, String key) {
    if (r == null) return null;
    MvpdLogin.Identity identity = null;
    String opened = r.sealed() == null ? null : box.open(r.sealed().toString(), key);
    if (opened != null) {
      JsonObject secret = new JsonObject(opened);
      Map<String, Object> attributes =
          secret.getJsonObject("attributes", new JsonObject()).getMap();
      identity =
          new MvpdLogin.Identity(
              secret.getString("userID"),
              attributes,
              secret.getString("refreshToken"),
              secret.getString("logout"));
    }
    return new Stored(
        r.notBefore().toLong(), r.notAfter().toLong(), r.generation().toString(), identity);
  }
}
