package io.temppass.gateway;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.temppass.gateway.logging.JsonLogFormatter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar temppass-gateway.jar [--config FILE]... [--dev] [--check-config [--check-redis]]}.
 * The files default to {@code $TEMPPASS_CONFIG}, else {@code conf/gateway.yaml}; later files merge over
 * earlier ones, and {@code --dev} is short for {@code --config conf/gateway.yaml --config conf/dev.yaml}.
 * Exits with status 2 and the setting's name when the configuration is invalid; {@code --check-config}
 * only validates (every problem, not just the first) and exits 0 or 2.
 */
public final class Main {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());
  private static final String USAGE = "usage: java -jar temppass-gateway.jar [--config FILE]... [--dev] [--check-config [--check-redis]]";

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String logFormat = env.getOrDefault("TEMPPASS_LOG_FORMAT", "json");
    if (!logFormat.equalsIgnoreCase("json") && !logFormat.equalsIgnoreCase("text")) {
      System.err.println("invalid configuration: TEMPPASS_LOG_FORMAT: must be json or text, got '" + logFormat + "'");
      System.exit(2);
    }
    if (logFormat.equalsIgnoreCase("json")) useJsonLogs();
    List<Path> files = new ArrayList<>();
    boolean checkConfig = false;
    boolean checkRedis = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dev" -> files.addAll(List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml")));
        case "--config" -> files.add(Path.of(i + 1 < args.length ? args[++i] : usage("--config needs a file")));
        case "--check-config" -> checkConfig = true;
        case "--check-redis" -> checkRedis = true;
        default -> usage("unknown argument '" + args[i] + "'");
      }
    }
    if (checkRedis && !checkConfig) usage("--check-redis goes with --check-config");
    if (files.isEmpty()) files.add(Path.of(env.getOrDefault("TEMPPASS_CONFIG", "conf/gateway.yaml")));
    if (checkConfig) System.exit(ConfigCheck.run(files, env, checkRedis, System.out, System.err));
    DevEnvironment dev = new DevEnvironment();
    GatewayConfig config = ConfigCheck.load(files, env, dev, System.err);
    if (config == null) {
      dev.stop();
      System.exit(2);
      return;
    }
    for (String warning : config.warnings()) LOG.warning(warning);
    // Vert.x's own HTTP, pool and event-bus metrics land in the same Prometheus registry as ours.
    Vertx vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)).setEnabled(true)));
    GatewayConfig started = config;
    Gateway.start(vertx, config).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("start-up failed: " + ConfigCheck.startupFailure(ar.cause(), started));
        vertx.close();
        dev.stop();
        System.exit(2);
      }
      long grace = started.server().shutdownGracePeriod().toMillis();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        // SIGTERM: readiness off, drain, stop; never longer than the grace period. Printed directly:
        // JUL's own shutdown hook may already have closed the log handlers.
        System.err.println("temppass-gateway: SIGTERM, shutting down within " + grace + " ms");
        try {
          ar.result().shutdown().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(grace, TimeUnit.MILLISECONDS);
          System.err.println("temppass-gateway: stopped");
        } catch (Exception e) {
          System.err.println("shutdown did not finish within " + grace + " ms: " + e);
        }
        dev.stop();
      }, "temppass-shutdown"));
      if (dev.accessToken() != null) printCurl(ar.result().port(), dev.accessToken(), started);
      if (dev.accessToken() != null && dev.mvpd() != null) printMvpdWalkthrough(ar.result().port(), dev);
    });
  }

  private static void useJsonLogs() {
    Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) h.setFormatter(new JsonLogFormatter());
  }

  private static void printCurl(int port, String token, GatewayConfig config) {
    String sp = config.integrations().isEmpty() ? "REF30" : config.integrations().get(0).serviceProvider();
    String mvpd = config.integrations().isEmpty() ? "Cablevision" : config.integrations().get(0).mvpd();
    System.out.println("\nDevelopment access token (24 h):\n" + token + "\n\nTry:\n"
        + "curl -s -X POST http://127.0.0.1:" + port + "/api/v2/" + sp + "/decisions/authorize/" + mvpd + " \\\n"
        + "  -H 'Authorization: Bearer " + token + "' \\\n"
        + "  -H 'Content-Type: application/json' \\\n"
        + "  -H 'AP-Device-Identifier: fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi' \\\n"
        + "  -H 'AP-TempPass-Identity: eyJlbWFpbCI6ImZvb0BiYXIuY29tIn0=' \\\n"
        + "  -d '{\"resources\":[\"REF30\"]}'\n");
  }

  /** The regular-MVPD path with curl alone (README "Development walk-through"), with this run's ports and token. */
  private static void printMvpdWalkthrough(int port, DevEnvironment dev) {
    String base = "http://127.0.0.1:" + port;
    System.out.println("The regular-MVPD path (REF30/Cablevision, signing in with the reference MVPD):\n"
        + "TOKEN='" + dev.accessToken() + "'\n"
        + "DEVICE='AP-Device-Identifier: fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi'\n"
        + "# 1. a session (note its code)\n"
        + "curl -s -X POST " + base + "/api/v2/REF30/sessions -H \"Authorization: Bearer $TOKEN\" -H \"$DEVICE\" \\\n"
        + "  --data-urlencode mvpd=Cablevision --data-urlencode domainName=127.0.0.1 \\\n"
        + "  --data-urlencode redirectUrl=" + dev.mvpd().appPage("signed-in") + "\n"
        + "CODE=...   # the session's code\n"
        + "# 2. the browser's part: gateway -> MVPD sign-in (no form) -> gateway -> the app's page\n"
        + "curl -sL " + base + "/api/v2/authenticate/REF30/$CODE\n"
        + "# 3. the profile the sign-in produced\n"
        + "curl -s " + base + "/api/v2/REF30/profiles/code/$CODE -H \"Authorization: Bearer $TOKEN\" -H \"$DEVICE\"\n"
        + "# 4. Adobe's sample 1: source mvpd, authorized true; 5. a title outside the package: REF30-premium\n"
        + "curl -s -X POST " + base + "/api/v2/REF30/decisions/authorize/Cablevision -H \"Authorization: Bearer $TOKEN\" -H \"$DEVICE\" \\\n"
        + "  -H 'Content-Type: application/json' -d '{\"resources\":[\"REF30\",\"REF30-premium\"]}'\n"
        + "# 6. logout, then the same decision is authenticated_profile_missing\n"
        + "curl -s '" + base + "/api/v2/REF30/logout/Cablevision?redirectUrl=" + dev.mvpd().appPage("signed-out") + "' -H \"Authorization: Bearer $TOKEN\" -H \"$DEVICE\"\n");
  }

  private static String usage(String problem) {
    System.err.println(problem + "\n" + USAGE);
    System.exit(2);
    return null;
  }
}
