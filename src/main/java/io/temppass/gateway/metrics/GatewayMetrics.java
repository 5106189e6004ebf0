package io.temppass.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The gateway's own Prometheus series (Vert.x's HTTP, pool and event-bus series come on top when the
 * process was started with vertx-micrometer-metrics, as {@code Main} does):
 * <ul>
 *   <li>{@code temppass_decisions_total{source,outcome,code}}: one per decision item</li>
 *   <li>{@code temppass_http_request_duration_seconds{route,status}}: histogram</li>
 *   <li>{@code temppass_redis_command_duration_seconds{command}}: histogram, failures included</li>
 *   <li>{@code temppass_redis_errors_total{command}}</li>
 *   <li>{@code temppass_eventbus_timeouts_total{address}}</li>
 *   <li>{@code temppass_throttle_rejections_total}, {@code temppass_throttle_fail_open_total}</li>
 * </ul>
 */
public final class GatewayMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};

  private final MeterRegistry registry;
  /** Meters by tag values, so the hot path does one map lookup instead of building a meter id. */
  private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
  /** Permits by source: the common case, looked up without building a key. */
  private final Map<String, Counter> permits = new ConcurrentHashMap<>();
  /** Timers by route, then by status (index {@code status - 100}), so a request builds no key either. */
  private final Map<String, AtomicReferenceArray<Timer>> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> redisCommands = new ConcurrentHashMap<>();
  private final Counter throttleRejections;
  private final Counter throttleFailOpen;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.throttleRejections = Counter.builder("temppass_throttle_rejections").register(registry);
    this.throttleFailOpen = Counter.builder("temppass_throttle_fail_open").register(registry);
  }

  /** The registry of vertx-micrometer-metrics when the process has one, else a private Prometheus registry. */
  public static GatewayMetrics forProcess() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    return new GatewayMetrics(shared instanceof PrometheusMeterRegistry ? shared : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public void decision(String source, boolean authorized, String code) {
    if (authorized && code == null) {
      Counter permit = permits.get(source);
      if (permit == null) permit = permits.computeIfAbsent(source, k -> counter(source, "permit", "none"));
      permit.increment();
      return;
    }
    String outcome = authorized ? "permit" : "deny";
    String codeTag = code == null ? "none" : code;
    decisions.computeIfAbsent(source + '|' + outcome + '|' + codeTag, k -> counter(source, outcome, codeTag)).increment();
  }

  private Counter counter(String source, String outcome, String code) {
    return registry.counter("temppass_decisions", "source", source, "outcome", outcome, "code", code);
  }

  public void request(String route, int status, long nanos) {
    AtomicReferenceArray<Timer> byStatus = requests.get(route);
    if (byStatus == null) byStatus = requests.computeIfAbsent(route, k -> new AtomicReferenceArray<>(500));
    int slot = status - 100;
    if (slot < 0 || slot >= byStatus.length()) {
      requestTimer(route, status).record(nanos, TimeUnit.NANOSECONDS);
      return;
    }
    Timer timer = byStatus.get(slot);
    if (timer == null) {
      // Two threads racing here register the same meter twice; Micrometer returns the existing one.
      timer = requestTimer(route, status);
      byStatus.set(slot, timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer requestTimer(String route, int status) {
    return Timer.builder("temppass_http_request_duration")
        .tag("route", route).tag("status", Integer.toString(status)).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  public void redisCommand(String command, long nanos, boolean failed) {
    redisCommands.computeIfAbsent(command, k -> Timer.builder("temppass_redis_command_duration")
            .tag("command", command).serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (failed) registry.counter("temppass_redis_errors", "command", command).increment();
  }

  public void eventBusTimeout(String address) {
    registry.counter("temppass_eventbus_timeouts", "address", address).increment();
  }

  public void throttleRejected() {
    throttleRejections.increment();
  }

  public void throttleFailedOpen() {
    throttleFailOpen.increment();
  }

  /** Prometheus text exposition. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry p ? p.scrape() : "";
  }
}
