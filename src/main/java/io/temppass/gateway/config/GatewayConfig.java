package io.temppass.gateway.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
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
 * The gateway's whole configuration: one typed object, built once at start-up from
 * {@code conf/*.yaml} plus {@code TEMPPASS_*} environment overrides (see {@link ConfigLoader}).
 * Every setting, its default and its meaning is listed once in {@code conf/gateway.yaml}.
 */
public record GatewayConfig(
    Mode mode,
    Server server,
    RedisSettings redis,
    AccessTokens accessTokens,
    MediaTokens mediaTokens,
    String hashSecret,
    Admin admin,
    ThrottleSettings throttle,
    List<IntegrationConfig> integrations,
    List<MvpdSettings.ServiceProvider> serviceProviders,
    MvpdSettings.Sessions sessions) {

  public enum Mode { PRODUCTION, DEVELOPMENT }

  public enum RedisType { STANDALONE, CLUSTER }

  public record Server(
      String host,
      int port,
      int instances,
      Duration eventBusTimeout,
      int maxResourcesPerRequest,
      int maxPreauthorizeResources,
      int maxBodyBytes,
      int maxResourceLength,
      String helpUrl,
      Duration idleTimeout,
      Duration requestHeaderTimeout,
      Duration requestTimeout,
      Duration shutdownReadinessDelay,
      Duration shutdownGracePeriod,
      Integer managementPort) {}

  /** SPEC 6: a token bucket per client IP over every /api/v2/ path, shared through Redis. */
  public record ThrottleSettings(boolean enabled, double ratePerSecond, int burst, List<String> trustedProxies, int ipv6PrefixLength) {}

  public record RedisSettings(
      RedisType type,
      List<String> endpoints,
      boolean embedded,
      int poolSize,
      int poolWaiting,
      Duration commandTimeout,
      String keyPrefix,
      int replicaAcks,
      Duration replicaAckTimeout) {}

  public record AccessTokens(
      String issuer,
      List<String> algorithms,
      List<String> publicKeys,
      String jwks,
      Duration jwksRefreshInterval,
      Duration jwksMinRefreshInterval,
      Duration leeway,
      String requiredScope,
      String clientIdClaim,
      Map<String, List<String>> clientServiceProviders,
      String audience) {}

  /** Admin calls (degradation rules, TempPass resets) and how fast every process sees their effect. */
  public record Admin(String requiredScope, Duration pollInterval) {}

  public record MediaTokenKey(String kid, String privateKeyPem, String publicKeyPem, boolean active) {}

  /** {@code signingProvider}: auto (fastest available: Corretto, else BouncyCastle) or jdk (the JDK's default). */
  public record MediaTokens(Duration ttl, List<MediaTokenKey> keys, boolean generateDevelopmentKey, String signingProvider) {}

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_:.-]{1,32}");
  static final Set<String> ALLOWED_ACCESS_TOKEN_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512");

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

  /** Builds and validates the typed configuration; throws {@link ConfigException} naming the bad setting. */
  public static GatewayConfig from(JsonObject tree, Function<String, String> files) {
    ConfigNode root = new ConfigNode("", tree);
    Mode mode = root.enumValue("mode", Mode.PRODUCTION, s -> Mode.valueOf(s.toUpperCase(Locale.ROOT)), "production, development");
    boolean dev = mode == Mode.DEVELOPMENT;
    // Each part is read on its own, so one wrong setting does not hide the problems of the next part.
    Server server = root.section(() -> server(root));
    RedisSettings redis = root.section(() -> redis(root, dev));
    AccessTokens accessTokens = root.section(() -> accessTokens(root, dev, files));
    MediaTokens mediaTokens = root.section(() -> mediaTokens(root, dev, files));
    String secret = root.section(() -> hashSecret(root, files));
    Admin admin = root.section(() -> admin(root, accessTokens == null ? null : accessTokens.requiredScope()));
    ThrottleSettings throttle = root.section(() -> throttle(root));

    List<IntegrationConfig> integrations = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<ConfigNode> items = root.section(() -> root.children("integrations"));
    for (ConfigNode n : items == null ? List.<ConfigNode>of() : items) {
      IntegrationConfig ic = root.section(() -> integration(n, files));
      if (ic == null) continue;
      if (!seen.add(ic.id())) root.report(n.path("mvpd"), "duplicate integration " + ic.id());
      integrations.add(ic);
      n.finish();
    }
    List<MvpdSettings.ServiceProvider> serviceProviders = root.section(() -> MvpdSettings.serviceProviders(root));
    Set<String> spIds = new HashSet<>();
    for (MvpdSettings.ServiceProvider sp : serviceProviders == null ? List.<MvpdSettings.ServiceProvider>of() : serviceProviders) {
      if (!spIds.add(sp.id())) root.report("serviceProviders", "duplicate id '" + sp.id() + "'");
    }
    boolean login = integrations.stream().anyMatch(IntegrationConfig::hasMvpdLogin);
    MvpdSettings.Sessions sessions = root.section(() -> MvpdSettings.sessions(root.child("sessions"), login, ref -> resolve(ref, "sessions.encryptionKey", files)));
    root.finish();
    root.throwIfProblems();
    return new GatewayConfig(mode, server, redis, accessTokens, mediaTokens, secret, admin, throttle, List.copyOf(integrations),
        serviceProviders, sessions);
  }

  private static Server server(ConfigNode root) {
    ConfigNode s = root.child("server");
    int cores = Runtime.getRuntime().availableProcessors();
    Server server = new Server(
        host(s.string("host", "0.0.0.0")),
        s.integer("port", 8080, 0, 65535),
        defaultInstances(s.integer("instances", 0, 0, 256), cores),
        s.positiveDuration("eventBusTimeout", Duration.ofSeconds(2)),
        s.integer("maxResourcesPerRequest", 10, 1, 1000),
        s.integer("maxPreauthorizeResources", 5, 1, 1000),
        s.integer("maxBodyBytes", 64 * 1024, 256, 16 * 1024 * 1024),
        s.integer("maxResourceLength", 2048, 1, 65536),
        s.string("helpUrl", "https://github.com/temppass-gateway/temppass-gateway/blob/main/docs/ERRORS.md"),
        s.positiveDuration("idleTimeout", Duration.ofSeconds(60)),
        s.positiveDuration("requestHeaderTimeout", Duration.ofSeconds(10)),
        s.positiveDuration("requestTimeout", Duration.ofSeconds(10)),
        s.duration("shutdownReadinessDelay", Duration.ofSeconds(5)),
        s.positiveDuration("shutdownGracePeriod", Duration.ofSeconds(20)),
        s.has("managementPort") ? s.integer("managementPort", 0, 1, 65535) : null);
    if (server.managementPort() != null && server.managementPort() == server.port()) {
      throw new ConfigException("server.managementPort", "must differ from server.port: it exists to keep /metrics off the public port");
    }
    if (server.shutdownReadinessDelay().isNegative() || server.shutdownReadinessDelay().compareTo(server.shutdownGracePeriod()) >= 0) {
      throw new ConfigException("server.shutdownReadinessDelay", "must be at least 0 and shorter than server.shutdownGracePeriod");
    }
    s.finish();
    return server;
  }

  private static RedisSettings redis(ConfigNode root, boolean dev) {
    ConfigNode r = root.child("redis");
    RedisType type = r.enumValue("type", RedisType.STANDALONE, v -> RedisType.valueOf(v.toUpperCase(Locale.ROOT)), "standalone, cluster");
    List<String> endpoints = r.strings("endpoints");
    boolean embedded = r.bool("embedded", false);
    if (embedded && !dev) throw new ConfigException("redis.embedded", "an embedded Redis is only for mode: development");
    if (!embedded && endpoints.isEmpty()) throw new ConfigException("redis.endpoints", "at least one redis:// endpoint is required");
    for (int i = 0; i < endpoints.size(); i++) {
      String endpoint = endpoints.get(i);
      String setting = "redis.endpoints[" + i + "]";
      r.section(() -> redisEndpoint(endpoint, setting));
    }
    RedisSettings redis = new RedisSettings(
        type,
        List.copyOf(endpoints),
        embedded,
        r.integer("poolSize", 32, 1, 4096),
        r.integer("poolWaiting", 2048, 1, 1_000_000),
        r.positiveDuration("commandTimeout", Duration.ofSeconds(1)),
        r.string("keyPrefix", "tp"),
        r.integer("replicaAcks", 0, 0, 16),
        r.positiveDuration("replicaAckTimeout", Duration.ofMillis(250)));
    if (redis.replicaAckTimeout().compareTo(redis.commandTimeout()) >= 0) {
      throw new ConfigException("redis.replicaAckTimeout", "must be shorter than redis.commandTimeout");
    }
    if (!KEY_PREFIX.matcher(redis.keyPrefix()).matches()) {
      throw new ConfigException("redis.keyPrefix", "must be 1-32 characters of [A-Za-z0-9_:.-]");
    }
    r.finish();
    return redis;
  }

  private static AccessTokens accessTokens(ConfigNode root, boolean dev, Function<String, String> files) {
    ConfigNode a = root.child("accessTokens");
    List<String> algorithms = a.strings("algorithms");
    if (algorithms.isEmpty()) algorithms = List.of("RS256");
    for (String alg : algorithms) {
      if (!ALLOWED_ACCESS_TOKEN_ALGORITHMS.contains(alg)) {
        throw new ConfigException("accessTokens.algorithms", "'" + alg + "' is not an allowed signature algorithm " + ALLOWED_ACCESS_TOKEN_ALGORITHMS.stream().sorted().toList());
      }
    }
    List<String> publicKeys = new ArrayList<>();
    List<String> keyRefs = a.strings("publicKeys");
    for (int i = 0; i < keyRefs.size(); i++) publicKeys.add(resolve(keyRefs.get(i), "accessTokens.publicKeys[" + i + "]", files));
    for (int i = 0; i < publicKeys.size(); i++) {
      String pem = publicKeys.get(i);
      String setting = "accessTokens.publicKeys[" + i + "]";
      List<String> usable = algorithms;
      a.section(() -> PublicKeyPems.checkUsable(pem, setting, usable));
    }
    String jwks = a.string("jwks", null);
    if (jwks != null && jwks.isBlank()) jwks = null;
    if (jwks != null && !(jwks.startsWith("file:") || jwks.startsWith("https://") || jwks.startsWith("http://"))) {
      throw new ConfigException("accessTokens.jwks", "must be file:/path, https:// or http:// URL");
    }
    if (publicKeys.isEmpty() && jwks == null && !dev) {
      throw new ConfigException("accessTokens.publicKeys", "at least one verification key (publicKeys or jwks) is required; the gateway never accepts unsigned tokens");
    }
    if (!publicKeys.isEmpty() && jwks != null) throw new ConfigException("accessTokens.jwks", "set either publicKeys or jwks, not both");
    if (jwks != null && jwks.startsWith("http://") && !dev) {
      throw new ConfigException("accessTokens.jwks", "must be https:// (or file:) outside mode: development: keys read over plain HTTP can be replaced in transit");
    }
    AccessTokens accessTokens = new AccessTokens(
        a.requiredString("issuer"),
        List.copyOf(algorithms),
        List.copyOf(publicKeys),
        jwks,
        a.positiveDuration("jwksRefreshInterval", Duration.ofMinutes(5)),
        a.positiveDuration("jwksMinRefreshInterval", Duration.ofSeconds(30)),
        a.duration("leeway", Duration.ofSeconds(30)),
        a.string("requiredScope", "api:client:v2"),
        a.string("clientIdClaim", "sub"),
        a.stringListMap("clientServiceProviders"),
        a.string("audience", null));
    if (accessTokens.audience() != null && accessTokens.audience().isBlank()) throw new ConfigException("accessTokens.audience", "must not be empty when set");
    a.finish();
    return accessTokens;
  }

  private static MediaTokens mediaTokens(ConfigNode root, boolean dev, Function<String, String> files) {
    ConfigNode m = root.child("mediaTokens");
    List<MediaTokenKey> keys = new ArrayList<>();
    for (ConfigNode k : m.children("keys")) {
      String priv = k.string("privateKey", null);
      keys.add(new MediaTokenKey(
          k.requiredString("kid"),
          priv == null ? null : resolve(priv, k.path("privateKey"), files),
          resolve(k.requiredString("publicKey"), k.path("publicKey"), files),
          k.bool("active", false)));
      k.finish();
    }
    boolean generate = m.bool("generateDevelopmentKey", false);
    if (generate && !dev) throw new ConfigException("mediaTokens.generateDevelopmentKey", "only allowed in mode: development");
    if (keys.isEmpty() && !generate) throw new ConfigException("mediaTokens.keys", "at least one signing key is required");
    if (!keys.isEmpty() && keys.stream().filter(MediaTokenKey::active).count() != 1) {
      throw new ConfigException("mediaTokens.keys", "exactly one key must be active");
    }
    Set<String> kids = new HashSet<>();
    for (MediaTokenKey k : keys) if (!kids.add(k.kid())) throw new ConfigException("mediaTokens.keys", "duplicate kid '" + k.kid() + "'");
    String signingProvider = m.string("signingProvider", "auto");
    if (!signingProvider.equals("auto") && !signingProvider.equals("jdk")) {
      throw new ConfigException("mediaTokens.signingProvider", "must be auto or jdk, got '" + signingProvider + "'");
    }
    MediaTokens mediaTokens = new MediaTokens(m.positiveDuration("ttl", Duration.ofMinutes(7)), List.copyOf(keys), generate, signingProvider);
    m.finish();
    return mediaTokens;
  }

  private static String hashSecret(ConfigNode root, Function<String, String> files) {
    ConfigNode id = root.child("identity");
    String secret = id.string("hashSecret", null);
    if (secret == null || secret.isBlank()) {
      throw new ConfigException("identity.hashSecret", "is required (at least 32 characters): device and identity values are stored only as keyed hashes");
    }
    secret = resolve(secret, "identity.hashSecret", files).strip();
    if (secret.length() < 32) throw new ConfigException("identity.hashSecret", "must be at least 32 characters");
    id.finish();
    return secret;
  }

  /** {@code clientScope}: accessTokens.requiredScope, or null when that part is itself wrong. */
  private static Admin admin(ConfigNode root, String clientScope) {
    ConfigNode ad = root.child("admin");
    Admin admin = new Admin(ad.string("requiredScope", "temppass:admin"), ad.positiveDuration("pollInterval", Duration.ofMillis(500)));
    if (admin.requiredScope().isBlank() || admin.requiredScope().equals(clientScope)) {
      throw new ConfigException("admin.requiredScope", "must be set and differ from accessTokens.requiredScope, so a client token is never an admin credential");
    }
    if (admin.pollInterval().compareTo(Duration.ofSeconds(1)) >= 0) {
      throw new ConfigException("admin.pollInterval", "must be under 1s: every process must see an admin change within one second");
    }
    ad.finish();
    return admin;
  }

  private static ThrottleSettings throttle(ConfigNode root) {
    ConfigNode t = root.child("throttle");
    ThrottleSettings throttle = new ThrottleSettings(
        t.bool("enabled", true), t.decimal("ratePerSecond", 1, 0.001, 1_000_000), t.integer("burst", 10, 0, 1_000_000), t.strings("trustedProxies"),
        t.integer("ipv6PrefixLength", 64, 1, 128));
    for (String entry : throttle.trustedProxies()) trustedProxy(entry);
    t.finish();
    return throttle;
  }

  /**
   * A CIDR block or a single address, checked with Netty's {@link IpSubnetFilterRule}, the matcher the
   * throttle builds from these strings. Address literals only: that parser would resolve a host name.
   */
  private static void trustedProxy(String entry) {
    String[] parts = entry.strip().split("/", 2);
    if (!NetUtil.isValidIpV4Address(parts[0]) && !NetUtil.isValidIpV6Address(parts[0])) {
      throw new ConfigException("throttle.trustedProxies", "'" + entry + "' is not an IP address or CIDR block");
    }
    try {
      if (parts.length == 2) new IpSubnetFilterRule(parts[0], Integer.parseInt(parts[1]), IpFilterRuleType.ACCEPT);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("throttle.trustedProxies", "'" + entry + "' has an invalid prefix length");
    }
  }

  private static final Set<IntegrationConfig.Type> TEMPPASS = Set.of(IntegrationConfig.Type.TEMPPASS_BASIC, IntegrationConfig.Type.TEMPPASS_PROMOTIONAL);
  private static final Set<IntegrationConfig.Type> PROMOTIONAL = Set.of(IntegrationConfig.Type.TEMPPASS_PROMOTIONAL);
  private static final Set<IntegrationConfig.Type> REGULAR = Set.of(IntegrationConfig.Type.REGULAR);
  private static final Map<Set<IntegrationConfig.Type>, String> TYPE_NAMES = Map.of(
      TEMPPASS, "temppass-basic and temppass-promotional integrations", PROMOTIONAL, "temppass-promotional integrations", REGULAR, "regular mvpds");

  /**
   * Integration settings that mean something for some types only. Set on another type they are
   * refused, not ignored: a {@code ttl} on a regular mvpd or {@code maxResources} on basic TempPass
   * says the operator expects a rule the gateway would never apply. {@code serviceProvider},
   * {@code mvpd}, {@code type}, {@code active}, {@code displayName} and {@code logoUrl} apply to every
   * type (the configuration API lists every mvpd with its name and logo).
   */
  private static final Map<String, Set<IntegrationConfig.Type>> TYPE_SPECIFIC = new java.util.LinkedHashMap<>();

  static {
    for (String key : List.of("ttl", "lockoutRetention", "resetPeriod", "resetOffset")) TYPE_SPECIFIC.put(key, TEMPPASS);
    for (String key : List.of("maxResources", "identityKey")) TYPE_SPECIFIC.put(key, PROMOTIONAL);
    for (String key : List.of("dummyAuthorization", "degradation", "degradedTtl", "authenticationTtl", "authorizationTtl", "login", "authorization")) {
      TYPE_SPECIFIC.put(key, REGULAR);
    }
  }

  private static IntegrationConfig integration(ConfigNode n, Function<String, String> files) {
    String sp = n.requiredString("serviceProvider");
    String mvpd = n.requiredString("mvpd");
    if (!ID.matcher(sp).matches()) throw new ConfigException(n.path("serviceProvider"), "must be 1-128 characters of [A-Za-z0-9_.-]");
    if (!ID.matcher(mvpd).matches()) throw new ConfigException(n.path("mvpd"), "must be 1-128 characters of [A-Za-z0-9_.-]");
    IntegrationConfig.Type type = n.enumValue("type", IntegrationConfig.Type.REGULAR, IntegrationConfig.Type::parse, "temppass-basic, temppass-promotional, regular");
    Duration ttl = n.duration("ttl", null);
    Integer maxResources = n.has("maxResources") ? n.integer("maxResources", 0, Integer.MIN_VALUE, 10_000) : null;
    Duration retention = n.positiveDuration("lockoutRetention", Duration.ofDays(30));
    if (retention.compareTo(Duration.ofDays(400)) > 0) throw new ConfigException(n.path("lockoutRetention"), "must be at most 400d so Redis memory stays bounded");
    if (ttl != null && ttl.compareTo(Duration.ofDays(400)) > 0) throw new ConfigException(n.path("ttl"), "must be at most 400d");
    String identityKey = n.string("identityKey", "email");
    if (identityKey.isBlank()) throw new ConfigException(n.path("identityKey"), "must not be empty");
    Duration resetPeriod = n.positiveDuration("resetPeriod", null);
    Duration resetOffset = n.duration("resetOffset", Duration.ZERO);
    if (resetPeriod != null && (resetOffset.isNegative() || resetOffset.compareTo(resetPeriod) >= 0)) {
      throw new ConfigException(n.path("resetOffset"), "must be at least 0 and less than resetPeriod");
    }
    IntegrationConfig.Degradation degradation = n.enumValue("degradation", null, IntegrationConfig.Degradation::parse, "AuthNAll, AuthZAll, AuthZNone");
    Duration authenticationTtl = n.positiveDuration("authenticationTtl", Duration.ofDays(30));
    if (authenticationTtl.compareTo(Duration.ofDays(400)) > 0) throw new ConfigException(n.path("authenticationTtl"), "must be at most 400d");
    Duration authorizationTtl = n.positiveDuration("authorizationTtl", Duration.ofHours(1));
    if (authorizationTtl.compareTo(Duration.ofDays(30)) > 0) throw new ConfigException(n.path("authorizationTtl"), "must be at most 30d");
    MvpdSettings.Login login = n.has("login") ? MvpdSettings.login(n.child("login"), ref -> resolve(ref, n.path("login.clientSecret"), files)) : null;
    MvpdSettings.Authorization authorization = n.has("authorization") ? MvpdSettings.authorization(n.child("authorization")) : null;
    for (Map.Entry<String, Set<IntegrationConfig.Type>> only : TYPE_SPECIFIC.entrySet()) {
      if (n.has(only.getKey()) && !only.getValue().contains(type)) {
        n.report(n.path(only.getKey()), "applies to " + TYPE_NAMES.get(only.getValue()) + " only, and this integration is " + type.wireName);
      }
    }
    if (login != null && authorization == null && type == IntegrationConfig.Type.REGULAR) {
      throw new ConfigException(n.path("authorization"), "is required when login is set: decisions ask the MVPD's authorization endpoint");
    }
    return new IntegrationConfig(
        sp, mvpd, n.string("displayName", mvpd), type, n.bool("active", true), ttl, maxResources,
        identityKey, retention, resetPeriod, resetOffset, n.bool("dummyAuthorization", false),
        degradation, n.positiveDuration("degradedTtl", Duration.ofHours(1)),
        n.string("logoUrl", null), authenticationTtl, authorizationTtl, login, authorization);
  }

  /**
   * The whole endpoint, checked before the Redis client sees it: its own parser throws a bare
   * IllegalArgumentException for {@code redis://host:notaport}, which surfaced as a stack trace.
   */
  private static String redisEndpoint(String endpoint, String setting) {
    String expected = "must be a redis:// or rediss:// URL such as redis://host:6379, got '" + endpoint + "'";
    java.net.URI uri;
    try {
      uri = new java.net.URI(endpoint.strip());
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(setting, expected);
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) throw new ConfigException(setting, expected);
    // A port that is not a number leaves URI with a registry authority and no host.
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(setting, "needs a host and, if any, a port from 1 to 65535, got '" + endpoint + "'");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) throw new ConfigException(setting, "port must be from 1 to 65535, got " + uri.getPort());
    String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    if (!db.isEmpty() && !db.matches("\\d{1,2}")) throw new ConfigException(setting, "the path must be a database number such as /0, got '/" + db + "'");
    return endpoint;
  }

  /**
   * A numeric host must be a real IPv4 address: {@code 999.1.1.1} is not one, and would only fail
   * when the server tries to bind (as an unresolvable name).
   */
  private static String host(String host) {
    if (host.isBlank()) throw new ConfigException("server.host", "must not be empty (0.0.0.0 listens on every interface)");
    if (host.matches("[0-9.]+")) {
      String[] parts = host.split("\\.", -1);
      boolean ok = parts.length == 4;
      for (String p : parts) ok &= p.matches("\\d{1,3}") && Integer.parseInt(p) <= 255;
      if (!ok) throw new ConfigException("server.host", "must be an IP address or a host name, got '" + host + "'");
    }
    return host;
  }

  private static int defaultInstances(int configured, int cores) {
    return configured == 0 ? Math.max(1, cores) : configured;
  }

  /** A secret or key given inline, or as {@code file:/path} (for Kubernetes Secret volumes). */
  private static String resolve(String value, String setting, Function<String, String> files) {
    if (!value.startsWith("file:")) return value;
    try {
      return files.apply(value.substring(5));
    } catch (RuntimeException e) {
      throw new ConfigException(setting, "cannot read " + value.substring(5) + ": " + e.getMessage());
    }
  }

  /** Reads a {@code file:} setting; the error says what is wrong in plain words, never the content. */
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
   * Settings that load but make an integration deny every decision (SPEC 4.3: kept so that decisions
   * answer {@code invalid_configuration_temporary_access}); logged once at start-up so the operator
   * learns it from the log rather than from the first viewer.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < integrations.size(); i++) {
      IntegrationConfig ic = integrations.get(i);
      if (!ic.isTempPass() || ic.tempPassUsable()) continue;
      String consequence = ": every decision of " + ic.id() + " answers invalid_configuration_temporary_access";
      if (ic.ttl() == null || ic.ttl().isZero()) {
        out.add("integrations[" + i + "].ttl: " + (ic.ttl() == null ? "missing" : "0") + consequence);
      } else {
        out.add("integrations[" + i + "].maxResources: " + (ic.maxResources() == null ? "missing" : ic.maxResources() + " (not positive)") + consequence);
      }
    }
    return out;
  }

  /** For logs: never prints secrets or keys. */
  public String summary() {
    Map<String, Long> byType = integrations.stream().collect(Collectors.groupingBy(i -> i.type().wireName, Collectors.counting()));
    return "mode=" + mode.name().toLowerCase(Locale.ROOT) + " port=" + server.port() + " instances=" + server.instances()
        + " redis=" + (redis.embedded() ? "embedded" : redis.type().name().toLowerCase(Locale.ROOT) + " " + redis.endpoints().size() + " endpoint(s)")
        + " integrations=" + byType;
  }
}
