package io.temppass.gateway.http;

import io.temppass.gateway.admin.AdminHandlers;
import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP edge. Routes are chains of small steps run in SPEC 3's order (path, access token,
 * headers, body, integration); the endpoint handlers then talk to the TempPass and token verticles
 * over the event bus. Every failure leaves through {@link HttpErrors}.
 */
public final class HttpVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());
  static final Pattern DECISIONS_PATH = Pattern.compile("/api/v2/([^/]*)/decisions/authorize/([^/]*)");
  static final Pattern PROFILES_PATH = Pattern.compile("/api/v2/([^/]*)/profiles/([^/]*)");
  static final Pattern CONFIGURATION_PATH = Pattern.compile("/api/v2/([^/]*)/configuration");
  static final String BODY = "body";
  static final String DEVICE = "deviceHash";

  private final GatewayConfig config;
  private final int port;
  private final IdentityHasher hasher;
  private final Buffer jwks;
  private final ControlPlane control;
  private final HttpErrors errors;
  private AccessTokenVerifier accessTokens;
  private HttpServer server;

  /** {@code port} is shared by every instance; Vert.x spreads connections over them. */
  public HttpVerticle(GatewayConfig config, int port, IdentityHasher hasher, JsonObject jwks, ControlPlane control) {
    this.config = config;
    this.port = port;
    this.hasher = hasher;
    this.jwks = jwks.toBuffer();
    this.control = control;
    this.errors = new HttpErrors(new ErrorRenderer(config.server().helpUrl()));
  }

  @Override
  public Future<?> start() {
    accessTokens = new AccessTokenVerifier(vertx, config.accessTokens());
    DeliveryOptions delivery = new DeliveryOptions().setLocalOnly(true).setSendTimeout(config.server().eventBusTimeout().toMillis());
    DecisionsHandler decisions = new DecisionsHandler(vertx, config, hasher, control, errors, delivery);
    ProfilesHandler profiles = new ProfilesHandler(vertx, config, hasher, control, errors, delivery);
    AdminHandlers admin = new AdminHandlers(vertx, config, hasher, control, accessTokens, errors, delivery);

    Router router = Router.router(vertx);
    router.routeWithRegex(DECISIONS_PATH.pattern())
        .handler(ctx -> begin(ctx, HttpMethod.POST))
        .handler(this::collectBody)
        .handler(this::validatePath)
        .handler(this::authenticate)
        .handler(this::validateHeaders)
        .handler(decisions::validateBody)
        .handler(decisions::decide);
    router.routeWithRegex(PROFILES_PATH.pattern())
        .handler(ctx -> begin(ctx, HttpMethod.GET))
        .handler(this::validatePath)
        .handler(this::authenticate)
        .handler(this::validateHeaders)
        .handler(profiles::profile);
    router.routeWithRegex(CONFIGURATION_PATH.pattern())
        .handler(ctx -> begin(ctx, HttpMethod.GET))
        .handler(this::validatePath)
        .handler(this::authenticate)
        .handler(profiles::configuration);
    router.route(Endpoints.JWKS)
        .handler(ctx -> begin(ctx, HttpMethod.GET))
        .handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300").end(jwks));
    admin.mount(router);
    router.route().handler(this::notFound);
    router.errorHandler(413, ctx -> errors.fail(ctx, ErrorCode.BAD_REQUEST));
    router.errorHandler(400, ctx -> errors.fail(ctx, ErrorCode.BAD_REQUEST));
    router.errorHandler(500, ctx -> {
      LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + ctx.request().path(), ctx.failure());
      errors.fail(ctx, ErrorCode.INTERNAL_SERVER_ERROR);
    });

    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.server().host())
        .setPort(port)
        .setMaxHeaderSize(16 * 1024)
        .setMaxInitialLineLength(8 * 1024)
        .setIdleTimeout(60);
    server = vertx.createHttpServer(options)
        .invalidRequestHandler(this::invalidRequest)
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  // ---- shared steps ----------------------------------------------------------------------

  private void begin(RoutingContext ctx, HttpMethod allowed) {
    errors.assignRequestId(ctx);
    if (!ctx.request().method().equals(allowed)) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allowed.name());
      errors.fail(ctx, ErrorCode.METHOD_NOT_ALLOWED);
      return;
    }
    ctx.next();
  }

  /**
   * Starts reading the body at once, bounded by {@code server.maxBodyBytes}, so that no chunk is lost
   * while the access token is checked asynchronously; the body is judged later, in SPEC order.
   */
  private void collectBody(RoutingContext ctx) {
    Promise<Buffer> body = Promise.promise();
    ctx.put(BODY, body.future());
    HttpServerRequest req = ctx.request();
    int limit = config.server().maxBodyBytes();
    Buffer collected = Buffer.buffer();
    boolean[] tooLarge = {false};
    req.handler(chunk -> {
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

  private void validatePath(RoutingContext ctx) {
    if (!RequestRules.validId(ctx.pathParam("param0"))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER);
    } else if (ctx.pathParam("param1") != null && !RequestRules.validId(ctx.pathParam("param1"))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_MVPD);
    } else {
      ctx.next();
    }
  }

  private void authenticate(RoutingContext ctx) {
    accessTokens.verify(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.DEBUG, () -> "access token rejected: " + ar.cause().getMessage());
        errors.fail(ctx, ErrorCode.INVALID_ACCESS_TOKEN_CLIENT_APPLICATION);
      } else {
        ctx.next();
      }
    });
  }

  private void validateHeaders(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    byte[] device = RequestRules.deviceIdentifier(req.getHeader("AP-Device-Identifier"));
    if (device == null) {
      errors.fail(ctx, ErrorCode.INVALID_HEADER_DEVICE_IDENTIFIER);
    } else if (!RequestRules.validDeviceInfo(req.getHeader("X-Device-Info"))) {
      errors.fail(ctx, ErrorCode.INVALID_HEADER_DEVICE_INFO);
    } else if (req.method() == HttpMethod.POST && !RequestRules.jsonContentType(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_RESOURCES);
    } else if (!RequestRules.acceptsJson(req.getHeader(HttpHeaders.ACCEPT))) {
      errors.fail(ctx, ErrorCode.INVALID_HEADER_ACCEPT);
    } else {
      ctx.put(DEVICE, hasher.device(device));
      ctx.next();
    }
  }

  /**
   * vertx-web matches routes on the normalised path, which collapses an empty segment
   * ({@code /api/v2//decisions/…}); such a request is a missing path parameter, not an unknown path.
   */
  private void notFound(RoutingContext ctx) {
    errors.assignRequestId(ctx);
    for (Pattern p : List.of(DECISIONS_PATH, PROFILES_PATH, CONFIGURATION_PATH)) {
      Matcher m = p.matcher(ctx.request().path());
      if (m.matches()) {
        errors.fail(ctx, !RequestRules.validId(m.group(1)) ? ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER : ErrorCode.INVALID_PARAMETER_MVPD);
        return;
      }
    }
    errors.fail(ctx, ErrorCode.NOT_FOUND);
  }

  /** Requests Netty could not parse (oversized line or headers, bad syntax) still get an Enhanced Error. */
  private void invalidRequest(HttpServerRequest req) {
    String id = HttpErrors.randomId();
    req.response().putHeader("X-Request-Id", id).putHeader(HttpHeaders.CONNECTION, "close");
    errors.renderer().topLevel(req.response(), ErrorCode.BAD_REQUEST, id);
  }
}
