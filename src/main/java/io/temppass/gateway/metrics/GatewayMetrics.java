package io.temppass.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temppass.gateway.logging.Logs;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own Prometheus series, pre-bound where a request touches them:
 *
 * <ul>
 *   <li>{@code temppass_decisions_total{source,outcome,code}}: one per decision item
 *   <li>{@code temppass_http_request_duration_seconds{route,status}}: histogram, one timer per
 *       route and status, found without building a meter id
 *   <li>{@code temppass_redis_command_duration_seconds{command}}: histogram, failures included
 *   <li>{@code temppass_redis_errors_total{command}}
 *   <li>{@code temppass_eventbus_timeouts_total{address}}
 *   <li>{@code temppass_throttle_rejections_total}, {@code temppass_throttle_fail_open_total}
 *   <li>{@code temppass_trials_started_total{integration}}: TempPass trials whose clock a decision
 *       started
 *   <li>{@code temppass_mvpd_signins_total{integration,outcome}}: started, completed, refused,
 *       failed ({@link SignIn})
 *   <li>{@code temppass_mvpd_request_duration_seconds{integration,call,outcome}}: histogram of the
 *       calls to an MVPD
 *   <li>{@code temppass_mvpd_breaker_open{integration}}: 1 while the MVPD's circuit breaker is not
 *       closed
 *   <li>{@code jvm_memory_*} and {@code jvm_gc_*} (Micrometer's JVM binders) on the process
 *       registry of {@link #vertxWithMetrics}
 * </ul>
 *
 * Vert.x's own {@code vertx_http_server_*} series (requests, bytes, active requests and response
 * time by method, code and route) come on top with {@code server.vertxHttpMetrics: true}
 * (vertx-micrometer-metrics, configured by {@link #vertxWithMetrics(boolean)}). They are off by
 * default because they cost on every request: vertx-micrometer builds meter ids for four meters per
 * request (load-tests/RESULTS.md has the measurement).
 *
 * <p>Every label value is bounded, because anyone who can reach the port chooses what the request
 * carries and each new value is a new series kept for the life of the process: HTTP methods outside
 * {@link #METHODS} become {@code OTHER}, routes are a route's fixed name or {@code unmatched}
 * ({@link #routeLabel}), and event-bus addresses are the service address the request was sent to,
 * never the per-request reply address.
 */
public final class GatewayMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25),
    Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1)
  };

  /** MVPD calls are slower than Redis: their deadline is seconds, not milliseconds. */
  private static final Duration[] MVPD_BUCKETS = {
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
    Duration.ofSeconds(5), Duration.ofSeconds(10)
  };

  /**
   * The methods that keep their own label value; CONNECT never reaches a handler (it is refused as
   * a bad request).
   */
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");

  /**
   * The service address of a timed-out request, without the per-event-loop suffix of bus/SameLoop
   * (one series per service).
   */
  private static final Pattern REPLIED_ADDRESS =
      Pattern.compile("repliedAddress: ([A-Za-z0-9_.-]{1,64})(?:@loop-\\d{1,19})?$");

  /**
   * Vert.x's response-time timer, given the same latency buckets as the gateway's own histograms.
   */
  private static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";

  /**
   * The TCP byte counters that Vert.x's HTTP server metrics inherit from its TCP server metrics
   * ({@code vertx_http_server_bytes_read_total}, {@code …_bytes_written_total}): disabling the
   * {@code NET_SERVER} category does not reach them, as they belong to the HTTP server's own
   * category, so they are denied by name and each read and flush increments a no-op counter.
   */
  static final Set<String> TCP_BYTE_COUNTERS =
      Set.of("vertx.http.server.bytes.read", "vertx.http.server.bytes.written");

  private final MeterRegistry registry;

  /**
   * Route latency timers by route, then by status (index {@code status - 100}), so a request builds
   * no key.
   */
  private final Map<String, AtomicReferenceArray<Timer>> requests = new ConcurrentHashMap<>();

  /** Meters by tag values, so the hot path does one map lookup instead of building a meter id. */
  private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

  /** Permits by source: the common case, looked up without building a key. */
  private final Map<String, Counter> permits = new ConcurrentHashMap<>();

  private final Map<String, RedisCommandMeters> redisCommands = new ConcurrentHashMap<>();
  private final Counter throttleRejections;
  private final Counter throttleFailOpen;

  private record RedisCommandMeters(Timer duration, Counter errors) {}

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = bounded(registry);
    this.throttleRejections = Counter.builder("temppass_throttle_rejections").register(registry);
    this.throttleFailOpen = Counter.builder("temppass_throttle_fail_open").register(registry);
  }

  /**
   * The registry of vertx-micrometer-metrics when the process has one, else a private Prometheus
   * registry.
   */
  public static GatewayMetrics forProcess() {
    MeterRegistry shared = BackendRegistries.getDefaultNow();
    return new GatewayMetrics(
        shared instanceof PrometheusMeterRegistry
            ? shared
            : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * A Vert.x whose metrics land in a Prometheus registry whose label filters are in place before
   * Vert.x registers its first meter (a filter added later would not apply to them).
   *
   * <p>{@code httpServerSeries} ({@code server.vertxHttpMetrics}) turns on Vert.x's HTTP server
   * series with the route label (but not their TCP byte counters, {@link #TCP_BYTE_COUNTERS},
   * denied by a filter in {@link #bounded}: they are counted on every socket read and flush and
   * repeat what the request and response size series say per request). Always off, because they
   * cost on every request and say nothing the gateway's own series do not (README "Metrics"): the
   * event-bus domain (a timer, counters and a gauge update per message, two requests and their
   * replies per decision), the named worker pools, the Redis client's per-command series ({@code
   * temppass_redis_command_duration_seconds} times the same commands by script name), and the plain
   * TCP client and server series (bytes of every socket read and write).
   */
  public static Vertx vertxWithMetrics(boolean httpServerSeries) {
    return vertxBuilder(httpServerSeries).build();
  }

  /**
   * As {@link #vertxWithMetrics}, before it is built: Main adds the tracer there when tracing is
   * on.
   */
  public static VertxBuilder vertxBuilder(boolean httpServerSeries) {
    MicrometerMetricsOptions options =
        new MicrometerMetricsOptions()
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
            .addLabels(Label.HTTP_ROUTE)
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS)
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
            .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
            .addDisabledMetricsCategory("redis")
            .setEnabled(true);
    if (!httpServerSeries) options.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    // The HTTP client series of the MVPD calls stay on; their gauges are registered once per
    // endpoint by design, which Micrometer would report as a lost registration (it is not).
    Logs.dropVertxGaugeReRegistrationWarnings();
    MeterRegistry registry = bounded(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    // Heap and GC pauses of the process (the operator dashboard's JVM panels). Bound here, on the
    // one registry of the process, rather than per gateway: the GC binder leaves a listener on the
    // JVM's collectors that keeps its registry reachable.
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(options))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * The route label. vertx-web reports every route a request passes through, joined by {@code >},
   * each by its name or else its path or regex (which start with {@code /}); the endpoint routes
   * announce their fixed short name last ({@code http/HttpErrors.begin}). So the label is that last
   * name, and a request that reached no endpoint route (a 404, a throttled request) is {@code
   * unmatched}: never a path the client chose.
   */
  static String routeLabel(String routed) {
    String last = routed.substring(routed.lastIndexOf('>') + 1);
    return last.isEmpty() || last.charAt(0) == '/' ? "unmatched" : last;
  }

  /**
   * Adds the label and histogram filters once per registry (the registry may be shared by several
   * gateways in tests).
   */
  private static MeterRegistry bounded(MeterRegistry registry) {
    synchronized (FILTERED) {
      if (FILTERED.add(registry)) {
        // Filters run when a meter is first registered, not on every request that finds it again.
        registry
            .config()
            .meterFilter(
                MeterFilter.replaceTagValues("method", v -> METHODS.contains(v) ? v : "OTHER"))
            .meterFilter(MeterFilter.replaceTagValues("route", GatewayMetrics::routeLabel))
            .meterFilter(MeterFilter.deny(id -> TCP_BYTE_COUNTERS.contains(id.getName())))
            .meterFilter(
                new MeterFilter() {
                  @Override
                  public DistributionStatisticConfig configure(
                      Meter.Id id, DistributionStatisticConfig config) {
                    return id.getName().equals(HTTP_SERVER_RESPONSE_TIME)
                        ? DistributionStatisticConfig.builder()
                            .serviceLevelObjectives(nanos(LATENCY_BUCKETS))
                            .build()
                            .merge(config)
                        : config;
                  }
                });
      }
    }
    return registry;
  }

  private static final Set<MeterRegistry> FILTERED = Collections.newSetFromMap(new WeakHashMap<>());

  public void decision(String source, boolean authorized, String code) {
    if (authorized && code == null) {
      Counter permit = permits.get(source);
      if (permit == null)
        permit = permits.computeIfAbsent(source, k -> counter(source, "permit", "none"));
      permit.increment();
      return;
    }
    String outcome = authorized ? "permit" : "deny";
    String codeTag = code == null ? "none" : code;
    decisions
        .computeIfAbsent(
            source + '|' + outcome + '|' + codeTag, k -> counter(source, outcome, codeTag))
        .increment();
  }

  private Counter counter(String source, String outcome, String code) {
    return registry.counter(
        "temppass_decisions", "source", source, "outcome", outcome, "code", code);
  }

  /**
   * {@code route} is a route's fixed name ({@code http/HttpErrors.begin}), or null for a request
   * that reached no endpoint route ({@code unmatched}).
   */
  public void request(String route, int status, long nanos) {
    if (route == null) route = "unmatched";
    AtomicReferenceArray<Timer> byStatus = requests.get(route);
    if (byStatus == null)
      byStatus = requests.computeIfAbsent(route, k -> new AtomicReferenceArray<>(500));
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
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  public void redisCommand(String command, long nanos, boolean failed) {
    RedisCommandMeters meters = redisCommands.get(command);
    if (meters == null) {
      meters =
          redisCommands.computeIfAbsent(
              command,
              k ->
                  new RedisCommandMeters(
                      Timer.builder("temppass_redis_command_duration")
                          .tag("command", command)
                          .serviceLevelObjectives(LATENCY_BUCKETS)
                          .register(registry),
                      Counter.builder("temppass_redis_errors")
                          .tag("command", command)
                          .register(registry)));
    }
    meters.duration().record(nanos, TimeUnit.NANOSECONDS);
    if (failed) meters.errors().increment();
  }

  /**
   * {@code detail} is the timeout's message, which names both the per-request reply address and the
   * service address ({@code repliedAddress}); only the latter, one of a fixed set, becomes the
   * label.
   */
  public void eventBusTimeout(String detail) {
    Matcher m = REPLIED_ADDRESS.matcher(detail == null ? "" : detail);
    String address = m.find() && !m.group(1).startsWith("__vertx") ? m.group(1) : "unknown";
    registry.counter("temppass_eventbus_timeouts", "address", address).increment();
  }

  /**
   * A TempPass decision started a trial's clock (a device's first use, or the first in a new
   * period). Lock-outs are the decisions denied with {@code temporary_access_*_limit_exceeded}.
   */
  public void trialStarted(String integration) {
    registry.counter("temppass_trials_started", "integration", integration).increment();
  }

  /** The steps of a viewer's sign-in at an MVPD, the {@code outcome} label. */
  public enum SignIn {
    /** The browser was sent to the MVPD's sign-in page. */
    STARTED,
    /** The MVPD signed the viewer in and the profile is stored. */
    COMPLETED,
    /** The MVPD (or the viewer) said no: an error or no code on the redirect back. */
    REFUSED,
    /**
     * The gateway could not finish: the MVPD's sign-in page or token answer was unusable, or
     * storing the profile failed.
     */
    FAILED;

    final String label = name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Registers the integration's sign-in counters at zero, so that a ratio over them exists before
   * the first failure.
   */
  public void signInsOf(String integration) {
    for (SignIn step : SignIn.values()) signIn(integration, step, 0);
  }

  public void signIn(String integration, SignIn step) {
    signIn(integration, step, 1);
  }

  private void signIn(String integration, SignIn step, double amount) {
    registry
        .counter("temppass_mvpd_signins", "integration", integration, "outcome", step.label)
        .increment(amount);
  }

  /**
   * One call to an MVPD ({@code call}: {@code authorization}, or {@code token} for the sign-in's
   * code exchange and user lookup), failed or not.
   */
  public void mvpdCall(String integration, String call, long nanos, boolean failed) {
    Timer.builder("temppass_mvpd_request_duration")
        .tag("integration", integration)
        .tag("call", call)
        .tag("outcome", failed ? "error" : "ok")
        .serviceLevelObjectives(MVPD_BUCKETS)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * 1 while the integration's circuit breaker is open or half-open (calls answered without asking
   * the MVPD, or only a trial call let through), else 0; read at each scrape.
   */
  public void mvpdBreaker(String integration, BooleanSupplier open) {
    Gauge.builder("temppass_mvpd_breaker_open", open, o -> o.getAsBoolean() ? 1 : 0)
        .tag("integration", integration)
        .strongReference(true)
        .register(registry);
  }

  /**
   * When the earliest of an integration's certificates of one use ({@code saml_sp}, {@code
   * saml_idp}, {@code xacml_query_signing}, {@code xacml_pdp}) stops being valid, in seconds since
   * the epoch; read at each scrape, so certificates re-read from an IdP's metadata count as soon as
   * they are read. NaN while there is none yet (metadata not read).
   */
  public void certificateExpiry(String integration, String use, DoubleSupplier epochSeconds) {
    Gauge.builder(
            "temppass_certificate_expiry_timestamp_seconds",
            epochSeconds,
            DoubleSupplier::getAsDouble)
        .tag("integration", integration)
        .tag("use", use)
        .strongReference(true)
        .register(registry);
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

  /** The {@code /metrics} handler: vertx-micrometer's, on this registry. */
  public Handler<RoutingContext> scrapingHandler() {
    return PrometheusScrapingHandler.create((PrometheusMeterRegistry) registry);
  }

  private static double[] nanos(Duration[] buckets) {
    double[] nanos = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) nanos[i] = buckets[i].toNanos();
    return nanos;
  }
}
