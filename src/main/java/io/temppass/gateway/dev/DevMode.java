package io.temppass.gateway.dev;

import io.temppass.gateway.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --dev} means for the process, and the one way into development behaviour. {@code
 * mode: development} starts an embedded Redis, generates keys and points every TV-provider sign-in
 * at a reference MVPD (see {@link DevEnvironment}); written on a production file by mistake (or set
 * by {@code TEMPPASS_MODE}), it would do all of that with exit status 0. So the setting is honoured
 * only together with the flag a person types at a terminal, and refused otherwise before anything
 * is started.
 */
public final class DevMode {
  /** {@code --dev} is short for these files, in this order. */
  public static final List<Path> FILES =
      List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml"));

  /** Logs for a person at a terminal; {@code TEMPPASS_LOG_FORMAT=json} still applies. */
  public static final String LOG_FORMAT = "text";

  private DevMode() {}

  /**
   * The refusal of {@code mode: development} in a start without {@code --dev}, naming the setting
   * and the file that set it, or null when the configuration does not ask for development mode.
   * {@code tree} is the configuration as far as it could be read (a duplicate key or a variable
   * that cannot be applied does not hide the mode), and {@code overrides} the settings variables
   * set: when {@code TEMPPASS_MODE} set it, the caller names the variable as for any setting.
   */
  public static String refusal(List<Path> files, JsonObject tree, Map<String, String> overrides) {
    if (!isDevelopment(tree)) return null;
    String problem =
        "mode: development is refused without --dev: it starts an embedded Redis, generates keys and"
            + " sends every TV-provider sign-in to a reference MVPD. Run java -jar"
            + " temppass-gateway.jar --dev on a developer's machine; a production configuration"
            + " says mode: production";
    return overrides.containsKey("mode")
        ? problem
        : problem + " (set in " + fileSetting(files) + ")";
  }

  /** Whether a raw configuration tree asks for development mode, read as the binder reads it. */
  static boolean isDevelopment(JsonObject tree) {
    return "development".equalsIgnoreCase(String.valueOf(tree.getValue("mode")));
  }

  /** The last file that sets {@code mode: development}: the one that decides the merged value. */
  private static Path fileSetting(List<Path> files) {
    Path last = files.get(files.size() - 1);
    for (Path file : files) {
      // Read as the configuration was: a file's own problems are reported with the others.
      JsonObject tree =
          ConfigLoader.tree(List.of(file), Map.of(), new HashMap<>(), new ArrayList<>());
      if (isDevelopment(tree)) last = file;
    }
    return last;
  }
}
