package io.temppass.gateway;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevApplications;
import io.temppass.gateway.dev.DevBanner;
import io.temppass.gateway.dev.DevEnvironment;
import io.temppass.gateway.dev.DevMode;
import io.temppass.gateway.http.Endpoints;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * {@code java -jar temppass-gateway.jar [--config FILE]... [--dev] [--check-config
 * [--check-redis]]}. The files default to {@code $TEMPPASS_CONFIG}, else {@code conf/gateway.yaml};
 * later files merge over earlier ones, and {@code --dev} is short for {@code --config
 * conf/gateway.yaml --config conf/dev.yaml} with text logs; {@code mode: development} without
 * {@code --dev} is refused ({@link DevMode}). Exits with status 2 and the setting's name when the
 * configuration is invalid; {@code --check-config} only validates (every problem, not just the
 * first) and exits 0 or 2.
 */
public final class Main {
  private static final System.Logger LOG = System.getLogger(Main.class.getName());
  private static final String USAGE =
      "usage: java -jar temppass-gateway.jar [--config FILE]... [--dev] [--check-config [--check-redis]]";

  /** Probes and scrapes: every few seconds from every kubelet and Prometheus, never traced. */
  static final Set<String> UNSAMPLED_PATHS =
      Set.of(Endpoints.LIVENESS, Endpoints.READINESS, Endpoints.METRICS);

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    List<Path> files = new ArrayList<>();
    boolean devFlag = false;
    boolean checkConfig = false;
    boolean checkRedis = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dev" -> {
          devFlag = true;
          files.addAll(DevMode.FILES);
        }
        case "--config" ->
            files.add(Path.of(i + 1 < args.length ? args[++i] : usage("--config needs a file")));
        case "--check-config" -> checkConfig = true;
        case "--check-redis" -> checkRedis = true;
        default -> usage("unknown argument '" + args[i] + "'");
      }
    }
    String logFormat =
        env.getOrDefault("TEMPPASS_LOG_FORMAT", devFlag ? DevMode.LOG_FORMAT : "json");
    if (!logFormat.equalsIgnoreCase("json") && !logFormat.equalsIgnoreCase("text")) {
      System.err.println(
          "invalid configuration: TEMPPASS_LOG_FORMAT: must be json or text, got '"
              + logFormat
              + "'");
      System.exit(2);
    }
    // Logs go to standard output, one record per line, flushed at once; standard error is kept for
    // what must stop an operator (a failed start-up), so that anything there is worth reading.
    Logs.toStandardOutput(logFormat.equalsIgnoreCase("json"));
    if (checkRedis && !checkConfig) usage("--check-redis goes with --check-config");
    if (files.isEmpty())
      files.add(Path.of(env.getOrDefault("TEMPPASS_CONFIG", "conf/gateway.yaml")));
    // mode: development without --dev is refused there, before anything of it starts.
    if (checkConfig)
      System.exit(ConfigCheck.run(files, env, devFlag, checkRedis, System.out, System.err));
    DevEnvironment dev = new DevEnvironment();
    GatewayConfig config = ConfigCheck.load(files, env, devFlag, dev, System.err);
    if (config == null) {
      dev.stop();
      System.exit(2);
      return;
    }
    Tracing tracing;
    try {
      tracing = Tracing.start(config.tracing(), env, UNSAMPLED_PATHS);
    } catch (ConfigException e) {
      System.err.println("invalid configuration: " + String.join("; ", e.problems()));
      dev.stop();
      System.exit(2);
      return;
    }
    if (tracing != null) Logs.toStandardOutput(logFormat.equalsIgnoreCase("json"), true);
    for (String warning : config.warnings()) LOG.log(System.Logger.Level.WARNING, warning);
    // Vert.x's own metrics (those switched on) land in the same Prometheus registry as ours; with
    // tracing off Vert.x gets no tracer at all, so nothing on a request's path looks for spans.
    VertxBuilder builder = GatewayMetrics.vertxBuilder(config.server().vertxHttpMetrics());
    Vertx vertx = (tracing == null ? builder : tracing.install(builder)).build();
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config).await();
    } catch (Exception e) {
      System.err.println("start-up failed: " + ConfigCheck.startupFailure(e, config));
      dev.stop();
      // Not vertx.close(): nothing is left to drain, and exiting now is what an operator needs.
      Runtime.getRuntime().halt(2);
      return;
    }
    Shutdown shutdown =
        new Shutdown(gateway, dev, tracing, config.server().shutdownGracePeriod().toMillis());
    Signal.handle(new Signal("TERM"), signal -> shutdown.begin(false));
    Signal.handle(new Signal("INT"), signal -> shutdown.begin(true));
    if (devFlag) System.out.println(DevBanner.text(gateway.port(), dev, config));
    if (devFlag && gateway.clients() != null) printClientRegistration(gateway, dev, config);
  }

  /**
   * Development mode's registered applications, their statements printed as the development token
   * is, and an app's first calls (README "Client registration") with curl and jq.
   */
  private static void printClientRegistration(
      Gateway gateway, DevEnvironment dev, GatewayConfig config) {
    DevApplications.Statements statements;
    try {
      statements = DevApplications.create(gateway.clients(), config).await();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "development applications not created: " + e);
      return;
    }
    String base = "http://127.0.0.1:" + gateway.port();
    String sp =
        config.integrations().isEmpty() ? "REF30" : config.integrations().get(0).serviceProvider();
    String mvpd =
        config.integrations().isEmpty() ? "Cablevision" : config.integrations().get(0).mvpd();
    System.out.println(
        "\nDevelopment software statement (app):\n"
            + statements.app()
            + "\nDevelopment software statement (operator):\n"
            + statements.operator()
            + "\n\nAn app's first calls (Dynamic Client Registration):\n"
            + "STATEMENT='"
            + statements.app()
            + "'\n"
            + "CLIENT=$(curl -s -X POST "
            + base
            + "/o/client/register -H 'Content-Type: application/json' \\\n"
            + "  -d \"{\\\"software_statement\\\":\\\"$STATEMENT\\\"}\")\n"
            + "TOKEN=$(curl -s -X POST "
            + base
            + "/o/client/token \\\n"
            + "  --data-urlencode client_id=$(echo \"$CLIENT\" | jq -r .client_id) \\\n"
            + "  --data-urlencode client_secret=$(echo \"$CLIENT\" | jq -r .client_secret) \\\n"
            + "  --data-urlencode grant_type=client_credentials | jq -r .access_token)\n"
            + "curl -s -X POST "
            + base
            + "/api/v2/"
            + sp
            + "/decisions/authorize/"
            + mvpd
            + " -H \"Authorization: Bearer $TOKEN\" \\\n"
            + "  -H 'AP-Device-Identifier: fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi' \\\n"
            + "  -H 'AP-TempPass-Identity: eyJlbWFpbCI6ImZvb0BiYXIuY29tIn0=' \\\n"
            + "  -H 'Content-Type: application/json' -d '{\"resources\":[\""
            + sp
            + "\"]}'\n");
    try {
      System.out.println(
          "The reference app (README \"Client registration\"), an app written only against"
              + " Adobe's documents, using the app's statement:\n"
              + dev.startReferenceApp(gateway.port(), statements.app())
              + "\n");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "reference app not started: " + e);
    }
  }

  /**
   * SIGTERM and Ctrl-C (SIGINT). Handled as signals rather than in a JVM shutdown hook, so that the
   * logs still work while draining (the JDK closes log handlers in a hook of its own) and the
   * process can exit with status 0 once drained (a JVM ended by SIGTERM exits with 143).
   *
   * <p>SIGTERM runs the full sequence of {@link Gateway#shutdown()}: readiness off, then after
   * {@code server.shutdownReadinessDelay} the listener closes and in-flight requests finish. Ctrl-C
   * comes from a developer at a terminal, not a load balancer, so it skips the readiness delay. The
   * process exits as soon as the gateway has stopped, at the latest after {@code
   * server.shutdownGracePeriod} (then with status 1). Vert.x itself is not closed: at exit that
   * gains nothing, and the completion of its close is dispatched to an event loop the close has
   * already stopped, which left the former shutdown hook waiting for its whole grace period.
   */
  static final class Shutdown {
    private final Gateway gateway;
    private final DevEnvironment dev;
    private final Tracing tracing;
    private final long graceMillis;
    private final AtomicBoolean begun = new AtomicBoolean();

    Shutdown(Gateway gateway, DevEnvironment dev, Tracing tracing, long graceMillis) {
      this.gateway = gateway;
      this.dev = dev;
      this.tracing = tracing;
      this.graceMillis = graceMillis;
    }

    void begin(boolean interactive) {
      if (!begun.compareAndSet(false, true)) return;
      // Readiness fails from this instant, before any thread is started.
      gateway.draining();
      Thread thread =
          new Thread(
              () -> {
                CountDownLatch stopped = new CountDownLatch(1);
                AtomicBoolean clean = new AtomicBoolean();
                (interactive ? gateway.stop() : gateway.shutdown())
                    .onComplete(
                        ar -> {
                          clean.set(ar.succeeded());
                          if (ar.failed())
                            LOG.log(System.Logger.Level.WARNING, "shutdown: " + ar.cause());
                          stopped.countDown();
                        });
                boolean inTime;
                try {
                  inTime = stopped.await(graceMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  inTime = false;
                }
                if (!inTime)
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "shutdown did not finish within " + graceMillis + " ms; exiting");
                else LOG.log(System.Logger.Level.INFO, "temppass-gateway stopped");
                dev.stop();
                // The spans of the last requests, still in the exporter's batch.
                if (tracing != null) tracing.close(2000);
                System.exit(inTime && clean.get() ? 0 : 1);
              },
              "temppass-shutdown");
      thread.start();
    }
  }

  private static String usage(String problem) {
    System.err.println(problem + "\n" + USAGE);
    System.exit(2);
    return null;
  }
}
