package io.temppass.gateway.dev;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * What {@code mode: development} adds so the gateway runs on a machine with only a JDK and Maven: a
 * real Redis server from the embedded-redis binaries, and a throw-away RSA key with a development
 * access token signed by it. Production configuration refuses both (see GatewayConfig).
 */
public final class DevEnvironment {
  private static final System.Logger LOG = System.getLogger(DevEnvironment.class.getName());

  private RedisServer redis;
  private String accessToken;

  /** Adjusts the raw configuration tree before it is validated. */
  public void prepare(JsonObject tree) throws IOException {
    JsonObject redisConf = tree.getJsonObject("redis", new JsonObject());
    if (redisConf.getBoolean("embedded", false) && redisConf.getJsonArray("endpoints", new JsonArray()).isEmpty()) {
      int port = freePort();
      redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      redis.start();
      redisConf.put("endpoints", new JsonArray().add("redis://127.0.0.1:" + port));
      tree.put("redis", redisConf);
      LOG.log(System.Logger.Level.WARNING, "development: started an embedded Redis on 127.0.0.1:" + port);
    }
    JsonObject access = tree.getJsonObject("accessTokens", new JsonObject());
    if (access.getJsonArray("publicKeys", new JsonArray()).isEmpty()) {
      KeyPair pair = rsa();
      access.put("publicKeys", new JsonArray().add(pem("PUBLIC KEY", pair.getPublic().getEncoded())));
      tree.put("accessTokens", access);
      accessToken = sign(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), access.getString("issuer", "auth.adobe.com"),
          access.getString("requiredScope", "api:client:v2"));
      LOG.log(System.Logger.Level.WARNING, "development: generated a throw-away access-token key");
    }
  }

  /** The development access token, or null when the configuration brought its own keys. */
  public String accessToken() {
    return accessToken;
  }

  public void stop() {
    if (redis != null) {
      try {
        redis.stop();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "embedded Redis did not stop cleanly: " + e.getMessage());
      }
    }
  }

  private static String sign(String privatePem, String issuer, String scope) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
      return jwt.generateToken(new JsonObject().put("sub", UUID.randomUUID().toString()).put("scopes", scope),
          new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).setExpiresInSeconds(24 * 3600));
    } finally {
      vertx.close();
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
