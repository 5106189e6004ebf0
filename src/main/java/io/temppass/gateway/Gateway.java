package io.temppass.gateway;

import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.bus.LocalCodec;
import io.temppass.gateway.client.Applications;
import io.temppass.gateway.client.ClientRegistration;
import io.temppass.gateway.client.DeclaredApplications;
import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.http.ErrorReference;
import io.temppass.gateway.http.HttpVerticle;
import io.temppass.gateway.http.ManagementVerticle;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.mvpd.MvpdConnectors;
import io.temppass.gateway.mvpd.MvpdVerticle;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.RedisShare;
import io.temppass.gateway.redis.ScriptRunner;
import io.temppass.gateway.temppass.IdentityHasher;
import io.temppass.gateway.temppass.TempPassVerticle;
import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.MediaTokenSigner;
import io.temppass.gateway.token.SigningKey;
import io.temppass.gateway.token.TokenVerticle;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires one gateway into a Vert.x instance: checks everything that can be checked before serving
 * (keys, secrets), then deploys the TempPass, MVPD, token and HTTP verticles. Tests start several
 * of these against one Redis to act as several pods.
 */
public final class Gateway {
  private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

  /*
   * vertx-web's router logs each request URI at debug level, and the reset API carries raw identities
   * and device ids in its query (Adobe's paths): pinned to INFO so that turning debug logging on can
   * never write them out.
   */
  static {
    Logs.pinAtInfo("io.vertx.ext.web");
  }

  private final Vertx vertx;

  /** What the HTTP verticles share; also this gateway's configuration, metrics and port. */
  private final HttpVerticle.Shared shared;

  private final List<String> deployments;
  private final Redis controlRedis;
  private final MvpdConnectors connectors;

