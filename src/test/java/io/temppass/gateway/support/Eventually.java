package io.temppass.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls for a condition with a deadline instead of sleeping against a timer of the product: a test
 * then waits as long as the machine needs and no longer, and a slow machine cannot flip the result.
 */
public final class Eventually {
  private static final long POLL_MILLIS = 25;

  private Eventually() {}

  /**
   * Runs {@code probe} until its value satisfies {@code done} or {@code within} has passed;
   * completes with the first satisfying value, else with the last one seen (for the caller's
   * assertion to report). A failed probe counts as not done yet.
   */
  public static <T> Future<T> poll(
      Vertx vertx, Duration within, Supplier<Future<T>> probe, Predicate<T> done) {
    Promise<T> result = Promise.promise();
    attempt(vertx, System.nanoTime() + within.toNanos(), probe, done, result, null);
    return result.future();
  }

  private static <T> void attempt(
      Vertx vertx,
      long deadline,
      Supplier<Future<T>> probe,
      Predicate<T> done,
      Promise<T> result,
      T last) {
    probe
        .get()
        .onComplete(
            ar -> {
              T seen = ar.succeeded() ? ar.result() : last;
              if (ar.succeeded() && done.test(seen)) {
                result.complete(seen);
              } else if (System.nanoTime() > deadline) {
                if (ar.failed() && seen == null) result.fail(ar.cause());
                else result.complete(seen);
              } else {
                vertx.setTimer(
                    POLL_MILLIS, id -> attempt(vertx, deadline, probe, done, result, seen));
              }
            });
  }
}
