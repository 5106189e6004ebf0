package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What protects the gateway from one MVPD, per process: at most {@code maxConcurrency} calls in
 * flight (more would only queue behind a slow MVPD), a circuit breaker that stops calling after
 * {@code breakerFailures} failures in a row and answers at once until a trial call succeeds, and
 * the per-decision deadline. Over the limit, with the circuit open, or past the deadline the answer
 * is {@code maximum_execution_time_exceeded}: the app may retry later.
 */
public final class GuardedAuthorizer implements MvpdAuthorizer {
  private final MvpdAuthorizer connector;
  private final String name;
  private final GatewayMetrics metrics;
  private final CircuitBreaker breaker;
  private final int maxConcurrency;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * {@code limits}: the integration's {@code authorization} settings, for the three bounds; {@code
   * name} the integration's id, also its label in the metrics.
   */
  public GuardedAuthorizer(
      Vertx vertx,
      String name,
      MvpdAuthorizer connector,
      MvpdSettings.Authorization limits,
      GatewayMetrics metrics) {
    this.connector = connector;
    this.name = name;
    this.metrics = metrics;
    this.maxConcurrency = limits.maxConcurrency();
    this.breaker =
        CircuitBreaker.create(
            "mvpd-" + name,
            vertx,
            new CircuitBreakerOptions()
                .setMaxFailures(limits.breakerFailures())
                .setTimeout(-1)
                .setResetTimeout(limits.breakerResetTimeout().toMillis()));
    metrics.mvpdBreaker(name, () -> breaker.state() != CircuitBreakerState.CLOSED);
  }

  /**
   * Bounded by {@code deadlineMillis} in all; the connector's own timeouts are shorter, so they
   * normally fire first.
   */
  public Future<Verdict> authorize(
      String userId, String resource, String clientIp, String requestor, long deadlineMillis) {
    return guarded(
        () -> connector.authorize(userId, resource, clientIp, requestor), deadlineMillis);
  }

  /** Several resources in one MVPD call (one slot, one breaker count), under the same deadline. */
  public Future<List<Verdict>> authorizeAll(
      String userId,
      List<String> resources,
      String clientIp,
      String requestor,
      long deadlineMillis) {
    return guarded(
        () -> connector.authorizeAll(userId, resources, clientIp, requestor), deadlineMillis);
  }

  private <T> Future<T> guarded(Supplier<Future<T>> call, long deadlineMillis) {
    if (deadlineMillis <= 0)
      return Future.failedFuture(
          new MvpdCallException(
              ErrorCode.MAXIMUM_EXECUTION_TIME_EXCEEDED, "deadline passed before the MVPD call"));
    if (inFlight.incrementAndGet() > maxConcurrency) {
      inFlight.decrementAndGet();
      return Future.failedFuture(
          new MvpdCallException(
              ErrorCode.MAXIMUM_EXECUTION_TIME_EXCEEDED, "too many MVPD calls in flight"));
    }
    // The slot is held until the call itself ends, not just until the deadline answers the
    // caller: a call past its deadline still occupies a connection to the MVPD.
    Future<T> guardedCall =
        breaker
            .<T>execute(
                promise -> {
                  long start = System.nanoTime();
                  call.get()
                      .onComplete(
                          ar ->
                              metrics.mvpdCall(
                                  name, "authorization", System.nanoTime() - start, ar.failed()))
                      .onComplete(promise);
                })
            .andThen(ar -> inFlight.decrementAndGet());
    return guardedCall
        .timeout(deadlineMillis, TimeUnit.MILLISECONDS)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof MvpdCallException e
                        ? e
                        : err instanceof OpenCircuitException
                            ? new MvpdCallException(
                                ErrorCode.MAXIMUM_EXECUTION_TIME_EXCEEDED,
                                "circuit open for this MVPD")
                            : new MvpdCallException(
                                ErrorCode.MAXIMUM_EXECUTION_TIME_EXCEEDED,
                                "MVPD call exceeded the deadline")));
  }

  @Override
  public Future<Verdict> authorize(
      String userId, String resource, String clientIp, String requestor) {
    return authorize(userId, resource, clientIp, requestor, Long.MAX_VALUE / 2);
  }
}
