package io.temppass.gateway;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.temppass.gateway.logging.JsonLogFormatter;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar temppass-gateway.jar [--config FILE]... [--dev]}. The files default to
 * {@code $TEMPPASS_CONFIG}, else {@code conf/gateway.yaml}; later files merge over earlier ones, and
 * {@code --dev} is short for {@code --config conf/gateway.yaml --config conf/dev.yaml}.
 * Exits with status 2 and the setting's name when the configuration is invalid.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    if (!"text".equalsIgnoreCase(env.get("TEMPPASS_LOG_FORMAT"))) useJsonLogs();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dev" -> files.addAll(List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml")));
        case "--config" -> files.add(Path.of(i + 1 < args.length ? args[++i] : usage()));
        default -> usage();
      }
    }
    if (files.isEmpty()) files.add(Path.of(env.getOrDefault("TEMPPASS_CONFIG", "conf/gateway.yaml")));
    for (Path path : files) {
      if (!Files.isRegularFile(path)) {
        System.err.println("configuration file not found: " + path.toAbsolutePath());
        System.exit(2);
      }
    }
    DevEnvironment dev = new DevEnvironment();
    GatewayConfig config;
    try {
      JsonObject tree = ConfigLoader.tree(files, env);
      if ("development".equals(tree.getString("mode"))) dev.prepare(tree);
      config = GatewayConfig.from(tree, GatewayConfig::readFile);
    } catch (ConfigException e) {
      dev.stop();
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Vert.x's own HTTP, pool and event-bus metrics land in the same Prometheus registry as ours.
    Vertx vertx = GatewayMetrics.vertxWithMetrics();
    GatewayConfig started = config;
    Gateway.start(vertx, config).onComplete(ar -> {
      if (ar.failed()) {
        System.err.println("start-up failed: " + ar.cause().getMessage());
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

  private static String usage() {
    System.err.println("usage: java -jar temppass-gateway.jar [--config FILE] [--dev]");
    System.exit(2);
    return null;
  }
}
