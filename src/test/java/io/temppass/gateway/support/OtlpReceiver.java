package io.temppass.gateway.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An OpenTelemetry collector's receiving end, over the wire: a Vert.x HTTP server accepting
 * OTLP/HTTP protobuf at {@code /v1/traces} (what the SDK's OTLP exporter sends), decoded with the
 * OTLP protobuf classes of opentelemetry-proto, independent of the SDK that encoded them. Keeps
 * every span it received.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** One received span; ids in lowercase hex, {@code parentSpanId} empty for a root. */
  public record ReceivedSpan(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      String serviceName,
      Map<String, String> attributes) {
    @Override
    public String toString() {
      return name + " [" + kind + "] " + spanId + " <- " + parentSpanId + " " + attributes;
    }
  }

  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  public static OtlpReceiver start(Vertx vertx) throws Exception {
    HttpServer server =
        vertx.createHttpServer(new HttpServerOptions().setDecompressionSupported(true));
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.requestHandler(
        req ->
            req.body()
                .onSuccess(
                    body -> {
                      if (!req.path().equals("/v1/traces")
                          || !"application/x-protobuf".equals(req.getHeader("Content-Type"))) {
                        receiver.refused.add(req.method() + " " + req.path());
                        req.response().setStatusCode(404).end();
                        return;
                      }
                      try {
                        receiver.accept(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                      } catch (InvalidProtocolBufferException e) {
                        receiver.refused.add("undecodable: " + e.getMessage());
                        req.response().setStatusCode(400).end();
                        return;
                      }
                      req.response()
                          .putHeader("Content-Type", "application/x-protobuf")
                          .end(
                              Buffer.buffer(
                                  ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                    }));
    server.listen(0, "127.0.0.1").await();
    return receiver;
  }

  /** The base URL to configure as {@code tracing.otlpEndpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** Requests that were not OTLP/HTTP protobuf to /v1/traces. */
  public List<String> refused() {
    return List.copyOf(refused);
  }

  /** The first span matching {@code which}, waiting up to {@code timeout} for it to arrive. */
  public ReceivedSpan await(Predicate<ReceivedSpan> which, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ReceivedSpan span : spans) if (which.test(span)) return span;
      Thread.sleep(20);
    }
    throw new AssertionError(
        "no such span within " + timeout + "; received:\n" + tree(spans) + "refused: " + refused);
  }

  /** Every span of one trace. */
  public List<ReceivedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** The chain of parents from {@code span} up to its trace's root (received ones only). */
  public static List<ReceivedSpan> ancestors(ReceivedSpan span, List<ReceivedSpan> trace) {
    Map<String, ReceivedSpan> byId =
        trace.stream().collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
    List<ReceivedSpan> chain = new ArrayList<>();
    for (ReceivedSpan at = byId.get(span.parentSpanId());
        at != null;
        at = byId.get(at.parentSpanId())) chain.add(at);
    return chain;
  }

  /** The spans as an indented tree per trace, for failure messages. */
  public static String tree(List<ReceivedSpan> spans) {
    StringBuilder out = new StringBuilder();
    Map<String, List<ReceivedSpan>> byTrace =
        spans.stream()
            .collect(
                Collectors.groupingBy(
                    ReceivedSpan::traceId, LinkedHashMap::new, Collectors.toList()));
    byTrace.forEach(
        (trace, members) -> {
          out.append("trace ").append(trace).append('\n');
          for (ReceivedSpan s : members)
            out.append("  ".repeat(ancestors(s, members).size() + 1)).append(s).append('\n');
        });
    return out.toString();
  }

  private void accept(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service =
          resource.getResource().getAttributesList().stream()
              .filter(a -> a.getKey().equals("service.name"))
              .map(a -> text(a.getValue()))
              .findFirst()
              .orElse("");
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : scope.getSpansList()) {
          Map<String, String> attributes = new LinkedHashMap<>();
          for (KeyValue kv : s.getAttributesList())
            attributes.put(kv.getKey(), text(kv.getValue()));
          spans.add(
              new ReceivedSpan(
                  hex(hex, s.getTraceId()),
                  hex(hex, s.getSpanId()),
                  hex(hex, s.getParentSpanId()),
                  s.getName(),
                  s.getKind().name().replace("SPAN_KIND_", ""),
                  service,
                  attributes));
        }
      }
    }
  }

  private static String hex(HexFormat hex, ByteString bytes) {
    return hex.formatHex(bytes.toByteArray());
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  @Override
  public void close() {
    server.close().await();
  }
}
