package io.temppass.gateway.http;

import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.TimeoutHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port ({@code server.managementPort}), which the Kubernetes Service does not
 * expose: {@code /metrics}, so the public port does not show traffic figures to anyone who asks;
 * the operator console ({@link ConsoleRoutes}); and the admin API the console calls ({@link
 * AdminRoutes}, {@link ApplicationAdminRoutes}), the same routes and admin-token checks as on the
 * public port, so that the page calls its own origin. Everything else there is a 404 Enhanced
 * Error.
 */
public final class ManagementVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private final HttpVerticle.Shared shared;
  private final int port;
  private final HttpErrors errors;
  private HttpServer server;

  /** {@code port}: {@code server.managementPort}. */
  public ManagementVerticle(HttpVerticle.Shared shared, int port) {
    this.shared = shared;
    this.port = port;
    this.errors =
        new HttpErrors(new ErrorRenderer(ErrorRenderer.helpUrl(shared.config(), shared.port())));
  }

  /** The one {@code /metrics} route, on whichever router serves it. */
  static void mountMetrics(Router router, HttpErrors errors, GatewayMetrics metrics) {
    errors
        .endpoint(router, Endpoints.METRICS, "metrics", HttpMethod.GET)
        .handler(metrics.scrapingHandler());
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = shared.config();
    AccessTokenSteps tokens = new AccessTokenSteps(shared.accessTokens(), errors, config);
    ApiHandler.Basics basics =
        new ApiHandler.Basics(
            config,
            shared.hasher(),
            shared.control(),
            errors,
            new BusReplies(errors, shared.metrics()));
    // Made on this verticle's event loop, so resets go to the TempPass verticle on the same loop.
    TempPassApi tempPass =
        TempPassApi.overBus(
            vertx,
            new DeliveryOptions()
                .setLocalOnly(true)
                .setSendTimeout(config.server().eventBusTimeout().toMillis()));
    Router router = Router.router(vertx);
    router
        .route()
        .handler(TimeoutHandler.create(config.server().requestTimeout().toMillis(), 408))
        .handler(
            ctx -> {
              errors.assignRequestId(ctx);
              ctx.next();
            });
    mountMetrics(router, errors, shared.metrics());
    new ConsoleRoutes(config, shared.control(), shared.clients() != null, errors, tokens)
        .mount(router);
    new ApplicationAdminRoutes(basics, shared.clients(), tokens).mount(router);
    new AdminRoutes(errors, tokens, new AdminHandlers(basics, tempPass)).mount(router);
    router.route().handler(ctx -> errors.fail(ctx, ErrorCode.NOT_FOUND, HttpVerticle.NO_SUCH_PATH));
    router.errorHandler(
        408, ctx -> errors.fail(ctx, ErrorCode.REQUEST_TIMEOUT, "server.requestTimeout ran out"));
    errors.mountRouterErrors(router, LOG);
    server =
        vertx
            .createHttpServer(
                // Scrapes are not requests anyone follows: no spans, even with tracing on.
                new HttpServerOptions()
                    .setHost(config.server().host())
                    .setPort(port)
                    .setIdleTimeout(60)
                    .setTracingPolicy(TracingPolicy.IGNORE))
            .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
