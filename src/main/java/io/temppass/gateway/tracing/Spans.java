package io.temppass.gateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.function.Supplier;

/**
 * The gateway's own spans, children of the span of the request being served. A span site finds the
 * tracer where Vert.x's clients find theirs: on the Vert.x context the calling thread runs, whose
 * local holds the request's OpenTelemetry context (vertx-opentelemetry's context storage). With
 * tracing off that context has no tracer, and every method here returns after one null check,
 * allocating nothing. Spans are made only inside a trace: a Redis call of a background task (the
 * control plane's polling) starts none.
 */
public final class Spans {
  private Spans() {}

  /** Whether {@code vertx} was built with the gateway's tracer ({@link Tracing#install}). */
  public static boolean installed(Vertx vertx) {
    return ((VertxInternal) vertx).tracer() instanceof GatewayTracer;
  }

  /**
   * The trace id (32 hex digits) of the request this thread serves, or null (tracing off, or no
   * request).
   */
  public static String traceId() {
    if (tracer() == null) return null;
    Span span = current();
    return span == null ? null : span.getSpanContext().getTraceId();
  }

  /**
   * Records the request id on the request's server span ({@code temppass.request_id}); returns the
   * trace id, or null outside a trace.
   */
  public static String requestId(String requestId) {
    if (tracer() == null) return null;
    Span span = current();
    if (span == null) return null;
    span.setAttribute("temppass.request_id", requestId);
    return span.getSpanContext().getTraceId();
  }

  /**
   * Names the request's server span by its route ({@code POST decisions}) instead of the method
   * alone, which is all Vert.x knows when the request arrives.
   */
  public static void routed(String method, String route) {
    if (tracer() == null) return;
    Span span = current();
    if (span != null) span.updateName(method + " " + route);
  }

  /**
   * A client span for one Redis call, named {@code redis <script>} ({@code redis.script}: the
   * script's name; never its keys or arguments), or null outside a trace. End it with {@link #end}.
   */
  public static Span redis(String script, String command) {
    GatewayTracer tracer = tracer();
    if (tracer == null) return null;
    io.opentelemetry.context.Context parent = VertxContextStorage.INSTANCE.current();
    if (parent == null || Span.fromContextOrNull(parent) == null) return null;
    return tracer
        .spans()
        .spanBuilder("redis " + script)
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("db.system.name", "redis")
        .setAttribute("db.operation.name", command)
        .setAttribute("redis.script", script)
        .startSpan();
  }

  /** Ends a span of {@link #redis}, marked as an error when {@code failure} is not null. */
  public static void end(Span span, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
    span.end();
  }

  /**
   * {@code call} inside a span of its own named {@code name} ({@code mvpd token}), whose children
   * are the HTTP client spans of the requests {@code call} makes, and whose trace the {@code
   * traceparent} those requests carry names. The call runs on a duplicate of the caller's Vert.x
   * context that holds the span for as long as the call lasts; its result is delivered back on the
   * caller's context, so what the caller does next is a child of the caller's span again.
   */
  public static <T> Future<T> around(String name, Supplier<Future<T>> call) {
    GatewayTracer tracer = tracer();
    if (tracer == null) return call.get();
    ContextInternal caller = ContextInternal.current();
    io.opentelemetry.context.Context parent = VertxContextStorage.INSTANCE.current();
    if (parent == null || Span.fromContextOrNull(parent) == null) return call.get();
    Span span = tracer.spans().spanBuilder(name).setParent(parent).startSpan();
    ContextInternal inside = caller.duplicate();
    VertxContextStorage.INSTANCE.attach(inside, parent.with(span));
    PromiseInternal<T> result = caller.promise();
    inside.dispatch(
        v -> {
          Future<T> answer;
          try {
            answer = call.get();
          } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
          }
          answer.onComplete(
              ar -> {
                end(span, ar.cause());
                result.handle(ar);
              });
        });
    return result.future();
  }

  private static GatewayTracer tracer() {
    ContextInternal context = ContextInternal.current();
    return context != null && context.tracer() instanceof GatewayTracer tracer ? tracer : null;
  }

  /** The span of the OpenTelemetry context the current Vert.x context holds, if any. */
  private static Span current() {
    io.opentelemetry.context.Context otel = VertxContextStorage.INSTANCE.current();
    Span span = otel == null ? null : Span.fromContextOrNull(otel);
    return span == null || !span.getSpanContext().isValid() ? null : span;
  }

  /** For log lines: the span context of whatever this thread runs, or null. */
  public static SpanContext logged() {
    io.opentelemetry.context.Context otel = VertxContextStorage.INSTANCE.current();
    Span span = otel == null ? null : Span.fromContextOrNull(otel);
    return span == null || !span.getSpanContext().isValid() ? null : span.getSpanContext();
  }
}