  private Gateway(
      Vertx vertx,
      HttpVerticle.Shared shared,
      List<String> deployments,
      Redis controlRedis,
      MvpdConnectors connectors) {
    this.vertx = vertx;
    this.shared = shared;
    this.deployments = deployments;
    this.controlRedis = controlRedis;
    this.connectors = connectors;
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
    java.security.Provider provider =
        config.mediaTokens().signingProvider().equals("jdk") ? null : CryptoProviders.install();
    MediaTokenKeys mediaKeys;
    MediaTokenKeys statementKeys;
    DeclaredApplications declared;
    int port;
    Buffer errorReference;
    try {
      // Rendered here, before anything is deployed: a jar without docs/ERRORS.md fails to start.
      errorReference = ErrorReference.page();
      mediaKeys = mediaTokenKeys(config);
      statementKeys = statementKeys(config);
      declared = DeclaredApplications.of(config);
      port =
          config.server().port() != 0 ? config.server().port() : freePort(config.server().host());
    } catch (ConfigException | IllegalStateException | UncheckedIOException e) {
      return Future.failedFuture(e);
    } catch (IOException e) {
      return Future.failedFuture(
          new ConfigException("server.port", "no free port: " + e.getMessage()));
    }
    MediaTokenSigner signer = new MediaTokenSigner(mediaKeys, provider);
    LOG.log(
        System.Logger.Level.INFO,
        "crypto provider: media tokens signed by "
            + signer.signerProvider()
            + " with kid "
            + mediaKeys.active().kid());
    LocalCodec.registerAll(vertx.eventBus());

    GatewayMetrics metrics = GatewayMetrics.forProcess();
    int cores = Runtime.getRuntime().availableProcessors();
    // One TempPass, MVPD and token verticle per event loop, so that every HTTP verticle has its
    // partners on its own loop (bus/SameLoop). Only the loops that serve HTTP (Vert.x gives the
    // HTTP
    // instances one loop each, in turn) send requests; a loop's client connects lazily, so the
    // others open no Redis connection.
    int loops = eventLoops(vertx);
    int partnerInstances = Math.max(cores, loops);
    RedisShare share =
        new RedisShare(
            config.redis(),
            config.redis().endpoints(),
            Math.min(config.server().instances(), loops),
            metrics);
    Redis controlRedis = RedisFactory.create(vertx, config.redis(), config.redis().endpoints(), 2);
    ControlPlane control =
        new ControlPlane(
            new ScriptRunner(controlRedis, metrics, config.redis()),
            new KeySchema(config.redis().keyPrefix()),
            config.admin().pollInterval());
    List<String> deployments = new ArrayList<>();
    MvpdConnectors connectors = MvpdConnectors.create(vertx, config, metrics);
    IdentityHasher hasher = new IdentityHasher(config.hashSecret());
    JsonObject jwks = mediaKeys.jwks();
    AtomicBoolean draining = new AtomicBoolean();
    // Closed again if a later step fails (its JWKS refresh timer would outlive the failed start).
    AtomicReference<AccessTokenVerifier> verifier = new AtomicReference<>();

    ClientRegistration clients =
        statementKeys == null
            ? null
            : new ClientRegistration(
                new Applications(control),
                statementKeys,
                config.dcrIssuer(),
                config.dcr().accessTokenLifetime(),
                config.accessTokens().leeway(),
                config.hashSecret(),
                System::currentTimeMillis);

    return AccessTokenVerifier.create(vertx, config.accessTokens())
        .onSuccess(verifier::set)
        .onSuccess(v -> v.trust(clients == null ? null : clients.accessTokens()))
        .compose(accessTokens -> control.start(vertx).map(accessTokens))
        .compose(
            accessTokens ->
                clients == null
                    ? Future.succeededFuture(accessTokens)
                    : declared
                        .createMissing(
                            clients.applications(), control.healthy(System.currentTimeMillis()))
                        .map(accessTokens))
        .map(
            accessTokens ->
                new HttpVerticle.Shared(
                    config,
                    hasher,
                    control,
                    accessTokens,
                    metrics,
                    jwks,
                    draining,
                    port,
                    clients,
                    errorReference,
                    Spans.installed(vertx)))
        .compose(
            shared ->
                vertx
                    .deployVerticle(
                        () -> new TempPassVerticle(share, control),
                        new DeploymentOptions().setInstances(partnerInstances))
                    .compose(
                        id -> {
                          deployments.add(id);
                          return vertx.deployVerticle(
                              () -> new MvpdVerticle(config, control, connectors, share),
                              new DeploymentOptions().setInstances(partnerInstances));
                        })
                    .compose(
                        id -> {
                          deployments.add(id);
                          return vertx.deployVerticle(
                              () -> new TokenVerticle(signer),
                              new DeploymentOptions()
                                  .setInstances(partnerInstances)
                                  .setThreadingModel(tokenThreading(signer)));
                        })
                    .compose(
                        id -> {
                          deployments.add(id);
                          return vertx.deployVerticle(
                              () -> new HttpVerticle(shared),
                              new DeploymentOptions().setInstances(config.server().instances()));
                        })
                    .compose(
                        id -> {
                          deployments.add(id);
                          Integer management = config.server().managementPort();
                          return management == null
                              ? Future.succeededFuture(null)
                              : vertx.deployVerticle(new ManagementVerticle(shared, management));
                        })
                    .map(
                        id -> {
                          if (id != null) deployments.add(id);
                          LOG.log(
                              System.Logger.Level.INFO,
                              "temppass-gateway listening on port "
                                  + port
                                  + " ("
                                  + config.summary()
                                  + ")");
                          return new Gateway(vertx, shared, deployments, controlRedis, connectors);
                        }))
        .recover(
            err -> {
              control.stop(vertx);
              Future<Void> undo = Future.succeededFuture();
              for (String id : deployments) undo = undo.eventually(() -> vertx.undeploy(id));
              connectors.close();
              if (verifier.get() != null) verifier.get().close();
              return undo.eventually(controlRedis::close)
                  .transform(ignored -> Future.failedFuture(err));
            });
  }

  /**
   * Vert.x gives each new verticle instance the next event loop in turn, so deploying one instance
   * per loop puts one on every loop.
   */
  private static int eventLoops(Vertx vertx) {
    int loops = 0;
    for (io.netty.util.concurrent.EventExecutor ignored :
        ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup()) loops++;
    return loops;
  }

