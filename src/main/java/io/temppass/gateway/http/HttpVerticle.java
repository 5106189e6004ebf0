package io.temppass.gateway.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.temppass.gateway.Ids;
import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.bus.TokenApi;
import io.temppass.gateway.client.ClientRegistration;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.ScriptRunner;
import io.temppass.gateway.temppass.IdentityHasher;
import io.temppass.gateway.throttle.Throttle;
import io.temppass.gateway.throttle.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge. Routes are chains of small steps run in SPEC 3's order (throttle, path, access
 * token, headers, body, integration); the endpoint handlers then talk to the TempPass and token
 * verticles over the event bus. Every failure leaves through {@link HttpErrors}.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  /**
   * The V2 API's routes ({@link V2ApiRoutes}) with each parameter allowed empty, matched against
   * the raw path: vertx-web matches on the normalised path, which collapses an empty segment, so
   * these tell a missing path parameter from an unknown path ({@link #notFound}).
   */
  private static final List<Pattern> EMPTY_PARAMETER_PATHS =
      Stream.of(
              V2ApiRoutes.DECISIONS_PATH,
              V2ApiRoutes.PREAUTHORIZE_PATH,
              V2ApiRoutes.LOGOUT_PATH,
              V2ApiRoutes.PROFILES_PATH,
              V2ApiRoutes.CONFIGURATION_PATH + "/?")
          .map(
              path ->
                  Pattern.compile(
                      path.replace(":serviceProvider", "(?<serviceProvider>[^/]*)")
                          .replace(":mvpd", "[^/]*")))
          .toList();

  /** What a path parameter must be (RequestRules.validId), for the error's details. */
  static final String ID_RULE = "path parameters are 1 to 128 characters of [A-Za-z0-9_.-]";

  static final String NO_SUCH_PATH = "no such path; the API is described at " + Endpoints.OPENAPI;

  static final String BODY = "body";
  static final String DEVICE = "deviceHash";
  static final String CLIENT = "clientId";
  static final String CLIENT_IP = "clientIp";

  /**
   * Read once, when the class loads: a jar without the document fails at start-up, not at the first
   * request.
   */
  private static final Buffer OPENAPI_DOCUMENT = classPathResource("openapi.yaml");

  /**
   * What every HTTP verticle instance of one gateway shares, all thread-safe: the configuration,
   * the device-id hasher, the control plane, the access-token verifier, the metrics, the published
   * media-token keys (served at {@link Endpoints#JWKS}), the flag set when shutdown begins
   * (readiness then fails at once), the one port every instance listens on (Vert.x spreads
   * connections over them), Dynamic Client Registration (null without statement keys) and the error
   * reference page ({@link ErrorReference#page()}, rendered once at start-up).
   */
  public record Shared(
      GatewayConfig config,
      IdentityHasher hasher,
      ControlPlane control,
      AccessTokenVerifier accessTokens,
      GatewayMetrics metrics,
      JsonObject jwks,
      AtomicBoolean draining,
      int port,
      ClientRegistration clients,
      Buffer errorReference,
      boolean traced) {}

  private final Shared shared;
  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private final HttpErrors errors;
  private final TrustedProxies proxies;
  private final AccessTokenSteps tokens;
  private final RequestLog requestLog;
  private Throttle throttle;
  private Redis throttleRedis;
  private HealthChecks readiness;
  private HttpServer server;
  private Router router;

  public HttpVerticle(Shared shared) {
    this.shared = shared;
    this.config = shared.config();
    this.metrics = shared.metrics();
    this.errors =
        new HttpErrors(
            new ErrorRenderer(ErrorRenderer.helpUrl(config, shared.port())), shared.traced());
    this.proxies = TrustedProxies.parse(config.throttle().trustedProxies());
    this.tokens = new AccessTokenSteps(shared.accessTokens(), errors, config);
    this.requestLog = new RequestLog(config.logging().requests());
  }

  @Override
  public Future<?> start() {
    DeliveryOptions delivery =
        new DeliveryOptions()
            .setLocalOnly(true)
            .setSendTimeout(config.server().eventBusTimeout().toMillis());
    // An MVPD decision may wait its whole deadline on the MVPD: the bus waits that long and a
    // margin.
    DeliveryOptions mvpdDelivery =
        new DeliveryOptions()
            .setLocalOnly(true)
            .setSendTimeout(
                Math.max(
                    config.server().eventBusTimeout().toMillis(),
                    maxMvpdDeadline() + config.redis().commandTimeout().toMillis() * 2));
    // Made here, on this verticle's event loop, so each call goes to the partner verticle on the
    // same loop.
    TempPassApi tempPass = TempPassApi.overBus(vertx, delivery);
    TokenApi signer = TokenApi.overBus(vertx, delivery);
    MvpdApi mvpd = MvpdApi.overBus(vertx, mvpdDelivery);
    ApiHandler.Basics basics =
        new ApiHandler.Basics(
            config, shared.hasher(), shared.control(), errors, new BusReplies(errors, metrics));
    DecisionsHandler decisions = new DecisionsHandler(basics, metrics, tempPass, signer, mvpd);
    ProfilesHandler profiles = new ProfilesHandler(basics, tempPass, mvpd);
    SessionsHandler sessions = new SessionsHandler(basics, mvpd);
    LogoutHandler logout = new LogoutHandler(basics, mvpd);
    AdminHandlers admin = new AdminHandlers(basics, tempPass);
    if (config.throttle().enabled()) {
      int pool =
          Math.max(2, config.redis().poolSize() / Math.max(1, config.server().instances()) / 2);
      throttleRedis = RedisFactory.create(vertx, config.redis(), config.redis().endpoints(), pool);
      throttle =
          new Throttle(
              new ScriptRunner(throttleRedis, metrics, config.redis()),
              metrics,
              config.redis().keyPrefix(),
              config.throttle());
    }
    readiness =
        HealthChecks.create(vertx)
            .register(
                "redis",
                promise ->
                    promise.complete(
                        shared.control().healthy(System.currentTimeMillis())
                            ? Status.OK()
                            : Status.KO()))
            .register(
                "accepting",
                promise -> promise.complete(shared.draining().get() ? Status.KO() : Status.OK()));

    Router router = Router.router(vertx);
    // vertx-web runs platform handlers (the timeout) before user handlers on a route.
    router
        .route()
        .handler(TimeoutHandler.create(config.server().requestTimeout().toMillis(), 408))
        .handler(this::observe);
    // Client registration: CORS for browser apps, then the V2 API's throttle (Adobe throttles
    // /o/client/* with it), its own routes, and the admin API of registered applications.
    Cors cors = new Cors(shared.clients() == null ? null : shared.clients().applications());
    router.route("/api/v2/*").handler(cors);
    router.route(ClientRegistrationRoutes.PREFIX).handler(cors);
    router
        .route(ClientRegistrationRoutes.PREFIX)
        .handler(this::collectBody)
        .handler(this::throttle);
    new ClientRegistrationRoutes(shared.clients(), errors).mount(router);
    new ApplicationAdminRoutes(basics, shared.clients(), tokens).mount(router);
    router.route("/api/v2/*").handler(this::collectBody).handler(this::throttle);
    router.route("/sp/*").handler(this::collectBody).handler(this::throttle);
    new BrowserSignInRoutes(errors, sessions).mount(router);
    new V2ApiRoutes(errors, tokens, shared.hasher(), sessions, profiles, decisions, logout)
        .mount(router);
    errors
        .endpoint(router, Endpoints.JWKS, "jwks", HttpMethod.GET)
        .handler(document("application/json", "max-age=300", shared.jwks().toBuffer()));
    errors
        .endpoint(router, Endpoints.LIVENESS, "health", HttpMethod.GET)
        .handler(document("application/json", null, Buffer.buffer("{\"status\":\"UP\"}")));
    errors.endpoint(router, Endpoints.READINESS, "health", HttpMethod.GET).handler(this::ready);
    errors
        .endpoint(router, Endpoints.OPENAPI, "openapi", HttpMethod.GET)
        .handler(document("application/yaml", null, OPENAPI_DOCUMENT));
    errors
        .endpoint(router, Endpoints.ERRORS, "errors", HttpMethod.GET)
        .handler(ctx -> ErrorReference.serve(ctx, shared.errorReference()));
    // With server.managementPort set, /metrics is served there only (ManagementVerticle), not to
    // the public.
    if (config.server().managementPort() == null)
      ManagementVerticle.mountMetrics(router, errors, metrics);
    new AdminRoutes(errors, tokens, admin).mount(router);
    router.route().handler(this::notFound);
    this.router = router;
    router.errorHandler(
        408,
        ctx ->
            errors.failAndClose(
                ctx,
                ErrorCode.REQUEST_TIMEOUT,
                "the request was not received completely within server.requestTimeout ("
                    + config.server().requestTimeout().toMillis()
                    + " ms)"));
    errors.mountRouterErrors(router, LOG);

    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.server().host())
            .setPort(shared.port())
            // No cleartext HTTP/2 upgrade: while Vert.x sniffs for an h2c preface the connection is
            // not
            // set up yet, so neither the header timeout below nor the idle timeout could apply.
            .setHttp2ClearTextEnabled(false)
            .setMaxHeaderSize(16 * 1024)
            .setMaxInitialLineLength(8 * 1024)
            .setIdleTimeout((int) config.server().idleTimeout().toSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(connection -> guard(connection, options))
            .invalidRequestHandler(this::invalidRequest)
            .requestHandler(router);
    return server.listen();
  }

  /**
   * The routes this verticle serves, in order: a test holds their paths against docs/openapi.yaml.
   */
  public List<Route> routes() {
    return router == null ? List.of() : router.getRoutes();
  }

  /**
   * A document that is the same on every request, its bytes made once; {@code cacheControl} may be
   * null.
   */
  private static Handler<RoutingContext> document(
      String contentType, String cacheControl, Buffer body) {
    return ctx -> {
      HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType);
      if (cacheControl != null) response.putHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
      response.end(body);
    };
  }

  private static Buffer classPathResource(String name) {
    try (var in = HttpVerticle.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException(name + " is not on the class path");
      return Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public Future<?> stop() {
    // In-flight requests get what is left of the grace period, less a second for the rest to stop.
    long grace =
        config
                .server()
                .shutdownGracePeriod()
                .minus(config.server().shutdownReadinessDelay())
                .toMillis()
            - 1_000;
    Future<Void> closed =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(Math.max(1, grace), TimeUnit.MILLISECONDS);
    return closed.eventually(
        () -> throttleRedis == null ? Future.succeededFuture() : throttleRedis.close());
  }

  // ---- connection guards -----------------------------------------------------------------

  /**
   * Puts {@link StrictRequestDecoder} in place of Vert.x's request decoder: request framing
   * (smuggling), odd request lines and a header deadline for every request on the connection, not
   * only its first. Vert.x calls this on the connection's event loop while its pipeline is being
   * set up, before any byte is decoded. The pipeline is reached through Vert.x's connection class,
   * as no public API exposes it; a connection without the expected decoder (none today: TLS and h2c
   * are off) is closed rather than served unguarded.
   */
  private void guard(HttpConnection connection, HttpServerOptions options) {
    ChannelPipeline pipeline =
        connection instanceof ConnectionBase base ? base.channel().pipeline() : null;
    if (pipeline == null || !(pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder)) {
      LOG.error("unexpected HTTP connection pipeline; closing the connection");
      connection.close();
      return;
    }
    pipeline.replace(
        "httpDecoder",
        "httpDecoder",
        new StrictRequestDecoder(
            options,
            config.server().requestHeaderTimeout().toMillis(),
            config.server().maxBodyBytes()));
  }

  /**
   * Requests refused before routing (unparseable, too large, smuggling-shaped, odd request lines)
   * get an Enhanced Error with the right status, and the connection is closed: what follows such a
   * request on the wire cannot be trusted. Logged at DEBUG only, since any client can cause it.
   */
  private void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    ErrorCode error =
        cause instanceof StrictRequestDecoder.Refused refused
            ? refused.error
            : cause instanceof TooLongHttpHeaderException
                ? ErrorCode.HEADERS_TOO_LARGE
                : cause instanceof TooLongHttpLineException
                    ? ErrorCode.URI_TOO_LONG
                    : ErrorCode.BAD_REQUEST;
    // The gateway's own reasons and Netty's size messages are fit for the client; other decoder
    // messages may quote the request line, so only their kind is said.
    String details =
        cause instanceof StrictRequestDecoder.Refused
                || cause instanceof TooLongHttpHeaderException
                || cause instanceof TooLongHttpLineException
            ? cause.getMessage()
            : "not a valid HTTP/1.1 request";
    String id = Ids.randomUuid();
    LOG.atDebug()
        .addKeyValue(Logs.REQUEST_ID, id)
        .log("request refused: {} ({})", error.code, cause == null ? "?" : cause.getMessage());
    requestLog.refused(req, error, details, id);
    req.response().putHeader(HeaderNames.REQUEST_ID, id).putHeader(HttpHeaders.CONNECTION, "close");
    HttpConnection connection = req.connection();
    errors
        .renderer()
        .topLevel(req.response(), error, id, details)
        .onComplete(ar -> connection.close());
  }

  // ---- shared steps ----------------------------------------------------------------------

  /** The request id, and the request's latency by route when its response has gone. */
  private void observe(RoutingContext ctx) {
    errors.assignRequestId(ctx);
    long started = System.nanoTime();
    ctx.addEndHandler(
        v -> {
          long nanos = System.nanoTime() - started;
          metrics.request(ctx.get(HttpErrors.ROUTE), ctx.response().getStatusCode(), nanos);
          requestLog.answered(ctx, nanos);
        });
    ctx.next();
  }

  /**
   * Starts reading the body at once, bounded by {@code server.maxBodyBytes}, so that no chunk is
   * lost while the throttle and the access token are checked asynchronously; the body is judged
   * later, in SPEC order.
   */
  private void collectBody(RoutingContext ctx) {
    Promise<Buffer> body = Promise.promise();
    ctx.put(BODY, body.future());
    HttpServerRequest req = ctx.request();
    int limit = config.server().maxBodyBytes();
    Buffer collected = Buffer.buffer();
    boolean[] tooLarge = {false};
    req.handler(
        chunk -> {
          if (tooLarge[0]) return;
          if (collected.length() + chunk.length() > limit) {
            tooLarge[0] = true;
          } else {
            collected.appendBuffer(chunk);
          }
        });
    req.endHandler(v -> body.tryComplete(tooLarge[0] ? null : collected));
    req.exceptionHandler(body::tryFail);
    ctx.next();
  }

  /**
   * Every API request's client address (behind trusted proxies, the forwarded one), worked out once
   * here and kept in the context as {@link #CLIENT_IP}: the throttle counts by it, and an MVPD's
   * authorization call is given it.
   */
  private void throttle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    List<String> forwardedFor = req.headers().getAll(HeaderNames.FORWARDED_FOR);
    String ip =
        proxies.clientIp(
            req.remoteAddress().hostAddress(),
            forwardedFor.isEmpty()
                ? null
                : forwardedFor.size() == 1 ? forwardedFor.get(0) : String.join(",", forwardedFor));
    ctx.put(CLIENT_IP, ip);
    if (throttle == null) {
      ctx.next();
      return;
    }
    throttle
        .allow(ip)
        .onComplete(
            ar -> {
              if (ar.result()) {
                ctx.next();
              } else {
                errors.fail(
                    ctx,
                    ErrorCode.TOO_MANY_REQUESTS,
                    "this client address is over its budget of "
                        + config.throttle().ratePerSecond()
                        + " requests a second (burst "
                        + config.throttle().burst()
                        + "); retry after a second");
              }
            });
  }

  /** The {@code :serviceProvider} path parameter. */
  static String serviceProvider(RoutingContext ctx) {
    return ctx.pathParam("serviceProvider");
  }

  /** The {@code :mvpd} path parameter, or null on routes without one. */
  static String mvpd(RoutingContext ctx) {
    return ctx.pathParam("mvpd");
  }

  private long maxMvpdDeadline() {
    long max = 0;
    for (var i : config.integrations()) {
      if (i.authorization() != null) max = Math.max(max, i.authorization().deadline().toMillis());
      // Completing a sign-in waits on the MVPD for up to the login's timeout.
      if (i.login() != null) max = Math.max(max, i.login().timeout().toMillis());
    }
    return max;
  }

  private void ready(RoutingContext ctx) {
    if (shared.draining().get()) {
      // Answered without running the checks: while shutting down this must be immediate.
      ctx.response()
          .setStatusCode(503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end("{\"status\":\"DOWN\",\"draining\":true}");
      return;
    }
    readiness
        .checkStatus()
        .onComplete(
            ar -> {
              boolean up = ar.succeeded() && ar.result().getUp();
              JsonObject body =
                  ar.succeeded() ? ar.result().toJson() : new JsonObject().put("status", "DOWN");
              ctx.response()
                  .setStatusCode(up ? 200 : 503)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                  .end(body.toBuffer());
            });
  }

  /**
   * vertx-web matches routes on the normalised path, which collapses an empty segment ({@code
   * /api/v2//decisions/…}), and a named parameter never matches an empty one; such a request is a
   * missing path parameter, not an unknown path.
   */
  private void notFound(RoutingContext ctx) {
    for (Pattern p : EMPTY_PARAMETER_PATHS) {
      Matcher m = p.matcher(ctx.request().path());
      if (m.matches()) {
        errors.fail(
            ctx,
            !RequestRules.validId(m.group("serviceProvider"))
                ? ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER
                : ErrorCode.INVALID_PARAMETER_MVPD,
            "a path segment is empty; " + ID_RULE);
        return;
      }
    }
    errors.fail(ctx, ErrorCode.NOT_FOUND, NO_SUCH_PATH);
  }
}
