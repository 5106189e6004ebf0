package io.temppass.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig.TracingSettings;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The process's OpenTelemetry SDK, when tracing is on, and its installation into Vert.x. Off unless
 * {@code tracing.otlpEndpoint} or {@code OTEL_EXPORTER_OTLP_ENDPOINT} / {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set: then {@link #start} returns null, no tracer is given
 * to Vert.x, and the HTTP server, event bus, HTTP client and the gateway's own span sites ({@link
 * Spans}) find none and do nothing.
 *
 * <p>The SDK is built by OpenTelemetry's autoconfiguration, so every standard {@code OTEL_*}
 * variable applies (headers, sampler, batching, resource attributes, TLS); the {@code tracing.*}
 * settings are its defaults, OTLP over HTTP with protobuf the protocol, and only traces are
 * exported (the gateway's metrics are Prometheus's, its logs standard output's).
 *
 * <p>vertx-opentelemetry 5.0.8 takes the SDK through {@code VertxBuilder.withTracer} (its {@code
 * OpenTelemetryOptions} carry no SDK); the tracer is wrapped in {@link GatewayTracer}, which keeps
 * queries out of the spans and gives {@link Spans} the SDK's tracer.
 */
public final class Tracing implements AutoCloseable {
  /** The instrumentation scope of the gateway's own spans. */
  static final String SCOPE = "io.temppass.gateway";

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** Whether the settings and the environment ask for tracing. */
  public static boolean wanted(TracingSettings settings, Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").strip())) return false;
    if ("none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", "").strip())) return false;
    return settings.otlpEndpoint() != null
        || present(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
        || present(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  }

  /**
   * The SDK for these settings, or null when tracing is off. An invalid {@code OTEL_*} value fails
   * here, at start-up, with a {@link ConfigException} naming it.
   */
  public static Tracing start(TracingSettings settings, Map<String, String> env) {
    return start(settings, env, Set.of());
  }

  /**
   * As {@link #start(TracingSettings, Map)}; requests to {@code unsampledPaths} (the probes and
   * scrapes that arrive every few seconds from every pod's kubelet and Prometheus) start no trace.
   */
  public static Tracing start(
      TracingSettings settings, Map<String, String> env, Set<String> unsampledPaths) {
    if (!wanted(settings, env)) return null;
    for (String protocol :
        List.of("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
      if ("grpc".equalsIgnoreCase(env.getOrDefault(protocol, "").strip()))
        throw new ConfigException(
            "tracing",
            protocol
                + "=grpc is not supported: the gateway exports OTLP over HTTP (http/protobuf, the"
                + " collector's port 4318)");
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.traces.exporter", "otlp");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.service.name", settings.serviceName());
    if (settings.otlpEndpoint() != null)
      defaults.put("otel.exporter.otlp.endpoint", settings.otlpEndpoint());
    try {
      OpenTelemetrySdk sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              .addPropertiesSupplier(() -> defaults)
              // The variables of the environment the gateway was given (the process's own in
              // production) win over the settings, as TEMPPASS_* variables win over the files.
              .addPropertiesCustomizer(config -> otelVariables(env))
              .addSamplerCustomizer((sampler, config) -> new Unsampled(sampler, unsampledPaths))
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
      return new Tracing(sdk);
    } catch (RuntimeException e) {
      throw new ConfigException(
          "tracing", "the OTEL_* variables or tracing.* settings are invalid: " + reason(e));
    }
  }

  /** Vert.x with this SDK as its tracer (HTTP server and client, event bus). */
  public VertxBuilder install(VertxBuilder builder) {
    OpenTelemetryTracingFactory vertxTracing = new OpenTelemetryTracingFactory(sdk);
    return builder.withTracer(
        options -> new GatewayTracer(vertxTracing.tracer(options), sdk.getTracer(SCOPE)));
  }

  /** Exports what is still buffered and stops, waiting at most {@code millis}. */
  public void close(long millis) {
    CompletableResultCode done = sdk.shutdown();
    done.join(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    close(5000);
  }

  /** {@code OTEL_FOO_BAR=x} becomes {@code otel.foo.bar=x}, as the SDK reads the environment. */
  static Map<String, String> otelVariables(Map<String, String> env) {
    Map<String, String> properties = new HashMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_"))
            properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
        });
    return properties;
  }

  /**
   * The configured sampler, but a request to one of {@code paths} with no trace of its own is not
   * sampled (Vert.x gives the sampler the server span's {@code url.path}).
   */
  private record Unsampled(Sampler sampler, Set<String> paths) implements Sampler {
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

    @Override
    public SamplingResult shouldSample(
        io.opentelemetry.context.Context parent,
        String traceId,
        String name,
        SpanKind kind,
        Attributes attributes,
        List<LinkData> links) {
      if (kind == SpanKind.SERVER
          && !Span.fromContext(parent).getSpanContext().isValid()
          && paths.contains(attributes.get(URL_PATH))) return SamplingResult.drop();
      return sampler.shouldSample(parent, traceId, name, kind, attributes, links);
    }

    @Override
    public String getDescription() {
      return "Unsampled" + paths + "{" + sampler.getDescription() + "}";
    }
  }

  /** The SDK's own words, which a wrapping "unexpected configuration error" would hide. */
  private static String reason(Throwable e) {
    StringBuilder reason = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause())
      if (cause.getMessage() != null) reason.append(": ").append(cause.getMessage());
    return reason.toString();
  }

  private static boolean present(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }
}
