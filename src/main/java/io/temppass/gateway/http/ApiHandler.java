package io.temppass.gateway.http;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What the endpoint handlers share: the configuration, the identity hasher, the control plane
 * (degradation rules), and the HTTP side's one way to fail a request ({@link HttpErrors}) and to
 * wait on a bus service ({@link BusReplies}). The HTTP verticle makes one {@link Basics} and hands
 * it to each handler; a handler's own fields are only the bus services it calls.
 */
abstract class ApiHandler {
  /** The parts every handler is made with, passed as one. */
  record Basics(
      GatewayConfig config,
      IdentityHasher hasher,
      ControlPlane control,
      HttpErrors errors,
      BusReplies replies) {}

  final GatewayConfig config;
  final IdentityHasher hasher;
  final ControlPlane control;
  final HttpErrors errors;
  final BusReplies replies;

  static final String JSON_UTF8 = "application/json;charset=UTF-8";

  /** The one way a handler answers 200 with a JSON body. */
  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(body.toBuffer());
  }

  ApiHandler(Basics basics) {
    this.config = basics.config();
    this.hasher = basics.hasher();
    this.control = basics.control();
    this.errors = basics.errors();
    this.replies = basics.replies();
  }

  /**
   * The route's integration ({@code :serviceProvider}, {@code :mvpd}) when it is configured and
   * active; otherwise null, and the request has been answered {@code invalid_integration}.
   */
  IntegrationConfig activeIntegration(RoutingContext ctx) {
    IntegrationConfig integration =
        config.integration(HttpVerticle.serviceProvider(ctx), HttpVerticle.mvpd(ctx));
    if (integration == null || !integration.active()) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_INTEGRATION,
          "the integration "
              + HttpVerticle.serviceProvider(ctx)
              + "/"
              + HttpVerticle.mvpd(ctx)
              + (integration == null ? " is not configured (integrations)" : " is inactive"));
      return null;
    }
    return integration;
  }
}
