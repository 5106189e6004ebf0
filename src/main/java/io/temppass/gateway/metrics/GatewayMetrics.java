package io.temppass.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 *
 * <p>Every label value is bounded, because anyone who can reach the port chooses what the request
 * carries and each new value is a new series kept for the life of the process: HTTP methods outside
 * {@link #METHODS} become {@code OTHER} (Vert.x's own series too, through a registry filter), routes
 * are the route's name or {@code unmatched}, and event-bus addresses are the service address the
 * request was sent to, never the per-request reply address.
 */
public final class GatewayMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)};

  /** The methods that keep their own label value; CONNECT never reaches a handler (it is refused as a bad request). */
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
  /** The service address of a timed-out request, without the per-event-loop suffix of bus/SameLoop (one series per service). */
  private static final Pattern REPLIED_ADDRESS = Pattern.compile("repliedAddress: ([A-Za-z0-9_.-]{1,64})(?:@loop-\\d{1,19})?$");

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
    this.registry = bounded(registry);
    this.throttleRejections = Counter.builder("temppass_throttle_rejections").register(registry);
    this.throttleFailOpen = Counter.builder("temppass_throttle_fail_open").register(registry);
  }

  /** The registry of vertx-micrometer-metrics when the process has one, else a private Prometheus registry. */
  public static GatewayMetrics forProcess() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    return new GatewayMetrics(shared instanceof PrometheusMeterRegistry ? shared : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Vert.x's own HTTP, pool and event-bus metrics, into a Prometheus registry whose label filter is
   * in place before Vert.x registers its first meter (a filter added later would not apply to them).
   */
  public static Vertx vertxWithMetrics() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(bounded(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))))
        .build();
  }

  /** Adds the method filter once per registry (the registry may be shared by several gateways in tests). */
  private static MeterRegistry bounded(MeterRegistry registry) {
    synchronized (FILTERED) {
      if (FILTERED.add(registry)) {
        registry.config().meterFilter(MeterFilter.replaceTagValues("method", v -> METHODS.contains(v) ? v : "OTHER"));
      }
    }
    return registry;
  }

  private static final Set<MeterRegistry> FILTERED = Collections.newSetFromMap(new WeakHashMap<>());

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

  /** {@code route} is a route's fixed name, or null for a request that matched none ({@code unmatched}). */
  public void request(String route, int status, long nanos) {
    if (route == null) route = "unmatched";
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

  /**
   * {@code detail} is the timeout's message, which names both the per-request reply address and the
   * service address ({@code repliedAddress}); only the latter, one of a fixed set, becomes the label.
   */
  public void eventBusTimeout(String detail) {
    Matcher m = REPLIED_ADDRESS.matcher(detail == null ? "" : detail);
    String address = m.find() && !m.group(1).startsWith("__vertx") ? m.group(1) : "unknown";
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
