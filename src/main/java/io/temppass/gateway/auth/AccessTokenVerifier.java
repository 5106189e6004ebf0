package io.temppass.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import io.temppass.gateway.client.ClientAccessTokens;
import io.temppass.gateway.client.Refused;
import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig.AccessTokens;
import io.temppass.gateway.config.PublicKeyPems;
import io.temppass.gateway.pem.Pem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer} access tokens with vertx-auth-jwt: signature against the
 * trusted keys, {@code iss}, {@code exp}/{@code nbf} with leeway, and scopes. One instance serves
 * the whole process (vertx-auth-jwt's verification is thread-safe).
 *
 * <p>Keys are PEMs from configuration, or a JWKS (file or URL) re-read every {@code
 * jwksRefreshInterval} and, debounced by {@code jwksMinRefreshInterval}, when a token names an
 * unknown {@code kid}. Each read builds a new verifier and swaps it in whole, so a key removed from
 * the JWKS stops being trusted; a read that fails or yields no usable key keeps the current set.
 *
 * <p>Guards around the library: vertx-auth-jwt accepts unsigned tokens when it holds no key, so a
 * key set without keys is never installed; the token header's {@code alg} is checked against the
 * allow-list before the library sees it, so {@code none} or an HMAC algorithm keyed with a public
 * key can never be tried; a header with {@code crit} is refused, as the gateway understands no JWS
 * extension (RFC 7515 §4.1.11); and {@code exp}, {@code nbf} and {@code iat} must be numbers before
 * the library reads them (it throws on a string or a boolean, which would otherwise surface as a
 * 500). When {@code accessTokens.audience} is set, {@code aud} must name it.
 */
public final class AccessTokenVerifier {
  private static final System.Logger LOG = System.getLogger(AccessTokenVerifier.class.getName());

  /**
   * Why a token was refused, in words a client's developer can act on: it never quotes the token,
   * and what it quotes from the token's claims is cut short and stripped to printable ASCII.
   */
  public static final class Rejected extends RuntimeException {
    Rejected(String reason) {
      super(reason, null, false, false);
    }
  }

  private static <T> Future<T> rejected(String reason) {
    return Future.failedFuture(new Rejected(reason));
  }

  private record KeySet(JWTAuth jwt, Set<String> kids) {}

  /** A verified token, valid for the key set that verified it and until its own exp. */
  private record Verified(
      KeySet keys, JsonObject claims, long validFromMillis, long validUntilMillis) {}

  /** Apps reuse one access token for hours; verifying its RSA signature once is enough. */
  static final int CACHE_LIMIT = 20_000;

  /**
   * Verified tokens, at most {@code CACHE_LIMIT} (least used go first), each gone at its own {@code
   * validUntilMillis}, never later. Maintenance runs on the calling thread rather than the common
   * pool, so eviction never queues behind other work.
   */
  private final Cache<String, Verified> verified;

  private final Vertx vertx;
  private final AccessTokens settings;
  private final Set<String> algorithms;
  private volatile KeySet keys;
  private volatile long lastRefresh;
  private Future<Void> refreshing;
  private HttpClient http;
  private long timerId = -1;

  /** The gateway's own client tokens (Dynamic Client Registration), or null when it issues none. */
  private volatile ClientAccessTokens gatewayTokens;

  private AccessTokenVerifier(Vertx vertx, AccessTokens settings, int cacheLimit) {
    this.vertx = vertx;
    this.settings = settings;
    this.algorithms = Set.copyOf(settings.algorithms());
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(cacheLimit)
            .expireAfter(
                Expiry.creating(
                    (String token, Verified v) ->
                        Duration.ofMillis(
                            Math.max(0, v.validUntilMillis() - System.currentTimeMillis()))))
            .executor(Runnable::run)
            .build();
  }

  /**
   * Loads the keys (reading the JWKS once) and starts the refresh schedule; fails naming the
   * setting.
   */
  public static Future<AccessTokenVerifier> create(Vertx vertx, AccessTokens settings) {
    return create(vertx, settings, CACHE_LIMIT);
  }

  /**
   * {@link #create(Vertx, AccessTokens)} with another cache bound, so a test can fill the cache.
   */
  static Future<AccessTokenVerifier> create(Vertx vertx, AccessTokens settings, int cacheLimit) {
    AccessTokenVerifier verifier = new AccessTokenVerifier(vertx, settings, cacheLimit);
    if (settings.jwks() == null) {
      try {
        verifier.keys = verifier.fromPems(settings.publicKeys());
      } catch (ConfigException e) {
        return Future.failedFuture(e);
      }
      return Future.succeededFuture(verifier);
    }
    verifier.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    return verifier
        .refresh()
        .recover(
            err -> {
              verifier.close();
              return Future.failedFuture(
                  new ConfigException(
                      "accessTokens.jwks", "no usable key could be loaded: " + err.getMessage()));
            })
        .map(
            v -> {
              verifier.timerId =
                  vertx.setPeriodic(
                      settings.jwksRefreshInterval().toMillis(), id -> verifier.refresh());
              return verifier;
            });
  }

  public void close() {
    if (timerId >= 0) vertx.cancelTimer(timerId);
    if (http != null) http.close();
  }

  /**
   * Trusts, beside the configured issuers, the access tokens the gateway issues itself ({@code
   * /o/client/token}), recognised by a {@code kid} of {@code dcr.statementKeys}; such a token is
   * accepted only while its registered application is approved, and may act only for the
   * application's service providers ({@link #mayCall}).
   */
  public void trust(ClientAccessTokens tokens) {
    this.gatewayTokens = tokens;
  }

  /** Claims of a valid client access token (carrying {@code accessTokens.requiredScope}). */
  public Future<JsonObject> verify(String authorizationHeader) {
    return verifySignature(authorizationHeader)
        .compose(
            claims -> {
              String problem = scopeProblem(claims, settings.requiredScope());
              return problem == null ? Future.succeededFuture(claims) : rejected(problem);
            });
  }

  /**
   * Claims of any token these keys signed that is valid now, whatever its scopes (admin calls check
   * their own scope), or a failed future with a reason fit for logs (never the token itself).
   */
  public Future<JsonObject> verifySignature(String authorizationHeader) {
    Future<JsonObject> verified = verifyBearer(authorizationHeader);
    ClientAccessTokens gateway = gatewayTokens;
    if (gateway == null) return verified;
    // Checked on every request, cached token or not: a revocation must end tokens already issued.
    return verified.compose(
        claims -> {
          String refusal = gateway.refusal(claims);
          return refusal == null ? Future.succeededFuture(claims) : rejected(refusal);
        });
  }

  private Future<JsonObject> verifyBearer(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank())
      return rejected("the Authorization header is missing: send Authorization: Bearer <token>");
    if (!authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7))
      return rejected("the Authorization header is not a Bearer token: send Bearer <token>");
    String token = authorizationHeader.substring(7).trim();
    // A token verified before passed the checks below with the same header (it is part of the
    // token), so a cache hit skips decoding it again.
    JsonObject cached = cached(token);
    if (cached != null) return Future.succeededFuture(cached);
    // Every allowed algorithm signs; a token without a signature is refused here, whatever the
    // JWT library would make of it (left without a usable key, it runs "unsecured").
    int signature = token.lastIndexOf('.') + 1;
    if (signature == 0 || signature == token.length())
      return rejected("the bearer token is not a signed JWT (header.payload.signature)");
    JsonObject header = header(token);
    if (header == null) return rejected("the bearer token's JWT header is not Base64url JSON");
    ClientAccessTokens gateway = gatewayTokens;
    if (gateway != null && header.getValue("kid") instanceof String kid && gateway.signedByUs(kid))
      return ownToken(gateway, token);
    Object alg = header.getValue("alg");
    if (!(alg instanceof String) || !algorithms.contains(alg))
      // The configured values are not echoed: the caller is not authenticated yet.
      return rejected("the JWT algorithm is not accepted (accessTokens.algorithms)");
    if (header.containsKey("crit"))
      return rejected("the JWT header has crit: no JWS extension is understood");
    JsonObject claims = part(token, 1);
    if (claims == null) return rejected("the bearer token's JWT payload is not Base64url JSON");
    String malformed = malformedTimeClaim(claims);
    if (malformed != null) return rejected(malformed);
    String invalid = invalidClaims(claims);
    if (invalid != null) return rejected(invalid);
    Object kid = header.getValue("kid");
    if (settings.jwks() != null && kid instanceof String k && !keys.kids().contains(k)) {
      // A failed JWKS read is the gateway's trouble, not the client's: it is logged by refresh and
      // the client is told only that the key is unknown.
      return refreshForUnknownKid()
          .transform(
              v ->
                  keys.kids().contains(k)
                      ? authenticate(token)
                      : rejected("the JWT kid " + quoted(k) + " names no trusted key"));
    }
    return authenticate(token);
  }

  /** A token the gateway issued, verified by its own rules and then cached like any other. */
  private Future<JsonObject> ownToken(ClientAccessTokens gateway, String token) {
    JsonObject claims;
    try {
      claims = gateway.verify(token, System.currentTimeMillis());
    } catch (Refused e) {
      return rejected("the gateway-issued token is refused: " + e.getMessage());
    } catch (ClassCastException e) {
      return rejected("the gateway-issued token has a claim of the wrong type");
    }
    long leeway = settings.leeway().toMillis();
    verified.put(
        token,
        new Verified(
            keys,
            claims,
            claims.getLong("nbf", 0L) * 1000 - leeway,
            claims.getLong("exp") * 1000 + leeway));
    return Future.succeededFuture(claims);
  }

  /**
   * What the JWT library would refuse in the claims, checked first so that the reason can be
   * precise: expired (with the time), not yet valid, another issuer, no exp. The library checks
   * them again once the signature is verified.
   */
  private String invalidClaims(JsonObject claims) {
    long now = System.currentTimeMillis();
    long leeway = settings.leeway().toMillis();
    if (!(claims.getValue("exp") instanceof Number exp))
      return "the token has no exp claim: access tokens must expire";
    if (exp.longValue() * 1000 + leeway < now)
      return "the token expired at "
          + java.time.Instant.ofEpochSecond(exp.longValue())
          + " (accessTokens.leeway "
          + settings.leeway().toSeconds()
          + "s); get a new one";
    if (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() * 1000 - leeway > now)
      return "the token is not valid before " + java.time.Instant.ofEpochSecond(nbf.longValue());
    if (settings.issuer() != null && !settings.issuer().equals(claims.getValue("iss")))
      return "the token's issuer is not accepted (accessTokens.issuer)";
    return null;
  }

  /** A claim's value for a message: at most 64 printable ASCII characters, quoted. */
  private static String quoted(Object value) {
    if (value == null) return "(none)";
    String s = String.valueOf(value).replaceAll("[^\\x20-\\x7e]", "?");
    return "'" + (s.length() > 64 ? s.substring(0, 64) + "…" : s) + "'";
  }

  /**
   * Whether a gateway-issued token's application may act for {@code serviceProvider}; for other
   * tokens, when {@code accessTokens.clientServiceProviders} maps clients to providers, whether
   * this token's client (claim {@code accessTokens.clientIdClaim}) may call {@code
   * serviceProvider}.
   */
  public boolean mayCall(JsonObject claims, String serviceProvider) {
    ClientAccessTokens gateway = gatewayTokens;
    Boolean application = gateway == null ? null : gateway.mayActFor(claims, serviceProvider);
    if (application != null) return application;
    if (settings.clientServiceProviders().isEmpty()) return true;
    Object client = claims.getValue(settings.clientIdClaim());
    List<String> allowed =
        client instanceof String c ? settings.clientServiceProviders().get(c) : null;
    return allowed != null && allowed.contains(serviceProvider);
  }

  /**
   * Whether the token grants {@code scope}: in Adobe's {@code scopes} (a string separated by spaces
   * or commas, or a JSON array) or in the standard {@code scope} claim (RFC 9068 §2.2.3: one string
   * of space-separated scopes).
   */
  public static boolean hasScope(JsonObject claims, String scope) {
    return scopeProblem(claims, scope) == null;
  }

  /**
   * Why the token does not grant {@code scope}, in words for the developer of the client, or null
   * when it does. A scope claim of the wrong type is a problem even when the other claim grants the
   * scope: a token that breaks the format is refused rather than read half.
   */
  public static String scopeProblem(JsonObject claims, String scope) {
    Object scopes = claims.getValue("scopes");
    Object standard = claims.getValue("scope");
    if (scopes != null && !(scopes instanceof String) && !(scopes instanceof JsonArray))
      return "the scopes claim must be a string or an array of strings, got " + kind(scopes);
    if (standard != null && !(standard instanceof String))
      return "the scope claim must be a string of space-separated scopes (RFC 9068), got "
          + kind(standard);
    if (scopes instanceof String s && containsScope(s, scope, true)) return null;
    if (scopes instanceof JsonArray a && a.contains(scope)) return null;
    if (standard instanceof String s && containsScope(s, scope, false)) return null;
    return scopes == null && standard == null
        ? "the token has no scope or scopes claim; it needs the scope '" + scope + "'"
        : "the token's scope claims do not include '" + scope + "'";
  }

  private static String kind(Object value) {
    return value instanceof Number
        ? "a number"
        : value instanceof Boolean
            ? "a boolean"
            : value instanceof JsonObject ? "an object" : "an array";
  }

  /**
   * Whether {@code scope} is one of the space-separated (and, with {@code commas}, comma-separated)
   * words of {@code scopes}, without compiling a regex per request.
   */
  private static boolean containsScope(String scopes, String scope, boolean commas) {
    if (scope.isEmpty()) return List.of(scopes.split(commas ? "[ ,]+" : " +")).contains(scope);
    int n = scopes.length();
    int start = 0;
    while (start <= n) {
      int end = start;
      while (end < n && scopes.charAt(end) != ' ' && !(commas && scopes.charAt(end) == ',')) end++;
      if (end - start == scope.length() && scopes.regionMatches(start, scope, 0, scope.length()))
        return true;
      start = end + 1;
    }
    return false;
  }

  /**
   * The claims of {@code token} when the current key set verified it and it is valid now, else
   * null. The cache drops the entry at the token's exp (plus leeway); nbf is checked here, as a
   * token may be verified (within the leeway) before it starts.
   */
  private JsonObject cached(String token) {
    Verified hit = verified.getIfPresent(token);
    if (hit == null || hit.keys() != keys) return null;
    return System.currentTimeMillis() >= hit.validFromMillis() ? hit.claims() : null;
  }

  /** Tokens held in the cache now, after pending evictions and expiries. */
  long cachedTokens() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private Future<JsonObject> authenticate(String token) {
    KeySet current = keys;
    JsonObject cached = cached(token);
    if (cached != null) return Future.succeededFuture(cached);
    Future<io.vertx.ext.auth.User> user;
    try {
      user = current.jwt().authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // The library throws, rather than failing its future, on some malformed claims: a bad token,
      // not a server error.
      return rejected("the bearer token is not a well-formed JWT");
    }
    return user.transform(
        ar -> {
          if (ar.failed())
            return rejected(
                "the token's signature does not verify with any trusted key"
                    + " (accessTokens.publicKeys or accessTokens.jwks)");
          io.vertx.ext.auth.User u = ar.result();
          // vertx-auth-jwt keeps the decoded claims in the "accessToken" attribute.
          JsonObject claims = u.attributes().getJsonObject("accessToken", u.principal());
          if (!(claims.getValue("exp") instanceof Number exp))
            return rejected("the token has no exp claim: access tokens must expire");
          if (settings.audience() != null && !hasAudience(claims, settings.audience()))
            return rejected("the token's audience is not accepted (accessTokens.audience)");
          long leeway = settings.leeway().toMillis();
          long nbf = claims.getValue("nbf") instanceof Number n ? n.longValue() * 1000 - leeway : 0;
          // A key set swapped by a JWKS refresh invalidates every entry verified with the old one.
          verified.put(token, new Verified(current, claims, nbf, exp.longValue() * 1000 + leeway));
          return Future.succeededFuture(claims);
        });
  }

  /** {@code aud} as a single string or an array of strings (RFC 7519 §4.1.3). */
  static boolean hasAudience(JsonObject claims, String audience) {
    Object aud = claims.getValue("aud");
    if (aud instanceof String s) return s.equals(audience);
    if (aud instanceof JsonArray a) return a.contains(audience);
    return false;
  }

  /**
   * A reason when {@code exp}, {@code nbf} or {@code iat} is present but not a number; null
   * otherwise.
   */
  private static String malformedTimeClaim(JsonObject claims) {
    for (String name : List.of("exp", "nbf", "iat")) {
      Object value = claims.getValue(name);
      if (value != null && !(value instanceof Number))
        return "the " + name + " claim must be a number of seconds (NumericDate)";
    }
    return null;
  }

  // ---- key sets --------------------------------------------------------------------------

  private synchronized Future<Void> refreshForUnknownKid() {
    if (refreshing != null) return refreshing;
    if (System.currentTimeMillis() - lastRefresh < settings.jwksMinRefreshInterval().toMillis())
      return Future.succeededFuture();
    return refresh();
  }

  /**
   * Reads the JWKS and swaps in a verifier built from it; the current one stays when that fails.
   */
  synchronized Future<Void> refresh() {
    if (refreshing != null) return refreshing;
    lastRefresh = System.currentTimeMillis();
    Future<Void> f =
        readJwks()
            .map(
                jwks -> {
                  keys = fromJwks(jwks);
                  return (Void) null;
                })
            .onFailure(
                err ->
                    LOG.log(
                        System.Logger.Level.WARNING,
                        "access-token JWKS refresh failed, keeping the current keys: "
                            + err.getMessage()));
    refreshing = f;
    f.onComplete(
        ar -> {
          synchronized (this) {
            refreshing = null;
          }
        });
    return f;
  }

  private Future<JsonObject> readJwks() {
    String location = settings.jwks();
    Future<Buffer> body;
    if (location.startsWith("file:")) {
      body = vertx.fileSystem().readFile(location.substring(5));
    } else {
      body =
          http.request(
                  new RequestOptions()
                      .setMethod(HttpMethod.GET)
                      .setAbsoluteURI(location)
                      .setTimeout(5000))
              .compose(req -> req.send())
              .compose(
                  resp ->
                      resp.statusCode() == 200
                          ? resp.body()
                          : Future.failedFuture("HTTP " + resp.statusCode()));
    }
    return body.map(b -> new JsonObject(b));
  }

  private KeySet fromJwks(JsonObject jwks) {
    JWTAuthOptions options = options();
    Set<String> kids = new HashSet<>();
    JsonArray list = jwks.getJsonArray("keys", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject jwk)) continue;
      if (jwk.containsKey("use") && !"sig".equals(jwk.getString("use"))) continue;
      String alg = algorithmFor(jwk);
      if (alg == null) continue;
      String unusable = unusable(jwk);
      if (unusable != null) {
        LOG.log(
            System.Logger.Level.WARNING, "accessTokens.jwks: key #" + i + " skipped: " + unusable);
        continue;
      }
      options.addJwk(jwk.copy().put("alg", alg));
      if (jwk.getValue("kid") instanceof String kid) kids.add(kid);
    }
    if (options.getJwks().isEmpty())
      throw new IllegalStateException(
          "the JWKS holds no key for algorithms " + settings.algorithms());
    return new KeySet(JWTAuth.create(vertx, options), Set.copyOf(kids));
  }

  /**
   * Why {@code jwk} yields no public key, or null when it does. vertx-auth-jwt logs such a key and
   * skips it, so only keys that load are handed to it: a set it loads none of would leave it
   * without a key, and it then accepts unsigned tokens.
   */
  private static String unusable(JsonObject jwk) {
    try {
      JWK parsed = JWK.parse(jwk.encode());
      PublicKey key = parsed instanceof AsymmetricJWK asymmetric ? asymmetric.toPublicKey() : null;
      if (key == null) return "not a public key";
      // RFC 7518 §3.3: RSA keys of 2,048 bits or more (this also refuses a modulus that does not
      // decode, which Nimbus reads as a short number).
      if (key instanceof java.security.interfaces.RSAPublicKey rsa
          && rsa.getModulus().bitLength() < 2048) return "an RSA key shorter than 2048 bits";
      return null;
    } catch (java.text.ParseException | JOSEException | RuntimeException e) {
      return String.valueOf(e.getMessage());
    }
  }

  /**
   * The JWK's own {@code alg} when allowed; else, for keys that name none, the first allowed one of
   * their family.
   */
  private String algorithmFor(JsonObject jwk) {
    String alg = jwk.getString("alg");
    if (alg != null) return algorithms.contains(alg) ? alg : null;
    String family =
        "EC".equals(jwk.getString("kty")) ? "ES" : "RSA".equals(jwk.getString("kty")) ? "RS" : null;
    if (family == null) return null;
    for (String a : settings.algorithms())
      if (a.startsWith(family) || (family.equals("RS") && a.startsWith("PS"))) return a;
    return null;
  }

  private KeySet fromPems(List<String> pems) {
    JWTAuthOptions options = options();
    for (int i = 0; i < pems.size(); i++) {
      PublicKey key = PublicKeyPems.read(pems.get(i), "accessTokens.publicKeys[" + i + "]");
      // Re-armoured from the key itself, so the JWT library reads exactly what the check read.
      String pem = Pem.encode(Pem.PUBLIC_KEY, key.getEncoded());
      for (String alg : settings.algorithms()) {
        if (PublicKeyPems.family(alg).equals(key.getAlgorithm()))
          options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem));
      }
    }
    // JWTAuthOptions has no list at all until a key is added: null, not empty.
    if (options.getPubSecKeys() == null || options.getPubSecKeys().isEmpty()) {
      throw new ConfigException(
          "accessTokens.publicKeys",
          "no verification key loaded for algorithms " + settings.algorithms());
    }
    try {
      return new KeySet(JWTAuth.create(vertx, options), Set.of());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "accessTokens.publicKeys", "rejected by the JWT library: " + e.getMessage());
    }
  }

  private JWTAuthOptions options() {
    return new JWTAuthOptions()
        .setJWTOptions(
            new JWTOptions()
                .setIssuer(settings.issuer())
                .setLeeway((int) settings.leeway().toSeconds()));
  }

  private static JsonObject header(String token) {
    return part(token, 0);
  }

  /** The JSON object of a JWS compact serialisation's header (0) or payload (1), or null. */
  private static JsonObject part(String token, int index) {
    if (token.length() > 16 * 1024) return null;
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[index].isEmpty()) return null;
    try {
      return new JsonObject(
          new String(Base64.getUrlDecoder().decode(parts[index]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
