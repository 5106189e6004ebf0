package io.temppass.gateway.bus;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * What a failed call of a bus service stands for. A service answers a failure with an int code
 * ({@link SameLoop#serve}: 500 for our own data or scripts, 503 for an unavailable Redis); this is
 * the one place that reads it back, so the codes never leave this package.
 */
public final class BusFailures {
  private BusFailures() {}

  /**
   * {@code internal_server_error} when the service failed on our own data or scripts; anything else
   * (Redis unavailable, no reply within the delivery timeout) is {@code service_unavailable}. A
   * timeout is also counted on {@code metrics}, by address.
   */
  public static ErrorCode errorCode(Throwable cause, GatewayMetrics metrics) {
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT)
      metrics.eventBusTimeout(re.getMessage());
    boolean unexpected =
        cause instanceof ReplyException re
            && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
            && re.failureCode() == 500;
    return unexpected ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.SERVICE_UNAVAILABLE;
  }
}
