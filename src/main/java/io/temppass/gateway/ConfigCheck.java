package io.temppass.gateway;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.temppass.gateway.dev.DevMode;
import io.temppass.gateway.redis.RedisFactory;
import io.temppass.gateway.redis.RedisFailures;
import io.temppass.gateway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.PrintStream;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reading and validating the configuration, shared by start-up and {@code --check-config}: every
 * problem is printed on a line of its own, {@code invalid configuration: <setting>: <problem>}, and
 * the caller exits with status 2. Never a stack trace: an operator reads these lines in a CI log or
 * in {@code kubectl logs} of an init container.
 */
final class ConfigCheck {
  static final int OK = 0;
  static final int INVALID = 2;

  private ConfigCheck() {}

  /**
   * What the reading stages found: the configuration as far as it could be read (null when nothing
   * binds; never to be served when there are problems), and every problem, each followed by the
   * variable that set its setting when one did.
   */
  private record Loaded(GatewayConfig config, List<String> problems) {}

  /**
   * Files and variables, development helpers, binding and the rules across settings. A stage's
   * problems do not stop the next one: a duplicate key in a file must not hide a bad Redis URL, nor
   * a variable that cannot be applied everything else. {@code mode: development} starts the
   * development helpers only with {@code devFlag} ({@code --dev}); without it, it is refused
   * ({@link DevMode}) and reported with every other problem.
   */
  private static Loaded read(
      List<Path> files, Map<String, String> env, DevEnvironment dev, boolean devFlag) {
    Map<String, String> overrides = new HashMap<>();
    List<String> problems = new ArrayList<>();
    JsonObject tree = ConfigLoader.tree(files, env, overrides, problems);
    String refusal = devFlag ? null : DevMode.refusal(files, tree, overrides);
    if (refusal != null) {
      // Nothing of development mode starts: no embedded Redis, no reference MVPD, no generated key.
      problems.add(0, refusal);
    } else if ("development".equalsIgnoreCase(String.valueOf(tree.getValue("mode")))) {
      try {
        dev.prepare(tree);
      } catch (java.io.IOException | RuntimeException e) {
        // Development mode's helpers (embedded Redis, reference MVPD) could not start.
        problems.add("mode: development helpers could not start: " + e.getMessage());
      }
    }
    GatewayConfig config = GatewayConfig.bindAll(tree, GatewayConfig::readFile, problems);
    return new Loaded(
        config, problems.stream().map(p -> ConfigLoader.withOrigin(p, overrides)).toList());
  }

  private static void print(PrintStream err, List<String> problems) {
    for (String problem : problems) err.println("invalid configuration: " + problem);
  }

  /** Whether none of {@code problems} concerns a setting under {@code section}. */
  private static boolean none(List<String> problems, String section) {
    return problems.stream().noneMatch(p -> p.startsWith(section));
  }

  /** The validated configuration, or null after printing every problem to {@code err}. */
  static GatewayConfig load(
      List<Path> files,
      Map<String, String> env,
      boolean devFlag,
      DevEnvironment dev,
      PrintStream err) {
    Loaded loaded = read(files, env, dev, devFlag);
    if (loaded.problems().isEmpty()) return loaded.config();
    print(err, loaded.problems());
    return null;
  }

  /**
   * {@code --check-config}: everything that can be checked without serving (files, keys, types,
   * cross-setting rules), plus with {@code checkRedis} a PING of every Redis endpoint. Prints
   * {@code configuration OK} and returns 0, or prints every problem and returns 2. Every stage runs
   * on what the stages before it could read, so one run reports every problem it can find; a stage
   * is skipped only for a section already known to be wrong (the keys are not parsed again when
   * {@code mediaTokens} has a problem, Redis is not pinged when {@code redis} has one).
   */
  static int run(
      List<Path> files,
      Map<String, String> env,
      boolean devFlag,
      boolean checkRedis,
      PrintStream out,
      PrintStream err) {
    DevEnvironment dev = new DevEnvironment();
    try {
      Loaded loaded = read(files, env, dev, devFlag);
      GatewayConfig config = loaded.config();
      List<String> problems = new ArrayList<>(loaded.problems());
      if (problems.isEmpty())
        for (String warning : config.warnings()) err.println("warning: " + warning);
      // The media-token and statement keys, parsed as start-up parses them (the configuration only
      // reads them).
      if (config != null
          && !config.mediaTokens().keys().isEmpty()
          && none(problems, "mediaTokens")) {
        try {
          Gateway.mediaTokenKeys(config);
        } catch (ConfigException e) {
          problems.addAll(e.problems());
        }
      }
      if (config != null && none(problems, "dcr")) {
        try {
          Gateway.statementKeys(config);
        } catch (ConfigException e) {
          problems.addAll(e.problems());
        }
      }
      // The OTEL_* variables, read as start-up reads them (the SDK is built, then stopped).
      if (config != null && none(problems, "tracing")) {
        try {
          Tracing tracing = Tracing.start(config.tracing(), env);
          if (tracing != null) tracing.close(1000);
        } catch (ConfigException e) {
          problems.addAll(e.problems());
        }
      }
      if (checkRedis && config != null && none(problems, "redis")) {
        problems.addAll(pingRedis(config));
      }
      if (!problems.isEmpty()) {
        print(err, problems);
        return INVALID;
      }
      out.println("configuration OK (" + config.summary() + ")");
      return OK;
    } finally {
      dev.stop();
    }
  }

  /**
   * One PING per endpoint, each bounded by a few command timeouts so an unreachable host cannot
   * hang the check.
   */
  private static List<String> pingRedis(GatewayConfig config) {
    Vertx vertx = Vertx.vertx();
    List<String> problems = new ArrayList<>();
    try {
      List<String> endpoints = config.redis().endpoints();
      // At least 10 s: the first TLS handshake of a fresh JVM (loading and initialising its
      // security providers) alone can take seconds on a busy machine.
      long bound = Math.max(10_000, 3 * config.redis().commandTimeout().toMillis());
      for (int i = 0; i < endpoints.size(); i++) {
        Redis redis = RedisFactory.create(vertx, config.redis(), List.of(endpoints.get(i)), 1);
        Future<?> ping =
            redis
                .send(Request.cmd(Command.PING))
                .timeout(bound, TimeUnit.MILLISECONDS)
                .eventually(redis::close);
        try {
          ping.toCompletionStage().toCompletableFuture().get(bound + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          problems.add(
              "redis.endpoints["
                  + i
                  + "]: Redis did not answer PING: "
                  + RedisFailures.describe(cause, config.redis()));
        }
      }
    } finally {
      vertx.close();
    }
    return problems;
  }

  /**
   * A start-up failure in words that name the setting: the server's bind errors carry only the
   * operating system's text ("Address already in use", "Failed to resolve '999.1.1.1'").
   */
  static String startupFailure(Throwable failure, GatewayConfig config) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return "server.port "
            + config.server().port()
            + " on server.host "
            + config.server().host()
            + ": cannot listen ("
            + t.getMessage()
            + "); another process probably holds the port";
      }
      if (t instanceof UnknownHostException
          || (t.getMessage() != null && t.getMessage().startsWith("Failed to resolve"))) {
        return "server.host '"
            + config.server().host()
            + "': cannot be resolved to an address to listen on";
      }
    }
    return failure.getMessage();
  }
}
