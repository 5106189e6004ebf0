package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side's one way to the MVPD verticles: sends a request over the local event bus and
 * hands the reply to {@code onReply}; a failed or timed-out request becomes the top-level Enhanced
 * Error (or, on the browser's side, the HTML page) that a TempPass failure would give.
 */
final class MvpdBus {
  private static final Logger LOG = LoggerFactory.getLogger(MvpdBus.class);

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final HttpErrors errors;
  private final GatewayMetrics metrics;

  MvpdBus(Vertx vertx, DeliveryOptions delivery, HttpErrors errors, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.delivery = delivery;
    this.errors = errors;
    this.metrics = metrics;
  }

  <T> void request(RoutingContext ctx, String address, Object message, Handler<T> onReply) {
    send(ctx, address, message, onReply, code -> errors.fail(ctx, code));
  }

  <T> void browser(RoutingContext ctx, String address, Object message, Handler<T> onReply) {
    send(ctx, address, message, onReply, code -> errors.renderer().html(ctx.response(), code.status,
        "The sign-in service is temporarily unavailable; try again later.", errors.requestId(ctx)));
  }

  private <T> void send(RoutingContext ctx, String address, Object message, Handler<T> onReply, Handler<ErrorCode> onFailure) {
    vertx.eventBus().<T>request(address, message, delivery).onComplete(ar -> {
      if (ar.succeeded()) {
        onReply.handle(ar.result().body());
      } else {
        LOG.atWarn().addKeyValue(Logs.REQUEST_ID, errors.requestId(ctx)).log("{} failed: {}", address, ar.cause().getMessage());
        onFailure.handle(DecisionsHandler.failureCode(ar.cause(), metrics));
      }
    });
  }
}
