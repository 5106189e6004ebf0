package io.temppass.gateway.http;

import io.temppass.gateway.Ids;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Request ids, the method check and top-level errors for route handlers: every handler fails
 * through here.
 */
public final class HttpErrors {
  /** The routing-context key of the endpoint's fixed short name, the {@code route} label. */
  static final String ROUTE = "route";

  static final String REQUEST_ID = "requestId";

  /**
   * The request's trace id, with tracing on: kept for the request log, which is written once the
   * response has gone and the request's span with it.
   */
  static final String TRACE_ID = "traceId";

  /** The routing-context keys of a failed request's code and details, for the request log. */
  static final String ERROR_CODE = "errorCode";

  static final String DETAILS = "errorDetails";

  private final ErrorRenderer renderer;

  /** Whether the server's requests have spans to name ({@link Spans#routed}). */
  private final boolean traced;

  public HttpErrors(ErrorRenderer renderer) {
    this(renderer, false);
  }

  public HttpErrors(ErrorRenderer renderer, boolean traced) {
    this.renderer = renderer;
    this.traced = traced;
  }

  public ErrorRenderer renderer() {
    return renderer;
  }

  /**
   * The client's own {@code X-Request-Id} when sane (load balancers set one), else a fresh one;
   * echoed back. With tracing on, it is also an attribute of the request's span.
   */
  public void assignRequestId(RoutingContext ctx) {
    if (ctx.get(REQUEST_ID) != null) return;
    String id = RequestRules.acceptedRequestId(ctx.request().getHeader(HeaderNames.REQUEST_ID));
    if (id == null) id = Ids.randomUuid();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader(HeaderNames.REQUEST_ID, id);
    if (traced) {
      String traceId = Spans.requestId(id);
      if (traceId != null) ctx.put(TRACE_ID, traceId);
    }
  }

  public String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      assignRequestId(ctx);
      id = ctx.get(REQUEST_ID);
    }
    return id;
  }

  /**
   * {@code event} with this request's id as its structured key ({@link Logs#REQUEST_ID}), which
   * every log line about one request carries.
   */
  public LoggingEventBuilder about(RoutingContext ctx, LoggingEventBuilder event) {
    return event.addKeyValue(Logs.REQUEST_ID, requestId(ctx));
  }

  /**
   * The answers to what vertx-web itself refuses on {@code router}: a body too large for its path
   * (413), a request it could not read (400), and an unexpected failure (500, logged to {@code log}
   * with its cause and the request id). Each server adds its own 408.
   */
  public void mountRouterErrors(Router router, Logger log) {
    router.errorHandler(
        413, ctx -> fail(ctx, ErrorCode.BAD_REQUEST, "the body is too large for this path"));
    router.errorHandler(
        400, ctx -> fail(ctx, ErrorCode.BAD_REQUEST, "the request could not be read"));
    router.errorHandler(
        500,
        ctx -> {
          about(ctx, log.atError())
              .setCause(ctx.failure())
              .log("unexpected failure on {}", ctx.request().path());
          fail(ctx, ErrorCode.INTERNAL_SERVER_ERROR);
        });
  }

  public void fail(RoutingContext ctx, ErrorCode error) {
    fail(ctx, error, ErrorDetails.of(error));
  }

  /**
   * Fails the request with {@code details} in the Enhanced Error (see {@link
   * ErrorRenderer#topLevel(io.vertx.core.http.HttpServerResponse, ErrorCode, String, String)}):
   * every 4xx says what exactly was wrong. The request log repeats the code and details.
   */
  public void fail(RoutingContext ctx, ErrorCode error, String details) {
    remember(ctx, error, details);
    renderer.topLevel(ctx.response(), error, requestId(ctx), details);
  }

  private static void remember(RoutingContext ctx, ErrorCode error, String details) {
    ctx.put(ERROR_CODE, error.code);
    if (details != null) ctx.put(DETAILS, details);
  }

  /**
   * Fails the request and then closes its connection: for errors after which the rest of the stream
   * cannot be trusted or is not wanted (a request that timed out still trickling its body). {@code
   * Connection: close} alone does not close a connection whose request is still being read.
   */
  public void failAndClose(RoutingContext ctx, ErrorCode error, String details) {
    remember(ctx, error, details);
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    HttpConnection connection = ctx.request().connection();
    renderer
        .topLevel(ctx.response(), error, requestId(ctx), details)
        .onComplete(ar -> connection.close());
  }

  /**
   * Mounts a route at {@code path} whose first step is {@link #begin(String, HttpMethod...)}; the
   * route's further steps are added to what this returns.
   */
  public Route endpoint(Router router, String path, String route, HttpMethod... allowed) {
    return router.route(path).handler(begin(route, allowed));
  }

  /**
   * {@link #begin(RoutingContext, String, HttpMethod...)} as a route's step, its methods given once
   * here rather than as a fresh array on every request.
   */
  public Handler<RoutingContext> begin(String route, HttpMethod... allowed) {
    return ctx -> begin(ctx, route, allowed);
  }

  /**
   * The first step of every route: names the route for the latency metrics ({@link #ROUTE} for the
   * gateway's own timer; the last routed name is the {@code route} label of Vert.x's HTTP server
   * series when they are on, see {@code GatewayMetrics.routeLabel}) and answers 405, with an {@code
   * Allow} header, to any method the route does not serve. With tracing on, the request's span
   * takes the route's name too.
   */
  public void begin(RoutingContext ctx, String route, HttpMethod... allowed) {
    ctx.put(ROUTE, route);
    ctx.request().routed(route);
    if (traced) Spans.routed(ctx.request().method().name(), route);
    for (HttpMethod method : allowed) {
      if (ctx.request().method().equals(method)) {
        ctx.next();
        return;
      }
    }
    String allow =
        Arrays.stream(allowed).map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
    ctx.response().putHeader(HttpHeaders.ALLOW, allow);
    fail(
        ctx,
        ErrorCode.METHOD_NOT_ALLOWED,
        ctx.request().method().name() + " is not served on this path (Allow: " + allow + ")");
  }
}
