package io.temppass.gateway.auth;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig.AccessTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer} access tokens with vertx-auth-jwt against the configured
 * public keys: signature, {@code iss}, {@code exp}/{@code nbf} with leeway, and the required scope.
 *
 * <p>Two guards around the library: vertx-auth-jwt accepts unsigned tokens when it holds no key, so
 * construction fails unless at least one key loaded; and the token header's {@code alg} is checked
 * against the allow-list before the library sees it, so {@code none} or an HMAC algorithm keyed with
 * a public key can never be tried.
 */
public final class AccessTokenVerifier {
  private final JWTAuth jwt;
  private final Set<String> algorithms;
  private final String requiredScope;

  public AccessTokenVerifier(Vertx vertx, AccessTokens settings) {
    this.algorithms = Set.copyOf(settings.algorithms());
    this.requiredScope = settings.requiredScope();
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
        .setIssuer(settings.issuer())
        .setLeeway((int) settings.leeway().toSeconds()));
    int loaded = 0;
    for (int i = 0; i < settings.publicKeys().size(); i++) {
      String pem = settings.publicKeys().get(i);
      String keyType = keyType(pem, "accessTokens.publicKeys[" + i + "]");
      for (String alg : settings.algorithms()) {
        if (family(alg).equals(keyType)) {
          options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem));
          loaded++;
        }
      }
    }
    if (loaded == 0) {
      throw new ConfigException("accessTokens.publicKeys", "no verification key loaded for algorithms " + settings.algorithms());
    }
    try {
      this.jwt = JWTAuth.create(vertx, options);
    } catch (RuntimeException e) {
      throw new ConfigException("accessTokens.publicKeys", "rejected by the JWT library: " + e.getMessage());
    }
  }

  /** Claims of a valid client access token (carrying {@code accessTokens.requiredScope}). */
  public Future<JsonObject> verify(String authorizationHeader) {
    return verifySignature(authorizationHeader).compose(claims -> hasScope(claims, requiredScope)
        ? Future.succeededFuture(claims)
        : Future.failedFuture("missing scope " + requiredScope));
  }

  /**
   * Claims of any token these keys signed that is valid now, whatever its scopes (admin calls check
   * their own scope), or a failed future with a reason fit for logs (never the token itself).
   */
  public Future<JsonObject> verifySignature(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture("missing bearer token");
    }
    String token = authorizationHeader.substring(7).trim();
    String alg = headerAlgorithm(token);
    if (alg == null || !algorithms.contains(alg)) return Future.failedFuture("algorithm not allowed");
    return jwt.authenticate(new TokenCredentials(token)).compose(user -> {
      // vertx-auth-jwt keeps the decoded claims in the "accessToken" attribute.
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      if (!(claims.getValue("exp") instanceof Number)) return Future.failedFuture("token has no exp");
      return Future.succeededFuture(claims);
    });
  }

  /** {@code scopes} as Adobe sends it (a space-separated string) or as a JSON array. */
  public static boolean hasScope(JsonObject claims, String scope) {
    Object scopes = claims.getValue("scopes");
    if (scopes instanceof String s) return List.of(s.split("[ ,]+")).contains(scope);
    if (scopes instanceof JsonArray a) return a.contains(scope);
    return false;
  }

  private static String headerAlgorithm(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || token.length() > 16 * 1024) return null;
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
      Object alg = header.getValue("alg");
      return alg instanceof String s ? s : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String family(String alg) {
    return alg.startsWith("ES") ? "EC" : "RSA";
  }

  private static String keyType(String pem, String setting) {
    String body = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    if (!pem.contains("BEGIN PUBLIC KEY")) throw new ConfigException(setting, "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, "is not valid PEM Base64");
    }
    for (String type : List.of("RSA", "EC")) {
      try {
        PublicKey key = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
        return key.getAlgorithm();
      } catch (Exception ignored) {
        // try the next key type
      }
    }
    throw new ConfigException(setting, "is neither an RSA nor an EC public key");
  }
}
