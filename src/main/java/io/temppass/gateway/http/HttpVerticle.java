package io.temppass.gateway.http;

import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.bus.Messages;
import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP edge: parses and validates a request in SPEC 3's order (path, access token, headers,
 * body, integration), sends one message per request over the event bus to the TempPass verticle and
 * one to the token verticle, and fans their answers back into one response in request order.
 * Every failure leaves through {@link ErrorRenderer}.
 */
public final class HttpVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(HttpVerticle.class.getName());
  private static final Pattern DECISIONS_PATH = Pattern.compile("/api/v2/([^/]*)/decisions/authorize/([^/]*)");
  private static final String REQUEST_ID = "requestId";
  private static final String BODY = "body";
  private static final String CLAIMS = "claims";
  private static final String DEVICE = "deviceHash";
  private static final String JSON_UTF8 = "application/json;charset=UTF-8";

  private final GatewayConfig config;
  private final int port;
  private final IdentityHasher hasher;
  private final Buffer jwks;
  private final ErrorRenderer errors;
  private final DeliveryOptions delivery;
  private AccessTokenVerifier accessTokens;
  private HttpServer server;

  /** {@code port} is shared by every instance; Vert.x spreads connections over them. */
  public HttpVerticle(GatewayConfig config, int port, IdentityHasher hasher, JsonObject jwks) {
    this.config = config;
    this.port = port;
    this.hasher = hasher;
    this.jwks = jwks.toBuffer();
    this.errors = new ErrorRenderer(config.server().helpUrl());
    this.delivery = new DeliveryOptions().setLocalOnly(true).setSendTimeout(config.server().eventBusTimeout().toMillis());
  }

  @Override
  public Future<?> start() {
    accessTokens = new AccessTokenVerifier(vertx, config.accessTokens());
    Router router = Router.router(vertx);
    router.routeWithRegex(DECISIONS_PATH.pattern())
        .handler(ctx -> begin(ctx, HttpMethod.POST))
        .handler(this::collectBody)
        .handler(this::validatePath)
        .handler(this::authenticate)
        .handler(this::validateHeaders)
        .handler(this::validateBody)
        .handler(this::decide);
    router.route(Endpoints.JWKS)
        .handler(ctx -> begin(ctx, HttpMethod.GET))
        .handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300").end(jwks));
    router.route().handler(this::notFound);
    router.errorHandler(500, ctx -> {
      LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + ctx.request().path(), ctx.failure());
      fail(ctx, ErrorCode.INTERNAL_SERVER_ERROR);
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

  // ---- the chain -------------------------------------------------------------------------

  private void begin(RoutingContext ctx, HttpMethod allowed) {
    assignRequestId(ctx);
    if (!ctx.request().method().equals(allowed)) {
      ctx.response().putHeader(HttpHeaders.ALLOW, allowed.name());
      fail(ctx, ErrorCode.METHOD_NOT_ALLOWED);
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
    req.exceptionHandler(err -> body.tryFail(err));
    ctx.next();
  }

  private void validatePath(RoutingContext ctx) {
    if (!RequestRules.validId(ctx.pathParam("param0"))) {
      fail(ctx, ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER);
    } else if (!RequestRules.validId(ctx.pathParam("param1"))) {
      fail(ctx, ErrorCode.INVALID_PARAMETER_MVPD);
    } else {
      ctx.next();
    }
  }

  private void authenticate(RoutingContext ctx) {
    accessTokens.verify(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.DEBUG, () -> "access token rejected: " + ar.cause().getMessage());
        fail(ctx, ErrorCode.INVALID_ACCESS_TOKEN_CLIENT_APPLICATION);
      } else {
        ctx.put(CLAIMS, ar.result());
        ctx.next();
      }
    });
  }

  private void validateHeaders(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    byte[] device = RequestRules.deviceIdentifier(req.getHeader("AP-Device-Identifier"));
    if (device == null) {
      fail(ctx, ErrorCode.INVALID_HEADER_DEVICE_IDENTIFIER);
    } else if (!RequestRules.validDeviceInfo(req.getHeader("X-Device-Info"))) {
      fail(ctx, ErrorCode.INVALID_HEADER_DEVICE_INFO);
    } else if (!RequestRules.jsonContentType(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      fail(ctx, ErrorCode.INVALID_PARAMETER_RESOURCES);
    } else if (!RequestRules.acceptsJson(req.getHeader(HttpHeaders.ACCEPT))) {
      fail(ctx, ErrorCode.INVALID_HEADER_ACCEPT);
    } else {
      ctx.put(DEVICE, hasher.device(device));
      ctx.next();
    }
  }

  private void validateBody(RoutingContext ctx) {
    Future<Buffer> body = ctx.get(BODY);
    body.onComplete(ar -> {
      List<String> resources = ar.succeeded() ? RequestRules.resources(ar.result(), config.server().maxResourceLength()) : null;
      if (resources == null) {
        fail(ctx, ErrorCode.INVALID_PARAMETER_RESOURCES);
      } else if (resources.size() > config.server().maxResourcesPerRequest()) {
        fail(ctx, ErrorCode.TOO_MANY_RESOURCES);
      } else {
        ctx.put("resources", resources);
        ctx.next();
      }
    });
  }

  private void decide(RoutingContext ctx) {
    IntegrationConfig integration = config.integration(ctx.pathParam("param0"), ctx.pathParam("param1"));
    if (integration == null || !integration.active()) {
      fail(ctx, ErrorCode.INVALID_INTEGRATION);
      return;
    }
    List<String> resources = ctx.get("resources");
    String deviceHash = ctx.get(DEVICE);
    Future<JsonArray> decisions = integration.isTempPass()
        ? tempPass(ctx, integration, deviceHash, resources)
        : regular(integration, deviceHash, resources);
    decisions.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
            .end(new JsonObject().put("decisions", ar.result()).toBuffer());
      } else {
        LOG.log(System.Logger.Level.WARNING, "decision failed [" + ctx.get(REQUEST_ID) + "]: " + ar.cause().getMessage());
        boolean unexpected = ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 500;
        fail(ctx, unexpected ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.SERVICE_UNAVAILABLE);
      }
    });
  }

  /**
   * vertx-web matches routes on the normalised path, which collapses an empty segment
   * ({@code /api/v2//decisions/…}); such a request is a missing path parameter, not an unknown path.
   */
  private void notFound(RoutingContext ctx) {
    assignRequestId(ctx);
    Matcher m = DECISIONS_PATH.matcher(ctx.request().path());
    if (m.matches()) {
      fail(ctx, RequestRules.validId(m.group(1)) ? ErrorCode.INVALID_PARAMETER_MVPD : ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER);
    } else {
      fail(ctx, ErrorCode.NOT_FOUND);
    }
  }

  // ---- decisions -------------------------------------------------------------------------

  private Future<JsonArray> tempPass(RoutingContext ctx, IntegrationConfig integration, String deviceHash, List<String> resources) {
    String identityHash = null;
    if (integration.type() == IntegrationConfig.Type.TEMPPASS_PROMOTIONAL) {
      String identity = RequestRules.tempPassIdentity(ctx.request().getHeader("AP-TempPass-Identity"), integration.identityKey());
      identityHash = identity == null ? null : hasher.identity(identity);
    }
    TempPassRequest request = new TempPassRequest(integration, deviceHash, identityHash, resources);
    return vertx.eventBus().<TempPassOutcome>request(Messages.TEMPPASS_DECIDE, request, delivery)
        .map(Message::body)
        .compose(outcome -> {
          List<String> permitted = new ArrayList<>();
          for (Item item : outcome.items()) if (item.permitted()) permitted.add(item.resource());
          long tokenNotAfter = Math.min(outcome.notBefore() + config.mediaTokens().ttl().toMillis(), outcome.notAfter());
          return sign(integration, deviceHash, permitted, outcome.notBefore(), tokenNotAfter)
              .map(tokens -> render(integration, "temppass", outcome.items(), tokens, outcome.notBefore(), tokenNotAfter, true, outcome.notAfter()));
        });
  }

  /**
   * A regular mvpd: dummy authorization permits everything with a token; otherwise, until an upstream
   * MVPD adapter exists, there is no authenticated profile to authorize against.
   */
  private Future<JsonArray> regular(IntegrationConfig integration, String deviceHash, List<String> resources) {
    if (!integration.dummyAuthorization()) {
      List<Item> items = new ArrayList<>();
      for (String r : resources) items.add(new Item(r, ErrorCode.AUTHENTICATED_PROFILE_MISSING));
      return Future.succeededFuture(render(integration, "mvpd", items, List.of(), 0, 0, false, 0));
    }
    long now = System.currentTimeMillis();
    long notAfter = now + config.mediaTokens().ttl().toMillis();
    List<Item> items = new ArrayList<>();
    for (String r : resources) items.add(new Item(r, null));
    return sign(integration, deviceHash, resources, now, notAfter)
        .map(tokens -> render(integration, "dummy", items, tokens, now, notAfter, false, 0));
  }

  private Future<List<String>> sign(IntegrationConfig integration, String deviceHash, List<String> resources, long notBefore, long notAfter) {
    if (resources.isEmpty()) return Future.succeededFuture(List.of());
    SignRequest request = new SignRequest(integration.serviceProvider(), integration.mvpd(), deviceHash, resources, notBefore, notAfter);
    return vertx.eventBus().<SignedTokens>request(Messages.TOKEN_SIGN, request, delivery).map(m -> m.body().tokens());
  }

  /** Items in request order; {@code tokens} holds one token per permitted item, in the same order. */
  private JsonArray render(IntegrationConfig integration, String source, List<Item> items, List<String> tokens,
                           long notBefore, long tokenNotAfter, boolean decisionWindow, long decisionNotAfter) {
    JsonArray out = new JsonArray();
    int next = 0;
    for (Item item : items) {
      JsonObject d = new JsonObject()
          .put("resource", item.resource())
          .put("serviceProvider", integration.serviceProvider())
          .put("mvpd", integration.mvpd())
          .put("source", source)
          .put("authorized", item.permitted());
      if (item.permitted()) {
        d.put("token", new JsonObject().put("notBefore", notBefore).put("notAfter", tokenNotAfter).put("serializedToken", tokens.get(next++)));
        if (decisionWindow) d.put("notBefore", notBefore).put("notAfter", decisionNotAfter);
      } else {
        d.put("error", errors.item(item.error()));
      }
      out.add(d);
    }
    return out;
  }

  // ---- plumbing --------------------------------------------------------------------------

  private void assignRequestId(RoutingContext ctx) {
    String id = RequestRules.acceptedRequestId(ctx.request().getHeader("X-Request-Id"));
    if (id == null) id = randomId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("X-Request-Id", id);
  }

  private void fail(RoutingContext ctx, ErrorCode error) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      assignRequestId(ctx);
      id = ctx.get(REQUEST_ID);
    }
    errors.topLevel(ctx.response(), error, id);
  }

  /** Requests Netty could not parse (oversized line or headers, bad syntax) still get an Enhanced Error. */
  private void invalidRequest(HttpServerRequest req) {
    String id = randomId();
    req.response().putHeader("X-Request-Id", id).putHeader(HttpHeaders.CONNECTION, "close");
    errors.topLevel(req.response(), ErrorCode.INVALID_PARAMETER_RESOURCES, id);
  }

  private static String randomId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
  }
}
