package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.Router;

/**
 * {@code /metrics} on {@code server.managementPort}, a port that the Kubernetes Service does not
 * expose, so the public port does not show traffic figures to anyone who asks. Everything else
 * there is a 404 Enhanced Error.
 */
public final class ManagementVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final HttpErrors errors;
  private final GatewayMetrics metrics;
  private HttpServer server;

  public ManagementVerticle(String host, int port, String helpUrl, GatewayMetrics metrics) {
    this.host = host;
    this.port = port;
    this.errors = new HttpErrors(new ErrorRenderer(helpUrl));
    this.metrics = metrics;
  }

  /** The one {@code /metrics} route, on whichever router serves it. */
  static void mountMetrics(Router router, HttpErrors errors, GatewayMetrics metrics) {
    errors
        .endpoint(router, Endpoints.METRICS, "metrics", HttpMethod.GET)
        .handler(metrics.scrapingHandler());
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router
        .route()
        .handler(
            ctx -> {
              errors.assignRequestId(ctx);
              ctx.next();
            });
    mountMetrics(router, errors, metrics);
    router.route().handler(ctx -> errors.fail(ctx, ErrorCode.NOT_FOUND, HttpVerticle.NO_SUCH_PATH));
    server =
        vertx
            .createHttpServer(
                // Scrapes are not requests anyone follows: no spans, even with tracing on.
                new HttpServerOptions()
                    .setHost(host)
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
