package io.temppass.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.temppass.gateway.config.Problems.Positive;
import io.temppass.gateway.config.Problems.Range;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gateway's whole configuration: one typed object, built once at start-up from {@code
 * conf/*.yaml} plus {@code TEMPPASS_*} environment overrides (see {@link ConfigLoader}), bound by
 * Jackson ({@link ConfigBinder}; defaults in {@code defaults.yaml}) and then checked here against
 * the rules that span settings. Every setting, its default and its meaning is listed once in {@code
 * conf/gateway.yaml}.
 */
public record GatewayConfig(
    Mode mode,
    Server server,
    RedisSettings redis,
    AccessTokens accessTokens,
    MediaTokens mediaTokens,
    @JsonProperty("identity") @JsonDeserialize(using = IdentitySetting.class) String hashSecret,
    Admin admin,
    ThrottleSettings throttle,
    List<IntegrationConfig> integrations,
    List<MvpdSettings.ServiceProvider> serviceProviders,
    MvpdSettings.Sessions sessions,
    Logging logging,
    Dcr dcr,
    TracingSettings tracing) {

  public GatewayConfig {
    hashSecret = hashSecret == null ? null : hashSecret.strip();
  }

  public enum Mode {
    @JsonProperty("production")
    PRODUCTION,
    @JsonProperty("development")
    DEVELOPMENT
  }

  public enum RedisType {
    @JsonProperty("standalone")
    STANDALONE,
    @JsonProperty("cluster")
    CLUSTER
  }

  /** {@code instances: 0} (the default) means one per core. */
  public record Server(
      String host,
      @Range(min = 0, max = 65535) int port,
      @Range(min = 0, max = 256) int instances,
      @Positive Duration eventBusTimeout,
      @Range(min = 1, max = 1000) int maxResourcesPerRequest,
      @Range(min = 1, max = 1000) int maxPreauthorizeResources,
      @Range(min = 256, max = 16 * 1024 * 1024) int maxBodyBytes,
      @Range(min = 1, max = 65536) int maxResourceLength,
      String helpUrl,
      @Positive Duration idleTimeout,
      @Positive Duration requestHeaderTimeout,
      @Positive Duration requestTimeout,
      Duration shutdownReadinessDelay,
      @Positive Duration shutdownGracePeriod,
      @Range(min = 1, max = 65535) Integer managementPort,
      boolean vertxHttpMetrics) {
    public Server {
      if (instances == 0) instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    }
  }

  /** SPEC 6: a token bucket per client IP over every /api/v2/ path, shared through Redis. */
  public record ThrottleSettings(
      boolean enabled,
      double ratePerSecond,
      @Range(min = 0, max = 1_000_000) int burst,
      List<String> trustedProxies,
      @Range(min = 1, max = 128) int ipv6PrefixLength) {}

  /**
   * {@code username} and {@code password} (inline or {@code file:}) apply to every endpoint whose
   * URL carries none; blank means unset. {@code tls} applies to {@code rediss://} endpoints.
   */
  public record RedisSettings(
      RedisType type,
      List<String> endpoints,
      boolean embedded,
      @Range(min = 1, max = 4096) int poolSize,
      @Range(min = 1, max = 1_000_000) int poolWaiting,
      @Positive Duration commandTimeout,
      String keyPrefix,
      @Range(min = 0, max = 16) int replicaAcks,
      @Positive Duration replicaAckTimeout,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String username,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String password,
      RedisTls tls) {
    public RedisSettings {
      username = username == null || username.isBlank() ? null : username.strip();
      password = password == null || password.isBlank() ? null : password.strip();
      if (tls == null) tls = new RedisTls(null, true, null, null);
    }

    /** The password and every URL password replaced by {@code ***} (for messages and logs). */
    @Override
    public String toString() {
      return RedisSecrets.masked(
          "RedisSettings[type="
              + type
              + ", endpoints="
              + endpoints
              + ", password="
              + (password == null ? "unset" : RedisSecrets.MASK)
              + "]");
    }
  }

  /**
   * TLS of {@code rediss://} endpoints: {@code trustFile}, a PEM bundle of the CAs that sign the
   * servers' certificates (unset: the JVM's trust store); {@code hostnameVerification}, whether the
   * certificate must name the endpoint's host; {@code certFile} and {@code keyFile}, a client
   * certificate for servers that require one (mutual TLS). Paths, checked at start-up ({@link
   * RedisTlsFiles}) and read by each Redis client as it is made.
   */
  public record RedisTls(
      String trustFile, boolean hostnameVerification, String certFile, String keyFile) {
    /** Whether any setting differs from plain server-authenticated TLS with the JVM's CAs. */
    boolean configured() {
      return trustFile != null || !hostnameVerification || certFile != null || keyFile != null;
    }
  }

  /** No {@code algorithms} means RS256; a blank {@code jwks} means none. */
  public record AccessTokens(
      String issuer,
      List<String> algorithms,
      @JsonDeserialize(contentUsing = ConfigBinder.FileSetting.class) List<String> publicKeys,
      String jwks,
      @Positive Duration jwksRefreshInterval,
      @Positive Duration jwksMinRefreshInterval,
      Duration leeway,
      String requiredScope,
      String clientIdClaim,
      Map<String, List<String>> clientServiceProviders,
      String audience) {
    public AccessTokens {
      if (algorithms == null || algorithms.isEmpty()) algorithms = List.of("RS256");
      if (jwks != null && jwks.isBlank()) jwks = null;
    }
  }

  /** {@code requests}: one log line per request (http/RequestLog); off by default. */
  public record Logging(boolean requests) {}

  /**
   * OpenTelemetry tracing (io.temppass.gateway.tracing.Tracing), off unless {@code otlpEndpoint} or
   * one of the standard {@code OTEL_EXPORTER_OTLP_*ENDPOINT} variables is set; the other {@code
   * OTEL_*} variables (headers, sampler, batching) override these and the SDK's defaults.
   *
   * @param otlpEndpoint the collector's OTLP/HTTP base URL; spans go to {@code /v1/traces} below it
   * @param serviceName the {@code service.name} resource attribute ({@code OTEL_SERVICE_NAME} wins)
   */
  public record TracingSettings(String otlpEndpoint, String serviceName) {
    public TracingSettings {
      if (otlpEndpoint != null && otlpEndpoint.isBlank()) otlpEndpoint = null;
    }
  }

  /**
   * Admin calls (degradation rules, TempPass resets) and how fast every process sees their effect.
   */
  public record Admin(String requiredScope, @Positive Duration pollInterval) {}

  public record MediaTokenKey(
      String kid,
      @JsonProperty("privateKey") @JsonDeserialize(using = ConfigBinder.FileSetting.class)
          String privateKeyPem,
      @JsonProperty("publicKey") @JsonDeserialize(using = ConfigBinder.FileSetting.class)
          String publicKeyPem,
      boolean active) {}

  /**
   * {@code signingProvider}: auto (fastest available: Corretto, else Conscrypt, else BouncyCastle)
   * or jdk (the JDK's default).
   */
  public record MediaTokens(
      @Positive Duration ttl,
      List<MediaTokenKey> keys,
      boolean generateDevelopmentKey,
      String signingProvider) {}

  /**
   * Dynamic Client Registration (README "Client registration"): the keys that sign software
   * statements and the gateway's own client access tokens, which rotate as media-token keys do.
   * Without a key, registration refuses every statement and the admin API cannot create
   * applications. A blank {@code issuer} means {@code sessions.publicUrl}, else {@code
   * temppass-gateway}.
   */
  public record Dcr(
      String issuer,
      @Positive Duration accessTokenLifetime,
      List<MediaTokenKey> statementKeys,
      boolean generateDevelopmentKey,
      List<DeclaredApplication> applications) {
    public Dcr {
      if (issuer != null && issuer.isBlank()) issuer = null;
      if (applications == null) applications = List.of();
    }
  }

  /**
   * A registered application declared in the configuration (GitOps): created at start-up when no
   * application has its {@code id}, never overwritten (a difference is a WARNING; the admin API
   * changes it). The fields are those of {@code POST /admin/v1/applications}, checked the same way.
   */
  public record DeclaredApplication(
      String id,
      String name,
      String version,
      List<String> serviceProviders,
      List<String> platforms,
      List<String> domains,
      List<String> customSchemes,
      List<String> scopes) {}

  /** The {@code iss} of software statements and of the gateway's client access tokens. */
  public String dcrIssuer() {
    if (dcr.issuer() != null) return dcr.issuer();
    return sessions != null && sessions.publicUrl() != null
        ? sessions.publicUrl()
        : "temppass-gateway";
  }

  /**
   * The {@code identity} section, which holds one setting: read into {@link
   * GatewayConfig#hashSecret}.
   */
  record Identity(@JsonDeserialize(using = ConfigBinder.FileSetting.class) String hashSecret) {}

  static final class IdentitySetting extends StdDeserializer<String> {
    IdentitySetting() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return ctxt.readValue(p, Identity.class).hashSecret();
    }
  }

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_:.-]{1,32}");
  static final Set<String> ALLOWED_ACCESS_TOKEN_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512");

  /** The service provider's own settings (domains), or null when it has none configured. */
  public MvpdSettings.ServiceProvider serviceProvider(String id) {
    for (MvpdSettings.ServiceProvider sp : serviceProviders) if (sp.id().equals(id)) return sp;
    return null;
  }

  public IntegrationConfig integration(String serviceProvider, String mvpd) {
    for (IntegrationConfig i : integrations) {
      if (i.serviceProvider().equals(serviceProvider) && i.mvpd().equals(mvpd)) return i;
    }
    return null;
  }

  /**
   * Binds and validates the typed configuration; throws {@link ConfigException} listing every
   * problem, each naming its setting. {@code files} reads the {@code file:} values.
   */
  public static GatewayConfig from(JsonObject tree, Function<String, String> files) {
    List<String> problems = new ArrayList<>();
    GatewayConfig config = bindAll(tree, files, problems);
    if (!problems.isEmpty()) throw ConfigException.of(problems);
    return config;
  }

  /**
   * As {@link #from}, but every problem is added to {@code problems} and the configuration is
   * returned as far as it binds (a bad value replaced by its default), so that {@code
   * --check-config} can go on to the stages after this one. Such a configuration is for checking
   * only, never for serving. Null when nothing binds.
   */
  public static GatewayConfig bindAll(
      JsonObject tree, Function<String, String> files, List<String> problems) {
    Problems found = new Problems();
    GatewayConfig config = ConfigBinder.bind(tree, files, found);
    if (config != null) config.check(found, ConfigBinder.nodes(tree));
    problems.addAll(found.lines());
    return config;
  }

  /** The rules no type expresses: ranges, formats, and settings that depend on each other. */
  private void check(Problems p, ObjectNode written) {
    boolean dev = mode == Mode.DEVELOPMENT;
    p.declared(this, "");
    check(p, server);
    check(p, redis, dev);
    check(p, accessTokens, dev);
    check(p, mediaTokens, dev);
    check(p, dcr, dev);
    if (p.check(
        hashSecret != null && !hashSecret.isBlank(),
        "identity.hashSecret",
        "is required (at least 32 characters): device and identity values are stored only as keyed hashes")) {
      p.check(hashSecret.length() >= 32, "identity.hashSecret", "must be at least 32 characters");
    }
    p.check(
        !admin.requiredScope().isBlank()
            && !admin.requiredScope().equals(accessTokens.requiredScope()),
        "admin.requiredScope",
        "must be set and differ from accessTokens.requiredScope, so a client token is never an admin credential");
    p.check(
        admin.pollInterval().compareTo(Duration.ofSeconds(1)) < 0,
        "admin.pollInterval",
        "must be under 1s: every process must see an admin change within one second");
    check(p, throttle);
    if (tracing.otlpEndpoint() != null)
      MvpdSettings.httpUrl(p, tracing.otlpEndpoint(), "tracing.otlpEndpoint");
    p.check(
        tracing.serviceName() != null && !tracing.serviceName().isBlank(),
        "tracing.serviceName",
        "must not be empty (it names the gateway's spans in the tracing backend)");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < integrations.size(); i++) {
      IntegrationConfig ic = integrations.get(i);
      if (ic == null) continue;
      check(p, ic, "integrations[" + i + "].", written.path("integrations").path(i));
      // The MVPD's redirect back waits on the login: past server.requestTimeout the viewer would
      // get a 408 while the sign-in completes behind it.
      if (ic.login() != null && ic.login().timeout() != null && server.requestTimeout() != null)
        p.check(
            ic.login().timeout().compareTo(server.requestTimeout()) < 0,
            "integrations[" + i + "].login.timeout",
            "must be shorter than server.requestTimeout ("
                + server.requestTimeout().toMillis()
                + " ms), which bounds the MVPD's redirect back");
      if (ic.serviceProvider() != null && ic.mvpd() != null)
        p.check(
            seen.add(ic.id()), "integrations[" + i + "].mvpd", "duplicate integration " + ic.id());
    }
    MvpdSettings.check(
        p,
        serviceProviders,
        sessions,
        integrations.stream().anyMatch(i -> i != null && i.hasMvpdLogin()));
  }

  private static void check(Problems p, Server s) {
    p.check(
        !s.host().isBlank(),
        "server.host",
        "must not be empty (0.0.0.0 listens on every interface)");
    // A numeric host must be a real IPv4 address: 999.1.1.1 would only fail when the server binds.
    p.check(
        !s.host().matches("[0-9.]+") || NetUtil.isValidIpV4Address(s.host()),
        "server.host",
        "must be an IP address or a host name, got '" + s.host() + "'");
    p.check(
        s.managementPort() == null || s.managementPort() != s.port(),
        "server.managementPort",
        "must differ from server.port: it exists to keep /metrics off the public port");
    p.check(
        s.shutdownReadinessDelay().compareTo(s.shutdownGracePeriod()) < 0,
        "server.shutdownReadinessDelay",
        "must be at least 0 and shorter than server.shutdownGracePeriod");
    if (s.helpUrl() != null) MvpdSettings.httpUrl(p, s.helpUrl(), "server.helpUrl");
  }

  private static void check(Problems p, RedisSettings r, boolean dev) {
    p.check(
        !r.embedded() || dev, "redis.embedded", "an embedded Redis is only for mode: development");
    p.check(
        r.embedded() || !r.endpoints().isEmpty(),
        "redis.endpoints",
        "at least one redis:// endpoint is required");
    for (int i = 0; i < r.endpoints().size(); i++) {
      if (r.endpoints().get(i) != null)
        redisEndpoint(p, r.endpoints().get(i), "redis.endpoints[" + i + "]");
    }
    RedisTlsFiles.check(p, r);
    p.check(
        r.password() == null || r.endpoints().stream().noneMatch(RedisSecrets::hasPassword),
        "redis.password",
        "is set, and an endpoint URL carries a password too: keep it in one place (redis.password, which takes file:)");
    p.check(
        r.username() == null || r.password() != null,
        "redis.username",
        "needs redis.password (Redis ACL users sign in with both)");
    p.check(
        r.replicaAckTimeout().compareTo(r.commandTimeout()) < 0,
        "redis.replicaAckTimeout",
        "must be shorter than redis.commandTimeout");
    p.check(
        KEY_PREFIX.matcher(r.keyPrefix()).matches(),
        "redis.keyPrefix",
        "must be 1-32 characters of [A-Za-z0-9_:.-]");
  }

  private static void check(Problems p, AccessTokens a, boolean dev) {
    boolean allowed = true;
    for (String alg : a.algorithms()) {
      allowed &=
          p.check(
              alg != null && ALLOWED_ACCESS_TOKEN_ALGORITHMS.contains(alg),
              "accessTokens.algorithms",
              "'"
                  + alg
                  + "' is not an allowed signature algorithm "
                  + ALLOWED_ACCESS_TOKEN_ALGORITHMS.stream().sorted().toList());
    }
    for (int i = 0; i < a.publicKeys().size() && allowed; i++) {
      try {
        if (a.publicKeys().get(i) != null)
          PublicKeyPems.checkUsable(
              a.publicKeys().get(i), "accessTokens.publicKeys[" + i + "]", a.algorithms());
      } catch (ConfigException e) {
        p.add(e);
      }
    }
    String jwks = a.jwks();
    if (jwks != null) {
      p.check(
          jwks.startsWith("file:") || jwks.startsWith("https://") || jwks.startsWith("http://"),
          "accessTokens.jwks",
          "must be file:/path, https:// or http:// URL");
      p.check(
          a.publicKeys().isEmpty(), "accessTokens.jwks", "set either publicKeys or jwks, not both");
      p.check(
          !jwks.startsWith("http://") || dev,
          "accessTokens.jwks",
          "must be https:// (or file:) outside mode: development: keys read over plain HTTP can be replaced in transit");
    }
    p.check(
        !a.publicKeys().isEmpty() || jwks != null || dev,
        "accessTokens.publicKeys",
        "at least one verification key (publicKeys or jwks) is required; the gateway never accepts unsigned tokens");
    p.check(a.issuer() != null && !a.issuer().isBlank(), "accessTokens.issuer", "is required");
    p.check(
        a.audience() == null || !a.audience().isBlank(),
        "accessTokens.audience",
        "must not be empty when set");
  }

  private static void check(Problems p, MediaTokens m, boolean dev) {
    checkKeys(p, m.keys(), "mediaTokens.keys");
    p.check(
        !m.generateDevelopmentKey() || dev,
        "mediaTokens.generateDevelopmentKey",
        "only allowed in mode: development");
    p.check(
        !m.keys().isEmpty() || m.generateDevelopmentKey(),
        "mediaTokens.keys",
        "at least one signing key is required");
    p.check(
        m.keys().isEmpty() || m.keys().stream().filter(k -> k != null && k.active()).count() == 1,
        "mediaTokens.keys",
        "exactly one key must be active");
    p.check(
        m.signingProvider().equals("auto") || m.signingProvider().equals("jdk"),
        "mediaTokens.signingProvider",
        "must be auto or jdk, got '" + m.signingProvider() + "'");
  }

  /** Each key of a rotating ES256 key set names its kid, once, and its public half. */
  private static void checkKeys(Problems p, List<MediaTokenKey> keys, String setting) {
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      MediaTokenKey k = keys.get(i);
      if (k == null) continue;
      p.check(k.kid() != null && !k.kid().isBlank(), setting + "[" + i + "].kid", "is required");
      p.check(
          k.publicKeyPem() != null && !k.publicKeyPem().isBlank(),
          setting + "[" + i + "].publicKey",
          "is required");
      if (k.kid() != null) p.check(kids.add(k.kid()), setting, "duplicate kid '" + k.kid() + "'");
    }
  }

  private static void check(Problems p, Dcr d, boolean dev) {
    checkKeys(p, d.statementKeys(), "dcr.statementKeys");
    p.check(
        !d.generateDevelopmentKey() || dev,
        "dcr.generateDevelopmentKey",
        "only allowed in mode: development");
    p.check(
        d.statementKeys().isEmpty()
            || d.statementKeys().stream().filter(k -> k != null && k.active()).count() == 1,
        "dcr.statementKeys",
        "exactly one key must be active");
    p.check(
        d.applications().isEmpty() || !d.statementKeys().isEmpty() || d.generateDevelopmentKey(),
        "dcr.applications",
        "needs dcr.statementKeys: without a statement key no application can register");
  }

  private static void check(Problems p, ThrottleSettings t) {
    p.check(
        t.ratePerSecond() >= 0.001 && t.ratePerSecond() <= 1_000_000,
        "throttle.ratePerSecond",
        "must be between 0.001 and 1000000.0, got " + t.ratePerSecond());
    for (String entry : t.trustedProxies()) if (entry != null) trustedProxy(p, entry);
  }

  /**
   * A CIDR block or a single address, checked with Netty's {@link IpSubnetFilterRule}, the matcher
   * the throttle builds from these strings. Address literals only: that parser would resolve a host
   * name.
   */
  private static void trustedProxy(Problems p, String entry) {
    String[] parts = entry.strip().split("/", 2);
    if (!p.check(
        NetUtil.isValidIpV4Address(parts[0]) || NetUtil.isValidIpV6Address(parts[0]),
        "throttle.trustedProxies",
        "'" + entry + "' is not an IP address or CIDR block")) {
      return;
    }
    try {
      if (parts.length == 2)
        new IpSubnetFilterRule(parts[0], Integer.parseInt(parts[1]), IpFilterRuleType.ACCEPT);
    } catch (IllegalArgumentException e) {
      p.add("throttle.trustedProxies", "'" + entry + "' has an invalid prefix length");
    }
  }

  private static final Set<IntegrationConfig.Type> TEMPPASS =
      Set.of(IntegrationConfig.Type.TEMPPASS_BASIC, IntegrationConfig.Type.TEMPPASS_PROMOTIONAL);
  private static final Set<IntegrationConfig.Type> PROMOTIONAL =
      Set.of(IntegrationConfig.Type.TEMPPASS_PROMOTIONAL);
  private static final Set<IntegrationConfig.Type> REGULAR = Set.of(IntegrationConfig.Type.REGULAR);
  private static final Map<Set<IntegrationConfig.Type>, String> TYPE_NAMES =
      Map.of(
          TEMPPASS,
          "temppass-basic and temppass-promotional integrations",
          PROMOTIONAL,
          "temppass-promotional integrations",
          REGULAR,
          "regular mvpds");

  /**
   * Integration settings that mean something for some types only. Set on another type they are
   * refused, not ignored: a {@code ttl} on a regular mvpd or {@code maxResources} on basic TempPass
   * says the operator expects a rule the gateway would never apply. {@code serviceProvider}, {@code
   * mvpd}, {@code type}, {@code active}, {@code displayName} and {@code logoUrl} apply to every
   * type (the configuration API lists every mvpd with its name and logo).
   */
  private static final Map<String, Set<IntegrationConfig.Type>> TYPE_SPECIFIC =
      new java.util.LinkedHashMap<>();

  static {
    for (String key : List.of("ttl", "lockoutRetention", "resetPeriod", "resetOffset"))
      TYPE_SPECIFIC.put(key, TEMPPASS);
    for (String key : List.of("maxResources", "identityKey")) TYPE_SPECIFIC.put(key, PROMOTIONAL);
    for (String key :
        List.of(
            "dummyAuthorization",
            "degradation",
            "degradedTtl",
            "authenticationTtl",
            "authorizationTtl",
            "login",
            "authorization")) {
      TYPE_SPECIFIC.put(key, REGULAR);
    }
  }

  /**
   * {@code written}: the item as the configuration wrote it, before defaults, to tell which
   * type-specific settings were set.
   */
  private static void check(
      Problems p,
      IntegrationConfig ic,
      String at,
      com.fasterxml.jackson.databind.JsonNode written) {
    for (String key : List.of("serviceProvider", "mvpd")) {
      String id = key.equals("mvpd") ? ic.mvpd() : ic.serviceProvider();
      if (p.check(id != null && !id.isBlank(), at + key, "is required"))
        p.check(ID.matcher(id).matches(), at + key, "must be 1-128 characters of [A-Za-z0-9_.-]");
    }
    p.check(!ic.identityKey().isBlank(), at + "identityKey", "must not be empty");
    if (ic.resetPeriod() != null) {
      p.check(
          ic.resetOffset().compareTo(ic.resetPeriod()) < 0,
          at + "resetOffset",
          "must be at least 0 and less than resetPeriod");
    }
    p.check(
        ic.authorizationTtl().compareTo(Duration.ofDays(30)) <= 0,
        at + "authorizationTtl",
        "must be at most 30d");
    for (Map.Entry<String, Set<IntegrationConfig.Type>> only : TYPE_SPECIFIC.entrySet()) {
      p.check(
          !written.hasNonNull(only.getKey()) || only.getValue().contains(ic.type()),
          at + only.getKey(),
          "applies to "
              + TYPE_NAMES.get(only.getValue())
              + " only, and this integration is "
              + ic.type().wireName);
    }
    if (ic.login() != null) MvpdSettings.check(p, ic.login(), at + "login.");
    if (ic.authorization() != null)
      MvpdSettings.check(p, ic.authorization(), at + "authorization.");
    p.check(
        ic.login() == null
            || ic.authorization() != null
            || ic.type() != IntegrationConfig.Type.REGULAR,
        at + "authorization",
        "is required when login is set: decisions ask the MVPD's authorization endpoint");
  }

  /**
   * The whole endpoint, checked before the Redis client sees it: its own parser throws a bare
   * IllegalArgumentException for {@code redis://host:notaport}, which surfaced as a stack trace.
   */
  private static void redisEndpoint(Problems p, String endpoint, String setting) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(endpoint.strip());
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (!p.check(
        uri != null && ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())),
        setting,
        "must be a redis:// or rediss:// URL such as redis://host:6379, got '"
            + RedisSecrets.maskedUrl(endpoint)
            + "'")) {
      return;
    }
    // A port that is not a number leaves URI with a registry authority and no host.
    if (!p.check(
        uri.getHost() != null && !uri.getHost().isEmpty(),
        setting,
        "needs a host and, if any, a port from 1 to 65535, got '"
            + RedisSecrets.maskedUrl(endpoint)
            + "'")) return;
    p.check(
        uri.getPort() != 0 && uri.getPort() <= 65535,
        setting,
        "port must be from 1 to 65535, got " + uri.getPort());
    String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    p.check(
        db.isEmpty() || db.matches("\\d{1,2}"),
        setting,
        "the path must be a database number such as /0, got '/" + db + "'");
  }

  /**
   * Reads a {@code file:} setting; the error says what is wrong in plain words, never the content.
   */
  public static String readFile(String path) {
    Path file = Path.of(path);
    if (Files.isDirectory(file)) throw new IllegalStateException("it is a directory, not a file");
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalStateException("no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IllegalStateException("permission denied (the gateway's user cannot read it)");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("it is not UTF-8 text (a PEM file or a secret is expected)");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("it cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Settings that load but make an integration deny every decision (SPEC 4.3: kept so that
   * decisions answer {@code invalid_configuration_temporary_access}); logged once at start-up so
   * the operator learns it from the log rather than from the first viewer.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (!redis.tls().hostnameVerification()) {
      out.add(
          "redis.tls.hostnameVerification: false: any certificate from a trusted CA is accepted for every Redis host, so whoever holds one can stand in for Redis; name the hosts in the servers' certificates and set it to true");
    }
    xacmlWarnings(out);
    for (int i = 0; i < integrations.size(); i++) {
      IntegrationConfig ic = integrations.get(i);
      if (!ic.isTempPass() || ic.tempPassUsable()) continue;
      String consequence =
          ": every decision of " + ic.id() + " answers invalid_configuration_temporary_access";
      if (ic.ttl() == null || ic.ttl().isZero()) {
        out.add(
            "integrations[" + i + "].ttl: " + (ic.ttl() == null ? "missing" : "0") + consequence);
      } else {
        out.add(
            "integrations["
                + i
                + "].maxResources: "
                + (ic.maxResources() == null ? "missing" : ic.maxResources() + " (not positive)")
                + consequence);
      }
    }
    return out;
  }

  /** XACML integrations that accept SHA-1 or unsigned answers: allowed, but said at start-up. */
  private void xacmlWarnings(List<String> out) {
    for (int i = 0; i < integrations.size(); i++) {
      MvpdSettings.Authorization a = integrations.get(i).authorization();
      if (a == null || !a.xacml() || integrations.get(i).isTempPass()) continue;
      String at = "integrations[" + i + "].authorization.";
      if (a.allowSha1())
        out.add(
            at
                + "allowSha1: true: the MVPD's answers may be signed with SHA-1, which is no longer collision-resistant; ask the MVPD for RSA-SHA256");
      if (!a.signed())
        out.add(
            at
                + "signed: false: the MVPD's XACML answers are read without a signature; anyone who can answer at its URL decides");
    }
  }

  /** For logs: never prints secrets or keys. */
  public String summary() {
    Map<String, Long> byType =
        integrations.stream()
            .collect(Collectors.groupingBy(i -> i.type().wireName, Collectors.counting()));
    return "mode="
        + mode.name().toLowerCase(Locale.ROOT)
        + " port="
        + server.port()
        + " instances="
        + server.instances()
        + " redis="
        + (redis.embedded()
            ? "embedded"
            : redis.type().name().toLowerCase(Locale.ROOT)
                + " "
                + redis.endpoints().size()
                + " endpoint(s)")
        + " integrations="
        + byType;
  }
}
