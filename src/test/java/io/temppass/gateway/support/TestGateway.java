package io.temppass.gateway.support;

import io.temppass.gateway.Gateway;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.token.SigningKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Builds production-mode configurations for tests (real keys, real Redis, a key prefix of the
 * test's own) and starts gateways from them.
 */
public final class TestGateway {
  public static final SigningKey MEDIA_KEY = SigningKey.generate("test-media-1");
  public static final String HASH_SECRET = "test-hash-secret-0123456789abcdefghijklmnop";

  private TestGateway() {}

  /** A fresh configuration tree with its own key prefix and no integrations. */
  public static JsonObject config() {
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    return new JsonObject()
        .put("mode", "production")
        .put(
            "server",
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", 0)
                .put("instances", 2)
                .put("helpUrl", "https://docs.example/errors"))
        .put(
            "redis",
            new JsonObject()
                .put("type", TestRedis.cluster() ? "cluster" : "standalone")
                .put(
                    "endpoints",
                    new JsonArray(new java.util.ArrayList<Object>(TestRedis.endpoints())))
                .put("keyPrefix", prefix)
                .put("poolSize", 16))
        .put(
            "accessTokens",
            new JsonObject()
                .put("issuer", AccessTokens.ISSUER)
                .put("publicKeys", new JsonArray().add(AccessTokens.publicKeyPem())))
        .put(
            "mediaTokens",
            new JsonObject()
                .put(
                    "keys",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("kid", MEDIA_KEY.kid())
                                .put("privateKey", MEDIA_KEY.privateKeyPem())
                                .put("publicKey", MEDIA_KEY.publicKeyPem())
                                .put("active", true))))
        .put("identity", new JsonObject().put("hashSecret", HASH_SECRET))
        .put("throttle", new JsonObject().put("enabled", false))
        .put("integrations", new JsonArray());
  }

  /**
   * A basic TempPass integration; a number {@code ttl} is milliseconds (durations need a unit in
   * the configuration).
   */
  public static JsonObject basic(String sp, String mvpd, Object ttl) {
    return new JsonObject()
        .put("serviceProvider", sp)
        .put("mvpd", mvpd)
        .put("type", "temppass-basic")
        .put("ttl", duration(ttl));
  }

  public static JsonObject promotional(String sp, String mvpd, Object ttl, int maxResources) {
    return new JsonObject()
        .put("serviceProvider", sp)
        .put("mvpd", mvpd)
        .put("type", "temppass-promotional")
        .put("ttl", duration(ttl))
        .put("maxResources", maxResources);
  }

  private static Object duration(Object value) {
    return value instanceof Number n && n.longValue() != 0 ? n.longValue() + "ms" : value;
  }

  public static JsonObject with(JsonObject config, JsonObject... integrations) {
    for (JsonObject i : integrations) config.getJsonArray("integrations").add(i);
    return config;
  }

  /** A fixed AES-256 key for the sessions' encryption in tests (32 bytes, Base64). */
  public static final String PROFILE_KEY =
      java.util.Base64.getEncoder()
          .encodeToString("test-profile-key-0123456789abcdef".substring(0, 32).getBytes());

  /**
   * Prepares a configuration for the regular-MVPD path: the gateway listens on a fixed free port so
   * the MVPD's redirect (built from {@code sessions.publicUrl}) comes back to it, and the service
   * provider owns {@code example.com} (every sign-in's redirectUrl and domainName in tests).
   */
  public static JsonObject withMvpdSessions(JsonObject config, String sp)
      throws java.io.IOException {
    int port = TestRedis.freePort();
    config.getJsonObject("server").put("port", port);
    config.put(
        "sessions",
        new JsonObject()
            .put("publicUrl", "http://127.0.0.1:" + port)
            .put("encryptionKey", PROFILE_KEY));
    config.put(
        "serviceProviders",
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", sp)
                    .put(
                        "domains",
                        new JsonArray().add(new JsonObject().put("name", "example.com")))));
    return config;
  }

  public static GatewayConfig parse(JsonObject tree) {
    return GatewayConfig.from(tree, GatewayConfig::readFile);
  }

  public static Future<Gateway> start(Vertx vertx, JsonObject tree) {
    return Gateway.start(vertx, parse(tree));
  }

  public static String keyPrefix(JsonObject tree) {
    return tree.getJsonObject("redis").getString("keyPrefix");
  }
}
