package io.temppass.gateway.tracing;

import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Context;
import io.vertx.core.eventbus.Message;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * vertx-opentelemetry's tracer, with two changes. Spans carry no query string: the reset API takes
 * raw identities and device ids in its query and the sign-in callback an authorization code, and
 * none of them may leave the process (Vert.x would report the whole URI as {@code http.url} and the
 * query as {@code url.query}). And the gateway's own span sites ({@link Spans}) reach the SDK's
 * tracer through the Vert.x context they run on, as Vert.x's clients reach this one. Event-bus
 * spans are named by their service address as well as the operation.
 */
final class GatewayTracer implements VertxTracer<Object, Object> {
  /** The attributes that would carry a query string. */
  private static final Set<String> DROPPED = Set.of("http.url", "url.query");

  /** An absolute URL whose query is cut off (the MVPD calls' {@code url.full}). */
  private static final String FULL_URL = "url.full";

  private final VertxTracer<Object, Object> vertx;
  private final Tracer spans;
  private final Map<TagExtractor<?>, TagExtractor<?>> privateTags = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  GatewayTracer(VertxTracer<?, ?> vertx, Tracer spans) {
    this.vertx = (VertxTracer<Object, Object>) vertx;
    this.spans = spans;
  }

  /** The SDK's tracer, for the gateway's own spans. */
  Tracer spans() {
    return spans;
  }

  @Override
  public <R> Object receiveRequest(
      Context context,
      SpanKind kind,
      TracingPolicy policy,
      R request,
      String operation,
      Iterable<Map.Entry<String, String>> headers,
      TagExtractor<R> tagExtractor) {
    return vertx.receiveRequest(
        context,
        kind,
        policy,
        request,
        named(request, operation),
        headers,
        withoutQuery(tagExtractor));
  }

  @Override
  public <R> void sendResponse(
      Context context, R response, Object payload, Throwable failure, TagExtractor<R> tags) {
    vertx.sendResponse(context, response, payload, failure, withoutQuery(tags));
  }

  @Override
  public <R> Object sendRequest(
      Context context,
      SpanKind kind,
      TracingPolicy policy,
      R request,
      String operation,
      BiConsumer<String, String> headers,
      TagExtractor<R> tagExtractor) {
    return vertx.sendRequest(
        context,
        kind,
        policy,
        request,
        named(request, operation),
        headers,
        withoutQuery(tagExtractor));
  }

  @Override
  public <R> void receiveResponse(
      Context context, R response, Object payload, Throwable failure, TagExtractor<R> tags) {
    vertx.receiveResponse(context, response, payload, failure, withoutQuery(tags));
  }

  @Override
  public void close() {
    vertx.close();
  }

  /**
   * An event-bus span is named by its operation and service address ({@code send temppass.decide});
   * Vert.x names it by the operation alone. The address loses the event loop's suffix of
   * bus/SameLoop, so there is one name per service.
   */
  private static String named(Object request, String operation) {
    if (!(request instanceof Message<?> message)) return operation;
    String address = message.address();
    int loop = address.indexOf('@');
    return operation + " " + (loop < 0 ? address : address.substring(0, loop));
  }

  @SuppressWarnings("unchecked")
  private <R> TagExtractor<R> withoutQuery(TagExtractor<R> tags) {
    // Vert.x's extractors are constants: one wrapper each for the life of the process.
    return tags == null
        ? null
        : (TagExtractor<R>) privateTags.computeIfAbsent(tags, t -> new WithoutQuery<>(tags));
  }

  /** The tags of {@code tags} but those in {@link #DROPPED}, and URLs without their query. */
  private record WithoutQuery<R>(TagExtractor<R> tags) implements TagExtractor<R> {
    @Override
    public int len(R obj) {
      int kept = 0;
      for (int i = 0, n = tags.len(obj); i < n; i++)
        if (!DROPPED.contains(tags.name(obj, i))) kept++;
      return kept;
    }

    @Override
    public String name(R obj, int index) {
      return tags.name(obj, original(obj, index));
    }

    @Override
    public String value(R obj, int index) {
      int i = original(obj, index);
      String value = tags.value(obj, i);
      if (value != null && FULL_URL.equals(tags.name(obj, i))) {
        int query = value.indexOf('?');
        if (query >= 0) value = value.substring(0, query);
      }
      return value;
    }

    /** The index in {@link #tags} of the {@code index}-th kept tag. */
    private int original(R obj, int index) {
      for (int i = 0, n = tags.len(obj), kept = 0; i < n; i++) {
        if (DROPPED.contains(tags.name(obj, i))) continue;
        if (kept++ == index) return i;
      }
      throw new IndexOutOfBoundsException(index);
    }
  }
}
