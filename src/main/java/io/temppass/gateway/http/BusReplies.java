package io.temppass.gateway.http;

import io.temppass.gateway.bus.Answer;
import io.temppass.gateway.bus.BusFailures;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side's one way to wait for a bus service: hands the reply to {@code onReply}; a failed
 * or timed-out call is logged and becomes the top-level Enhanced Error (or, on the browser's side,
 * the HTML page) that its cause stands for ({@link BusFailures#errorCode}).
 */
final class BusReplies {
  private static final Logger LOG = LoggerFactory.getLogger(BusReplies.class);

  private final HttpErrors errors;
  private final GatewayMetrics metrics;

  BusReplies(HttpErrors errors, GatewayMetrics metrics) {
    this.errors = errors;
    this.metrics = metrics;
  }

  /** {@code what} names the call in the log line ("decision", "profile", …). */
  <T> void json(RoutingContext ctx, String what, Future<T> reply, Handler<T> onReply) {
    await(ctx, what, reply, onReply, false);
  }

  /**
   * As {@link #json}, for a reply that carries either its result or an error: the error is answered
   * as the top-level Enhanced Error, and {@code onResult} gets only a reply without one.
   */
  <T extends Answer> void answer(
      RoutingContext ctx, String what, Future<T> reply, Handler<T> onResult) {
    reply.onComplete(
        ar -> {
          if (ar.failed()) {
            fail(ctx, what, ar.cause(), false);
          } else if (ar.result().error() != null) {
            String details = ar.result().details();
            if (details == null) errors.fail(ctx, ar.result().error());
            else errors.fail(ctx, ar.result().error(), details);
          } else {
            onResult.handle(ar.result());
          }
        });
  }

  <T> void browser(RoutingContext ctx, String what, Future<T> reply, Handler<T> onReply) {
    await(ctx, what, reply, onReply, true);
  }

  /**
   * For a handler that waits on its own: logs the failed call and answers the Enhanced Error its
   * cause stands for.
   */
  void fail(RoutingContext ctx, String what, Throwable cause) {
    fail(ctx, what, cause, false);
  }

  private <T> void await(
      RoutingContext ctx, String what, Future<T> reply, Handler<T> onReply, boolean browser) {
    reply.onComplete(
        ar -> {
          if (ar.succeeded()) {
            onReply.handle(ar.result());
          } else {
            fail(ctx, what, ar.cause(), browser);
          }
        });
  }

  private void fail(RoutingContext ctx, String what, Throwable cause, boolean browser) {
    errors.about(ctx, LOG.atWarn()).log("{} failed: {}", what, cause.getMessage());
    ErrorCode code = BusFailures.errorCode(cause, metrics);
    if (browser) {
      errors
          .renderer()
          .html(
              ctx.response(),
              code.status,
              "The sign-in service is temporarily unavailable; try again later.",
              errors.requestId(ctx));
    } else {
      errors.fail(ctx, code);
    }
  }
}