  /**
   * Native signing (Corretto or Conscrypt: 12–16 µs a token, load-tests/RESULTS.md) is cheap enough
   * for an event loop, and saves two thread hops per request; the pure-Java providers (56–355 µs)
   * sign on worker threads so they never stall one.
   */
  private static ThreadingModel tokenThreading(MediaTokenSigner signer) {
    String name = signer.signerProvider();
    return name.startsWith("AmazonCorretto") || name.equals("Conscrypt")
        ? ThreadingModel.EVENT_LOOP
        : ThreadingModel.WORKER;
  }

  static MediaTokenKeys mediaTokenKeys(GatewayConfig config) {
    MediaTokenKeys keys =
        signingKeys(
            config.mediaTokens().keys(),
            config.mediaTokens().generateDevelopmentKey(),
            "mediaTokens",
            "keys");
    if (keys == null) throw new ConfigException("mediaTokens.keys", "at least one key is required");
    return keys;
  }

  /**
   * The software-statement keys (they also sign the gateway's client access tokens), or null when
   * none is configured: Dynamic Client Registration is then off.
   */
  static MediaTokenKeys statementKeys(GatewayConfig config) {
    return signingKeys(
        config.dcr().statementKeys(),
        config.dcr().generateDevelopmentKey(),
        "dcr",
        "statementKeys");
  }

  /**
   * A rotating ES256 key set from configuration ({@code <section>.<list>}), a throw-away one when
   * the list is empty and {@code <section>.generateDevelopmentKey} is on, else null.
   */
  private static MediaTokenKeys signingKeys(
      List<GatewayConfig.MediaTokenKey> configured, boolean generate, String section, String list) {
    String setting = section + "." + list;
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < configured.size(); i++) {
      GatewayConfig.MediaTokenKey k = configured.get(i);
      try {
        keys.add(SigningKey.fromPem(k.kid(), k.privateKeyPem(), k.publicKeyPem(), k.active()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting + "[" + i + "]", e.getMessage());
      }
    }
    if (keys.isEmpty() && generate) {
      LOG.log(
          System.Logger.Level.WARNING,
          section
              + ": generating a throw-away development signing key; never do this in production");
      keys.add(SigningKey.generate("dev-" + Long.toHexString(System.currentTimeMillis())));
    }
    if (keys.isEmpty()) return null;
    try {
      return MediaTokenKeys.of(keys);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(setting, e.getMessage());
    }
  }

  /**
   * Port 0 (tests, development) is resolved once up front: every HTTP instance must listen on the
   * same port to share it, and instances each given port 0 would each get a different one.
   */
  private static int freePort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  public int port() {
    return shared.port();
  }

  /** The published media-token keys (the JWKS endpoint's body). */
  public io.vertx.core.json.JsonObject jwks() {
    return shared.jwks();
  }

  public GatewayMetrics metrics() {
    return shared.metrics();
  }

  /** Dynamic Client Registration, or null without {@code dcr.statementKeys}. */
  public ClientRegistration clients() {
    return shared.clients();
  }

  /**
   * Graceful shutdown (SIGTERM): readiness fails at once so load balancers stop sending; after
   * {@code server.shutdownReadinessDelay} the HTTP servers stop accepting and let in-flight
   * requests finish, bounded by what is left of {@code server.shutdownGracePeriod}; then everything
   * else stops.
   */
  public Future<Void> shutdown() {
    draining();
    long delay = shared.config().server().shutdownReadinessDelay().toMillis();
    LOG.log(
        System.Logger.Level.INFO, "shutting down: readiness off, draining for " + delay + " ms");
    Future<Void> wait = delay > 0 ? vertx.timer(delay).mapEmpty() : Future.succeededFuture();
    return wait.compose(v -> stop());
  }

  /** Readiness fails from now on (the first step of a shutdown). */
  public void draining() {
    shared.draining().set(true);
  }

  /**
   * Undeploys in reverse order: HTTP first (its stop waits for in-flight requests), then the rest.
   */
  public Future<Void> stop() {
    shared.draining().set(true);
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.eventually(
        () -> {
          shared.control().stop(vertx);
          shared.accessTokens().close();
          connectors.close();
          return controlRedis.close();
        });
  }
}
