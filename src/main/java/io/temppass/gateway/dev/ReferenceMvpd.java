package io.temppass.gateway.dev;

import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A stand-in MVPD for development mode, so the whole regular-MVPD path can be walked with {@code
 * curl} alone: an OpenID Connect provider that signs the development subscriber in without a form
 * (the authorization request is answered at once with a code), the JSON resource authorization
 * endpoint of the gateway's MVPD wire contract ({@code docs/MVPD.md}), and an XACML policy decision
 * point applying the same rules ({@link ReferenceXacmlPdp}).
 *
 * <p>Everything is served under the issuer {@code http://HOST:PORT/mvpd}. It keeps its codes and
 * refresh tokens in memory and signs with a key made at start, so a restart signs everyone out. It
 * is a development tool, not an identity provider: one client, one subscriber, no consent.
 */
public final class ReferenceMvpd {
  private static final System.Logger LOG = System.getLogger(ReferenceMvpd.class.getName());

  static final String BASE_PATH = "/mvpd";

  /**
   * RFC 6749 §4.1.2 asks for a short life (at most 10 minutes); the gateway redeems within a
   * second.
   */
  static final long CODE_LIFETIME_MILLIS = 60_000;

  static final int ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
  private static final int BODY_LIMIT_BYTES = 64 * 1024;

  /**
   * RFC 7636 §4.1: 43 to 128 unreserved characters, for both the verifier and an S256 challenge.
   */
  private static final Pattern PKCE_VALUE = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private static final String APP_PATH = "/app";
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Claims the provider sets itself: a subscriber claim of the same name would overwrite them. */
  private static final Set<String> RESERVED_CLAIMS =
      Set.of(
          "iss",
          "sub",
          "aud",
          "exp",
          "iat",
          "nbf",
          "jti",
          "nonce",
          "auth_time",
          "azp",
          "client_id",
          "scope");

  /**
   * The reference MVPD's settings. {@link #defaults()} gives the development values; the {@code
   * with…} methods change one group at a time.
   *
   * @param host interface to listen on, also the host of the issuer
   * @param port 0 for a free port
   * @param clientId the one OAuth client (the gateway) and the authorization endpoint's user
   * @param clientSecret its secret, for the token endpoint and the authorization endpoint alike
   * @param allowedRedirectPrefixes a {@code redirect_uri} or {@code post_logout_redirect_uri} must
   *     start with one of these (and carry no user info or fragment)
   * @param subscriberId the {@code sub} of the development subscriber, and the only {@code userID}
   *     the authorization endpoint knows
   * @param subscriberClaims claims added to the ID token and the user info
   * @param deniedResources resources refused as not in the subscriber's package
   * @param parentalControlResources resources refused with the {@code restrict-pc} obligation
   * @param authorizationTtlSeconds the {@code ttl} of a {@code Permit}
   */
  public record Options(
      String host,
      int port,
      String clientId,
      String clientSecret,
      List<String> allowedRedirectPrefixes,
      String subscriberId,
      Map<String, String> subscriberClaims,
      Set<String> deniedResources,
      Set<String> parentalControlResources,
      int authorizationTtlSeconds) {

    public Options {
      requireText(host, "host");
      requireText(clientId, "clientId");
      requireText(clientSecret, "clientSecret");
      requireText(subscriberId, "subscriberId");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      if (authorizationTtlSeconds <= 0) {
        throw new IllegalArgumentException(
            "authorizationTtlSeconds must be positive, was " + authorizationTtlSeconds);
      }
      allowedRedirectPrefixes = List.copyOf(allowedRedirectPrefixes);
      if (allowedRedirectPrefixes.isEmpty()) {
        throw new IllegalArgumentException("allowedRedirectPrefixes must name at least one prefix");
      }
      for (String prefix : allowedRedirectPrefixes) {
        if (!prefix.startsWith("http://") && !prefix.startsWith("https://")) {
          throw new IllegalArgumentException(
              "allowedRedirectPrefixes: " + prefix + " is not an http(s) URI prefix");
        }
      }
      // Insertion order kept so the claims read in the configured order in tokens and user info.
      subscriberClaims = Collections.unmodifiableMap(new LinkedHashMap<>(subscriberClaims));
      for (String claim : subscriberClaims.keySet()) {
        if (RESERVED_CLAIMS.contains(claim)) {
          throw new IllegalArgumentException(
              "subscriberClaims: " + claim + " is set by the provider itself");
        }
      }
      deniedResources = Set.copyOf(deniedResources);
      parentalControlResources = Set.copyOf(parentalControlResources);
    }

    /**
     * The development values: 127.0.0.1 on a free port, client {@code temppass-gateway-dev},
     * redirects back to any loopback port, subscriber {@code dev-subscriber} of household {@code
     * dev-household}, {@code REF30-premium} outside the package, {@code REF30-mature} under
     * parental controls, permits valid 600 s.
     */
    public static Options defaults() {
      Map<String, String> claims = new LinkedHashMap<>();
      claims.put("householdID", "dev-household");
      claims.put("zip", "10001");
      claims.put("maxRating", "TV-MA");
      return new Options(
          "127.0.0.1",
          0,
          "temppass-gateway-dev",
          "reference-mvpd-dev-secret",
          List.of("http://127.0.0.1:", "http://localhost:"),
          "dev-subscriber",
          claims,
          Set.of("REF30-premium"),
          Set.of("REF30-mature"),
          600);
    }

    public Options withListen(String newHost, int newPort) {
      return copy(
          d -> {
            d.host = newHost;
            d.port = newPort;
          });
    }

    public Options withClient(String newClientId, String newClientSecret) {
      return copy(
          d -> {
            d.clientId = newClientId;
            d.clientSecret = newClientSecret;
          });
    }

    public Options withAllowedRedirectPrefixes(List<String> prefixes) {
      return copy(d -> d.allowedRedirectPrefixes = prefixes);
    }

    public Options withSubscriber(String newSubscriberId, Map<String, String> claims) {
      return copy(
          d -> {
            d.subscriberId = newSubscriberId;
            d.subscriberClaims = claims;
          });
    }

    public Options withResources(Set<String> denied, Set<String> parentalControls) {
      return copy(
          d -> {
            d.deniedResources = denied;
            d.parentalControlResources = parentalControls;
          });
    }

    public Options withAuthorizationTtlSeconds(int seconds) {
      return copy(d -> d.authorizationTtlSeconds = seconds);
    }

    /**
     * These options with {@code change} applied: the one place that lists every component in order,
     * so the withers cannot mix two of the same type up. The result is checked again.
     */
    private Options copy(Consumer<Draft> change) {
      Draft d = new Draft();
      change.accept(d);
      return new Options(
          d.host,
          d.port,
          d.clientId,
          d.clientSecret,
          d.allowedRedirectPrefixes,
          d.subscriberId,
          d.subscriberClaims,
          d.deniedResources,
          d.parentalControlResources,
          d.authorizationTtlSeconds);
    }

    /** The components of these options, to change some before {@link #copy} checks them. */
    private final class Draft {
      String host = Options.this.host;
      int port = Options.this.port;
      String clientId = Options.this.clientId;
      String clientSecret = Options.this.clientSecret;
      List<String> allowedRedirectPrefixes = Options.this.allowedRedirectPrefixes;
      String subscriberId = Options.this.subscriberId;
      Map<String, String> subscriberClaims = Options.this.subscriberClaims;
      Set<String> deniedResources = Options.this.deniedResources;
      Set<String> parentalControlResources = Options.this.parentalControlResources;
      int authorizationTtlSeconds = Options.this.authorizationTtlSeconds;
    }

    /** Keeps the secret out of logs and exception messages that print the options. */
    @Override
    public String toString() {
      return "ReferenceMvpd.Options[host="
          + host
          + ", port="
          + port
          + ", clientId="
          + clientId
          + ", allowedRedirectPrefixes="
          + allowedRedirectPrefixes
          + ", subscriberId="
          + subscriberId
          + ", deniedResources="
          + deniedResources
          + ", parentalControlResources="
          + parentalControlResources
          + ", authorizationTtlSeconds="
          + authorizationTtlSeconds
          + "]";
    }

    private static void requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
    }
  }

  /** An authorization code waiting to be redeemed: everything the token request must match. */
  private record PendingCode(
      String clientId,
      String redirectUri,
      String codeChallenge,
      String nonce,
      String scope,
      long expiresAtMillis) {}

  /**
   * A code already redeemed, kept until it would have expired so a replay can revoke what it gave.
   */
  private record RedeemedCode(String refreshToken, long expiresAtMillis) {}

  private record RefreshGrant(String clientId, String scope) {}

  private final Options options;
  private final long codeLifetimeMillis;
  private final ReferenceSigningKey key;
  private final JWTAuth jwt;
  private final ReferenceAuthorizationRules rules;
  private final ReferenceXacmlPdp pdp;
  private final HttpServer server;
  private final SigningCredential samlKey;
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Map<String, RedeemedCode> redeemedCodes = new ConcurrentHashMap<>();
  private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();

  private ReferenceMvpd(
      Vertx vertx,
      Options options,
      long codeLifetimeMillis,
      ReferenceSigningKey key,
      SigningCredential xacmlKey,
      SigningCredential samlKey) {
    this.options = options;
    this.samlKey = samlKey;
    this.codeLifetimeMillis = codeLifetimeMillis;
    this.key = key;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
    this.rules =
        new ReferenceAuthorizationRules(
            options.subscriberId(),
            options.deniedResources(),
            options.parentalControlResources(),
            options.authorizationTtlSeconds());
    this.pdp = new ReferenceXacmlPdp(rules, "reference-mvpd", xacmlKey);
    this.server = vertx.createHttpServer().requestHandler(router(vertx));
  }

  /**
   * {@code java -cp temppass-gateway.jar io.temppass.gateway.dev.ReferenceMvpd [--port N]}: the
   * reference MVPD on its own (load-tests/bench/run.sh mvpd), with the development defaults, until
   * the process is stopped.
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: ReferenceMvpd [--port N]");
        System.exit(2);
      }
    }
    ReferenceMvpd mvpd =
        start(Vertx.vertx(), Options.defaults().withListen("127.0.0.1", port))
            .toCompletionStage()
            .toCompletableFuture()
            .get();
    System.out.println("ISSUER=" + mvpd.issuer());
  }

  /** Generates the signing key on a worker thread, then listens. */
  public static Future<ReferenceMvpd> start(Vertx vertx, Options options) {
    return start(vertx, options, CODE_LIFETIME_MILLIS);
  }

  /** With another code lifetime, so a test can make codes that are already expired when issued. */
  static Future<ReferenceMvpd> start(Vertx vertx, Options options, long codeLifetimeMillis) {
    Objects.requireNonNull(options, "options");
    return vertx
        .executeBlocking(
            () ->
                new Object[] {
                  ReferenceSigningKey.generate(),
                  SigningCredential.generate("reference-mvpd-xacml"),
                  SigningCredential.generate("reference-mvpd-saml-idp")
                })
        .compose(
            keys -> {
              ReferenceMvpd mvpd =
                  new ReferenceMvpd(
                      vertx,
                      options,
                      codeLifetimeMillis,
                      (ReferenceSigningKey) keys[0],
                      (SigningCredential) keys[1],
                      (SigningCredential) keys[2]);
              return mvpd.server.listen(options.port(), options.host()).map(bound -> mvpd);
            })
        .onSuccess(
            mvpd ->
                LOG.log(
                    System.Logger.Level.INFO, "reference MVPD listening, issuer " + mvpd.issuer()));
  }

  /** {@code http://HOST:PORT/mvpd}: the OpenID Connect issuer, and the base of every endpoint. */
  public String issuer() {
    return "http://" + options.host() + ":" + server.actualPort() + BASE_PATH;
  }

  /**
   * The JSON resource authorization endpoint ({@code POST}), not the OAuth authorization endpoint.
   */
  public String authorizationEndpoint() {
    return issuer() + "/authorize-resource";
  }

  /**
   * The XACML policy decision point ({@code POST}, SOAP 1.1): the same rules as {@link
   * #authorizationEndpoint()}, answered as a signed SAML assertion.
   */
  public String xacmlEndpoint() {
    return issuer() + "/xacml";
  }

  /** The certificate of the key that signs the XACML answers, in PEM. */
  public String xacmlCertificatePem() {
    return pdp.key().certificatePem();
  }

  /** From now on the XACML endpoint refuses queries not signed by {@code gateway}'s key. */
  public void requireSignedXacmlQueries(java.security.cert.X509Certificate gateway) {
    pdp.requireSignedQueries(gateway);
  }

  public int port() {
    return server.actualPort();
  }

  /** The SAML IdP's metadata URL ({@code REF30/SAMLReference} in development mode). */
  public String samlMetadataUrl() {
    return origin() + ReferenceSamlIdp.PATH + "/metadata";
  }

  /**
   * The JSON resource authorization endpoint for SAML integrations: the same rules, without the
   * OAuth client credentials a SAML integration does not have.
   */
  public String samlAuthorizationEndpoint() {
    return origin() + ReferenceSamlIdp.PATH + "/authorize-resource";
  }

  /** {@code http://host:port}, where the issuer and the app pages live. */
  public String origin() {
    return "http://" + options.host() + ":" + server.actualPort();
  }

  /** A page that stands in for the app's own {@code redirectUrl} target in development. */
  public String appPage(String name) {
    return origin() + APP_PATH + "/" + name;
  }

  public Options options() {
    return options;
  }

  public Future<Void> close() {
    return server.close();
  }

  private Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    router.get(BASE_PATH + "/.well-known/openid-configuration").handler(this::discovery);
    router.get(BASE_PATH + "/jwks").handler(this::jwks);
    router.get(BASE_PATH + "/authorize").handler(this::authorize);
    router.post(BASE_PATH + "/token").handler(body).handler(this::token);
    router.get(BASE_PATH + "/userinfo").handler(this::userInfo);
    router.get(BASE_PATH + "/logout").handler(this::logout);
    router.post(BASE_PATH + "/authorize-resource").handler(body).handler(this::authorizeResource);
    router.post(BASE_PATH + "/xacml").handler(body).handler(this::xacml);
    router
        .post(ReferenceSamlIdp.PATH + "/authorize-resource")
        .handler(body)
        .handler(ctx -> authorizeResource(ctx, false));
    new ReferenceSamlIdp(
            samlKey,
            this::origin,
            options.subscriberId(),
            options.subscriberClaims(),
            this::redirectAllowed)
        .mount(router);
    // Stands in for the programmer's own page that a session's redirectUrl names, so a walk-through
    // with curl -L ends somewhere that answers.
    router
        .get(APP_PATH + "/*")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain;charset=UTF-8")
                    .end(
                        "This is the app's page at "
                            + ctx.normalizedPath()
                            + ": the browser's part is over; the app reads the result from the gateway.\n"));
    return router;
  }

  // ---------------------------------------------------------------- OpenID Connect provider

  private void discovery(RoutingContext ctx) {
    String issuer = issuer();
    json(
        ctx,
        200,
        new JsonObject()
            .put("issuer", issuer)
            .put("authorization_endpoint", issuer + "/authorize")
            .put("token_endpoint", issuer + "/token")
            .put("userinfo_endpoint", issuer + "/userinfo")
            .put("jwks_uri", issuer + "/jwks")
            .put("end_session_endpoint", issuer + "/logout")
            .put("response_types_supported", new JsonArray().add("code"))
            .put(
                "grant_types_supported",
                new JsonArray().add("authorization_code").add("refresh_token"))
            .put("code_challenge_methods_supported", new JsonArray().add("S256"))
            .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
            .put(
                "token_endpoint_auth_methods_supported",
                new JsonArray().add("client_secret_basic").add("client_secret_post"))
            .put("scopes_supported", new JsonArray().add("openid").add("profile"))
            .put("subject_types_supported", new JsonArray().add("public"))
            .put("claims_supported", claimsSupported()));
  }

  private JsonArray claimsSupported() {
    JsonArray claims =
        new JsonArray().add("sub").add("iss").add("aud").add("exp").add("iat").add("nonce");
    options.subscriberClaims().keySet().forEach(claims::add);
    return claims;
  }

  private void jwks(RoutingContext ctx) {
    json(ctx, 200, key.jwkSet());
  }

  /**
   * The authorization request, answered at once: the development subscriber is always signed in.
   * Until the client and its redirect are known good, errors are a 400 page (RFC 6749 §4.1.2.1
   * forbids redirecting to an unchecked URI); after that they go back to the client as {@code
   * error=…} on the redirect.
   */
  private void authorize(RoutingContext ctx) {
    MultiMap query = ctx.queryParams();
    String repeated = repeated(query, "client_id", "redirect_uri");
    if (repeated != null) {
      text(ctx, 400, repeated);
      return;
    }
    String clientId = query.get("client_id");
    String redirectUri = query.get("redirect_uri");
    if (clientId == null || !clientId.equals(options.clientId())) {
      text(ctx, 400, "client_id is missing or unknown.");
      return;
    }
    if (redirectUri == null || !redirectAllowed(redirectUri)) {
      text(ctx, 400, "redirect_uri is missing or not allowed for this client.");
      return;
    }
    repeated =
        repeated(
            query,
            "state",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "nonce",
            "scope");
    String state = query.getAll("state").size() == 1 ? query.get("state") : null;
    String responseType = query.get("response_type");
    String codeChallenge = query.get("code_challenge");
    String codeChallengeMethod = query.get("code_challenge_method");
    String nonce = query.get("nonce");
    String scope = query.get("scope");
    if (repeated != null) {
      redirectError(ctx, redirectUri, "invalid_request", repeated, state);
    } else if (responseType == null) {
      redirectError(ctx, redirectUri, "invalid_request", "response_type is required.", state);
    } else if (!"code".equals(responseType)) {
      redirectError(
          ctx,
          redirectUri,
          "unsupported_response_type",
          "Only response_type=code is supported.",
          state);
    } else if (state == null || state.isEmpty()) {
      redirectError(ctx, redirectUri, "invalid_request", "state is required.", null);
    } else if (codeChallenge == null || !PKCE_VALUE.matcher(codeChallenge).matches()) {
      // RFC 7636 §4.4.1: this provider requires PKCE of every client.
      redirectError(ctx, redirectUri, "invalid_request", "code_challenge is required.", state);
    } else if (!"S256".equals(codeChallengeMethod)) {
      redirectError(
          ctx, redirectUri, "invalid_request", "code_challenge_method must be S256.", state);
    } else {
      long now = System.currentTimeMillis();
      dropExpired(now);
      String code = randomToken();
      codes.put(
          code,
          new PendingCode(
              clientId,
              redirectUri,
              codeChallenge,
              nonce,
              scope == null ? "" : scope,
              now + codeLifetimeMillis));
      Map<String, String> parameters = new LinkedHashMap<>();
      parameters.put("code", code);
      parameters.put("state", state);
      redirect(ctx, withQuery(redirectUri, parameters));
    }
  }

  private void token(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String clientId = authenticateClient(ctx, form);
    if (clientId == null) {
      return;
    }
    // All the parameters of both grants: RFC 6749 §3.2 makes any repeated one an invalid request.
    String repeated =
        repeated(form, "grant_type", "code", "redirect_uri", "code_verifier", "refresh_token");
    String grantType = form.get("grant_type");
    if (repeated != null) {
      tokenError(ctx, 400, "invalid_request", repeated);
    } else if ("authorization_code".equals(grantType)) {
      redeemCode(ctx, form, clientId);
    } else if ("refresh_token".equals(grantType)) {
      refresh(ctx, form, clientId);
    } else if (grantType == null) {
      tokenError(ctx, 400, "invalid_request", "grant_type is required.");
    } else {
      tokenError(
          ctx,
          400,
          "unsupported_grant_type",
          "Only authorization_code and refresh_token are supported.");
    }
  }

  /**
   * client_secret_basic or client_secret_post, never both (RFC 6749 §2.3). Answers 401 {@code
   * invalid_client} itself and returns null when the client is not authenticated.
   */
  private String authenticateClient(RoutingContext ctx, MultiMap form) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String repeated = repeated(form, "client_id", "client_secret");
    if (repeated != null) {
      tokenError(ctx, 400, "invalid_request", repeated);
      return null;
    }
    String formClientId = form.get("client_id");
    String formSecret = form.get("client_secret");
    if (authorization != null) {
      String[] basic = basicCredentials(authorization);
      if (formSecret != null) {
        tokenError(ctx, 400, "invalid_request", "Use one client authentication method.");
        return null;
      }
      // RFC 6749 §2.3.1 form-encodes id and secret before Base64; many clients do not, so accept
      // both.
      if (basic != null
          && (formClientId == null || formClientId.equals(formDecode(basic[0])))
          && (clientMatches(basic[0], basic[1])
              || clientMatches(formDecode(basic[0]), formDecode(basic[1])))) {
        return options.clientId();
      }
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"reference-mvpd\"");
      tokenError(ctx, 401, "invalid_client", "Client authentication failed.");
      return null;
    }
    if (formClientId != null && formSecret != null && clientMatches(formClientId, formSecret)) {
      return options.clientId();
    }
    tokenError(ctx, 401, "invalid_client", "Client authentication failed.");
    return null;
  }

  private void redeemCode(RoutingContext ctx, MultiMap form, String clientId) {
    String code = form.get("code");
    String redirectUri = form.get("redirect_uri");
    String verifier = form.get("code_verifier");
    if (code == null) {
      tokenError(ctx, 400, "invalid_request", "code is required.");
      return;
    }
    long now = System.currentTimeMillis();
    // Removed on its first presentation, whatever the outcome: a code is single use (RFC 6749
    // §4.1.2), and a code that failed its PKCE check must not be tried again with another verifier.
    PendingCode pending = codes.remove(code);
    if (pending == null) {
      RedeemedCode replayed = redeemedCodes.remove(code);
      if (replayed != null) {
        // RFC 6749 §4.1.2: a code used twice SHOULD revoke what it gave (the access token is a
        // stateless JWT and lives on until it expires).
        refreshTokens.remove(replayed.refreshToken());
      }
      tokenError(ctx, 400, "invalid_grant", "The code is unknown, expired or already used.");
      return;
    }
    if (pending.expiresAtMillis() <= now) {
      tokenError(ctx, 400, "invalid_grant", "The code is unknown, expired or already used.");
      return;
    }
    if (!pending.clientId().equals(clientId) || !pending.redirectUri().equals(redirectUri)) {
      tokenError(
          ctx, 400, "invalid_grant", "The code was issued to another client or redirect_uri.");
      return;
    }
    if (verifier == null
        || !PKCE_VALUE.matcher(verifier).matches()
        || !MessageDigest.isEqual(
            s256(verifier).getBytes(StandardCharsets.US_ASCII),
            pending.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
      tokenError(ctx, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
      return;
    }
    String refreshToken = randomToken();
    refreshTokens.put(refreshToken, new RefreshGrant(clientId, pending.scope()));
    redeemedCodes.put(code, new RedeemedCode(refreshToken, pending.expiresAtMillis()));
    issueTokens(ctx, clientId, pending.scope(), pending.nonce(), refreshToken);
  }

  private void refresh(RoutingContext ctx, MultiMap form, String clientId) {
    String refreshToken = form.get("refresh_token");
    RefreshGrant grant = refreshToken == null ? null : refreshTokens.get(refreshToken);
    if (grant == null || !grant.clientId().equals(clientId)) {
      tokenError(
          ctx,
          400,
          "invalid_grant",
          "The refresh token is unknown or was issued to another client.");
      return;
    }
    // OpenID Connect Core §12.2: a refreshed ID token carries no nonce.
    issueTokens(ctx, clientId, grant.scope(), null, refreshToken);
  }

  /**
   * The access token is a JWT whose {@code aud} names the client, so a Vert.x OAuth2 client decodes
   * and checks it rather than treating it as opaque. Its claims follow RFC 9068 (JWT access
   * tokens).
   */
  private void issueTokens(
      RoutingContext ctx, String clientId, String scope, String nonce, String refreshToken) {
    String issuer = issuer();
    String accessToken =
        jwt.generateToken(
            new JsonObject()
                .put("sub", options.subscriberId())
                .put("client_id", clientId)
                .put("scope", scope)
                .put("jti", randomToken()),
            signing(issuer, clientId));
    JsonObject response =
        new JsonObject()
            .put("access_token", accessToken)
            .put("token_type", "Bearer")
            .put("expires_in", ACCESS_TOKEN_LIFETIME_SECONDS)
            .put("refresh_token", refreshToken)
            .put("scope", scope);
    // OpenID Connect Core §3.1.2.1: an ID token answers a request that asked for the openid scope.
    if (Arrays.asList(scope.split(" ")).contains("openid")) {
      JsonObject claims = subscriberClaims().put("auth_time", System.currentTimeMillis() / 1000);
      if (nonce != null) {
        claims.put("nonce", nonce);
      }
      response.put("id_token", jwt.generateToken(claims, signing(issuer, clientId)));
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("Pragma", "no-cache");
    json(ctx, 200, response);
  }

  private JWTOptions signing(String issuer, String clientId) {
    return new JWTOptions()
        .setAlgorithm("RS256")
        .setIssuer(issuer)
        .setSubject(options.subscriberId())
        .addAudience(clientId)
        .setExpiresInSeconds(ACCESS_TOKEN_LIFETIME_SECONDS);
  }

  private void userInfo(RoutingContext ctx) {
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : null;
    if (token == null || token.isEmpty()) {
      invalidToken(ctx);
      return;
    }
    jwt.authenticate(new TokenCredentials(token))
        .onComplete(
            ar -> {
              // Only access tokens carry client_id (RFC 9068 §2.2); an ID token, signed by the same
              // key, does not.
              if (ar.failed()
                  || !issuer().equals(ar.result().principal().getString("iss"))
                  || !options.clientId().equals(ar.result().principal().getString("client_id"))) {
                invalidToken(ctx);
                return;
              }
              ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
              json(ctx, 200, subscriberClaims());
            });
  }

  /** {@code sub} and the configured claims, in their configured order. */
  private JsonObject subscriberClaims() {
    JsonObject claims = new JsonObject().put("sub", options.subscriberId());
    options.subscriberClaims().forEach(claims::put);
    return claims;
  }

  private void invalidToken(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    json(ctx, 401, new JsonObject().put("error", "invalid_token"));
  }

  /**
   * RP-initiated logout. There is no browser session to end (nobody signs in with a form), so this
   * only sends the user back, to a redirect that passes the same check as a login redirect.
   */
  private void logout(RoutingContext ctx) {
    String repeated = repeated(ctx.queryParams(), "post_logout_redirect_uri", "state");
    if (repeated != null) {
      text(ctx, 400, repeated);
      return;
    }
    String postLogout = ctx.queryParams().get("post_logout_redirect_uri");
    String state = ctx.queryParams().get("state");
    if (postLogout == null) {
      text(ctx, 200, "Signed out of the reference MVPD.");
      return;
    }
    if (!redirectAllowed(postLogout)) {
      text(ctx, 400, "post_logout_redirect_uri is not allowed.");
      return;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (state != null) {
      parameters.put("state", state);
    }
    redirect(ctx, withQuery(postLogout, parameters));
  }

  // ---------------------------------------------------------------- resource authorization

  /**
   * The MVPD wire contract of {@code docs/MVPD.md}: Basic client credentials, one query, one
   * decision.
   */
  private void authorizeResource(RoutingContext ctx) {
    authorizeResource(ctx, true);
  }

  private void authorizeResource(RoutingContext ctx, boolean clientCredentials) {
    String[] basic = basicCredentials(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (clientCredentials && (basic == null || !clientMatches(basic[0], basic[1]))) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"reference-mvpd\"");
      json(ctx, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      badQuery(ctx, "Content-Type must be application/json.");
      return;
    }
    JsonObject query;
    try {
      Object parsed = ctx.body().buffer() == null ? null : Json.decodeValue(ctx.body().buffer());
      query = parsed instanceof JsonObject object ? object : null;
    } catch (DecodeException e) {
      query = null;
    }
    if (query == null) {
      badQuery(ctx, "The body must be a JSON object.");
      return;
    }
    Object subject = query.getValue("subject");
    String userId = subject instanceof JsonObject s ? text(s, "userID") : null;
    String resource = text(query, "resource");
    String action = text(query, "action");
    String requestor = text(query, "requestor");
    Object environment = query.getValue("environment");
    if (userId == null || resource == null || action == null || requestor == null) {
      badQuery(ctx, "subject.userID, resource, action and requestor are required strings.");
      return;
    }
    if (environment != null && !(environment instanceof JsonObject)) {
      badQuery(ctx, "environment must be an object.");
      return;
    }
    if (!"VIEW".equals(action)) {
      badQuery(ctx, "action must be VIEW.");
      return;
    }
    json(ctx, 200, rules.decide(userId, resource));
  }

  /** XACML queries received (answered or refused). */
  private final java.util.concurrent.atomic.AtomicInteger xacmlQueries =
      new java.util.concurrent.atomic.AtomicInteger();

  /** How many XACML queries the PDP has received. */
  public int xacmlQueries() {
    return xacmlQueries.get();
  }

  /** XACML over SOAP 1.1; a query it cannot read is a SOAP Fault (HTTP 500, as SOAP 1.1 says). */
  private void xacml(RoutingContext ctx) {
    xacmlQueries.incrementAndGet();
    Buffer query = ctx.body().buffer();
    byte[] answer;
    int status = 200;
    try {
      answer = pdp.answer(query == null ? new byte[0] : query.getBytes());
    } catch (XmlRejected e) {
      answer = ReferenceXacmlPdp.fault(e.getMessage());
      status = 500;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/xml; charset=utf-8")
        .end(Buffer.buffer(answer));
  }

  private static String text(JsonObject object, String field) {
    return object.getValue(field) instanceof String value && !value.isEmpty() ? value : null;
  }

  private static void badQuery(RoutingContext ctx, String message) {
    json(ctx, 400, new JsonObject().put("error", "invalid_request").put("message", message));
  }

  // ---------------------------------------------------------------- helpers

  private boolean clientMatches(String clientId, String clientSecret) {
    // Both compared in constant time, so a timing difference tells nothing about either.
    boolean idMatches =
        MessageDigest.isEqual(
            clientId.getBytes(StandardCharsets.UTF_8),
            options.clientId().getBytes(StandardCharsets.UTF_8));
    boolean secretMatches =
        MessageDigest.isEqual(
            clientSecret.getBytes(StandardCharsets.UTF_8),
            options.clientSecret().getBytes(StandardCharsets.UTF_8));
    return idMatches & secretMatches;
  }

  /** The id and secret of a {@code Basic} header, or null when it is absent or malformed. */
  private static String[] basicCredentials(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0
          ? null
          : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A redirect target must start with a configured prefix and be a plain http(s) URI with a host,
   * no user info and no fragment (RFC 6749 §3.1.2): otherwise {@code
   * http://localhost:80@evil.example/} would pass a {@code http://localhost:} prefix while pointing
   * elsewhere.
   */
  private boolean redirectAllowed(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return false;
    }
    if (parsed.getHost() == null
        || parsed.getRawUserInfo() != null
        || parsed.getRawFragment() != null
        || !("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme()))) {
      return false;
    }
    return options.allowedRedirectPrefixes().stream().anyMatch(uri::startsWith);
  }

  private void dropExpired(long now) {
    codes.values().removeIf(code -> code.expiresAtMillis() <= now);
    redeemedCodes.values().removeIf(code -> code.expiresAtMillis() <= now);
  }

  private static String s256(String verifier) {
    try {
      return BASE64URL.encodeToString(
          MessageDigest.getInstance("SHA-256")
              .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  /** 256 random bits: codes and refresh tokens cannot be guessed. */
  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  private static String formDecode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }

  private static String withQuery(String uri, Map<String, String> parameters) {
    StringBuilder target = new StringBuilder(uri);
    char separator = uri.indexOf('?') < 0 ? '?' : '&';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      target
          .append(separator)
          .append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return target.toString();
  }

  private static void redirectError(
      RoutingContext ctx, String redirectUri, String error, String description, String state) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("error", error);
    parameters.put("error_description", description);
    if (state != null) {
      parameters.put("state", state);
    }
    redirect(ctx, withQuery(redirectUri, parameters));
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response()
        .setStatusCode(302)
        .putHeader(HttpHeaders.LOCATION, location)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end();
  }

  private static void tokenError(RoutingContext ctx, int status, String error, String description) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    json(ctx, status, new JsonObject().put("error", error).put("error_description", description));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.encode());
  }

  private static void text(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(message + "\n");
  }

  /**
   * RFC 6749 §3.1 and §3.2: a parameter sent more than once makes the request invalid. The error
   * message for the first of {@code names} that is, or null when none is.
   */
  private static String repeated(MultiMap parameters, String... names) {
    for (String name : names) {
      if (parameters.getAll(name).size() > 1) return name + " is repeated.";
    }
    return null;
  }
}
