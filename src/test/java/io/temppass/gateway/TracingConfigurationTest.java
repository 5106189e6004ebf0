package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.BrokenConfigurationTest.KeyFiles;
import io.temppass.gateway.BrokenConfigurationTest.Result;
import io.temppass.gateway.config.GatewayConfig.TracingSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.tracing.Spans;
import io.temppass.gateway.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When tracing is on and how its settings fail: off by default (no tracer in Vert.x, no {@code
 * traceId} in errors), on with {@code tracing.otlpEndpoint} or the standard endpoint variables, off
 * again with {@code OTEL_SDK_DISABLED} or {@code OTEL_TRACES_EXPORTER=none}; a bad endpoint or
 * {@code OTEL_*} value fails {@code --check-config} (and start-up) naming it.
 */
class TracingConfigurationTest {
  @TempDir static Path dir;
  static KeyFiles keys;

  @BeforeAll
  static void keys() throws Exception {
    keys = KeyFiles.write(dir);
  }

  static final TracingSettings OFF = new TracingSettings(null, "temppass-gateway");

  @Test
  void tracing_is_off_unless_an_endpoint_is_configured() {
    assertFalse(Tracing.wanted(OFF, Map.of()));
    assertNull(Tracing.start(OFF, Map.of()));
    // Other OTEL_* variables alone (a service name) do not turn it on.
    assertFalse(Tracing.wanted(OFF, Map.of("OTEL_SERVICE_NAME", "gw")));
    assertTrue(Tracing.wanted(new TracingSettings("http://collector:4318", "gw"), Map.of()));
    assertTrue(Tracing.wanted(OFF, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")));
    assertTrue(Tracing.wanted(OFF, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318")));
    TracingSettings on = new TracingSettings("http://collector:4318", "gw");
    assertFalse(Tracing.wanted(on, Map.of("OTEL_SDK_DISABLED", "true")));
    assertFalse(Tracing.wanted(on, Map.of("OTEL_TRACES_EXPORTER", "none")));
  }

  /**
   * With tracing off, Vert.x is built without a tracer, so neither Vert.x nor the gateway's span
   * sites do anything per request, and a top-level error has no {@code traceId}.
   */
  @Test
  void a_gateway_without_tracing_has_no_tracer_and_no_trace_id_in_errors() throws Exception {
    Vertx vertx = GatewayMetrics.vertxBuilder(false).build();
    try {
      assertNull(((VertxInternal) vertx).tracer());
      assertFalse(Spans.installed(vertx));
      JsonObject config =
          TestGateway.with(TestGateway.config(), TestGateway.basic("SP", "TempPass_OFF", "1h"));
      Gateway gateway = TestGateway.start(vertx, config).await();
      try {
        HttpResponse<Buffer> refused =
            new Api(vertx, gateway.port())
                .decisions("SP", "TempPass_OFF", "device-off")
                .putHeader("AP-Device-Identifier", "not a fingerprint")
                .putHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .sendJsonObject(Api.body("res"))
                .await();
        assertEquals(400, refused.statusCode());
        assertFalse(refused.bodyAsJsonObject().containsKey("traceId"), refused.bodyAsString());
      } finally {
        gateway.stop().await();
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void an_endpoint_that_is_not_an_http_url_names_the_setting() throws Exception {
    Result r = check(keys.valid() + "\ntracing:\n  otlpEndpoint: collector:4318\n", Map.of());
    assertEquals(2, r.status(), r.out());
    assertTrue(
        r.err()
            .contains(
                "invalid configuration: tracing.otlpEndpoint: must be an http:// or https:// URL"),
        r.err());
  }

  @Test
  void a_bad_otel_variable_fails_the_check_naming_it() throws Exception {
    Result r =
        check(
            keys.valid(),
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_TRACES_SAMPLER", "sometimes"));
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().startsWith("invalid configuration: tracing: "), r.err());
    assertTrue(r.err().contains("sometimes"), r.err());
  }

  @Test
  void grpc_is_refused_naming_the_variable() throws Exception {
    Result r =
        check(
            keys.valid(),
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
    assertEquals(2, r.status(), r.out());
    assertTrue(
        r.err().startsWith("invalid configuration: tracing: OTEL_EXPORTER_OTLP_PROTOCOL=grpc"),
        r.err());
  }

  @Test
  void a_valid_endpoint_passes_the_check() throws Exception {
    Result r =
        check(keys.valid(), Map.of("TEMPPASS_TRACING__OTLP_ENDPOINT", "http://collector:4318"));
    assertEquals(0, r.status(), r.err());
  }

  private static Result check(String yaml, Map<String, String> env) throws Exception {
    Path file = Files.createTempFile(dir, "tracing", ".yaml");
    Files.writeString(file, yaml);
    return BrokenConfigurationTest.check(List.of(file), env);
  }
}
