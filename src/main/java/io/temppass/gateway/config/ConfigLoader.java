package io.temppass.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a YAML configuration file and applies environment overrides.
 *
 * <p>An override is {@code TEMPPASS_} followed by the setting's path, segments separated by a
 * double underscore; a segment matches a key ignoring case and single underscores, and list items
 * are addressed by index: {@code TEMPPASS_REDIS__POOL_SIZE=64}, {@code
 * TEMPPASS_IDENTITY__HASH_SECRET=…}, {@code TEMPPASS_INTEGRATIONS__0__TTL=10m}. Values that look
 * like JSON (numbers, booleans, lists, objects) are read as JSON, everything else as a string.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "TEMPPASS_";

  /**
   * Variables of the process itself, not settings: which file to read and how to log. They share
   * the prefix for the operator's convenience, so the settings namespace must leave them out.
   */
  public static final Set<String> PROCESS_VARIABLES =
      Set.of("TEMPPASS_CONFIG", "TEMPPASS_LOG_FORMAT");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private ConfigLoader() {}

  public static GatewayConfig load(List<Path> files, Map<String, String> env) {
    return GatewayConfig.from(tree(files, env), GatewayConfig::readFile);
  }

  /**
   * The raw tree: the files in order, each later one merged over the earlier (objects merge key by
   * key, lists and plain values replace), then the environment overrides.
   */
  public static JsonObject tree(List<Path> files, Map<String, String> env) {
    return tree(files, env, new HashMap<>());
  }

  /**
   * As {@link #tree(List, Map)}, and fills {@code overrides} with the path of every setting an
   * environment variable set, mapped to that variable, so that a problem can name where the value
   * came from.
   */
  public static JsonObject tree(
      List<Path> files, Map<String, String> env, Map<String, String> overrides) {
    List<String> problems = new ArrayList<>();
    JsonObject tree = tree(files, env, overrides, problems);
    if (!problems.isEmpty()) throw ConfigException.of(problems);
    return tree;
  }

  /**
   * As {@link #tree(List, Map, Map)}, but a problem does not stop the reading: it is added to
   * {@code problems} and the rest is read all the same (a file with a duplicate key is still read,
   * keeping the second value as YAML does; a variable that cannot be applied is skipped), so that
   * {@code --check-config} can go on to bind and check everything else and report it in the same
   * run.
   */
  public static JsonObject tree(
      List<Path> files,
      Map<String, String> env,
      Map<String, String> overrides,
      List<String> problems) {
    JsonObject tree = new JsonObject();
    for (Path file : files) {
      try {
        tree.mergeIn(read(file, problems), true);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    overrides.putAll(applyEnvironment(tree, env, problems));
    return tree;
  }

  private static JsonObject read(Path file, List<String> problems) {
    if (Files.isDirectory(file))
      throw new ConfigException(
          file.toString(), "is a directory; --config and TEMPPASS_CONFIG name a YAML file");
    if (!Files.isRegularFile(file))
      throw new ConfigException(file.toString(), "configuration file not found");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(
          file.toString(),
          "cannot be read: "
              + (e instanceof java.nio.file.AccessDeniedException
                  ? "permission denied"
                  : e.getClass().getSimpleName()));
    }
    try {
      problems.addAll(duplicateKeys(file, bytes));
      JsonNode parsed = YAML.readTree(bytes);
      // An empty file (or one of comments only) is a mistake, not a wish for every default: a
      // ConfigMap mounted from the wrong key, a secret not rendered.
      if (parsed.isMissingNode() || parsed.isNull())
        throw new ConfigException(
            file.toString(), "is empty: a configuration file holds a YAML mapping of settings");
      if (!parsed.isObject())
        throw new ConfigException(file.toString(), "must be a YAML mapping of settings");
      return new JsonObject(YAML.convertValue(parsed, MAP));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "is not valid YAML: " + yamlProblem(e));
    }
  }

  /**
   * Every key given twice in one mapping, at any level, with both lines. A YAML parser keeps the
   * last one silently, so a second {@code server:} block used to replace the first whole (default
   * port, host and timeouts). Hand-written because Jackson's own check ({@code
   * STRICT_DUPLICATE_DETECTION}) stops at the first duplicate and names only the second line
   * ({@code Duplicate field 'server'} at line 40), while the operator is owed every duplicate and
   * both of its lines.
   */
  private static List<String> duplicateKeys(Path file, byte[] bytes) throws IOException {
    List<String> out = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(bytes)) {
      if (parser.nextToken() != null) duplicateKeys(parser, "", file, out);
    }
    return out;
  }

  private static void duplicateKeys(JsonParser parser, String path, Path file, List<String> out)
      throws IOException {
    if (parser.currentToken() == JsonToken.START_OBJECT) {
      Map<String, JsonLocation> seen = new HashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonLocation here = parser.currentTokenLocation();
        String keyPath = path.isEmpty() ? key : path + "." + key;
        JsonLocation first = seen.putIfAbsent(key, here);
        if (first != null) {
          String where =
              first.getLineNr() != here.getLineNr()
                  ? "lines " + first.getLineNr() + " and " + here.getLineNr()
                  : "line "
                      + here.getLineNr()
                      + ", columns "
                      + first.getColumnNr()
                      + " and "
                      + here.getColumnNr();
          out.add(
              keyPath
                  + ": duplicate key in "
                  + file
                  + ", "
                  + where
                  + " (YAML would keep only the second, silently): merge them into one");
        }
        parser.nextToken();
        duplicateKeys(parser, keyPath, file, out);
      }
    } else if (parser.currentToken() == JsonToken.START_ARRAY) {
      int index = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY)
        duplicateKeys(parser, path + "[" + index++ + "]", file, out);
    }
  }

  /** The parser's own problem with its line and column, without the Java exception around it. */
  private static String yamlProblem(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException y
          && y.getProblemMark() != null) {
        return "line "
            + (y.getProblemMark().getLine() + 1)
            + ", column "
            + (y.getProblemMark().getColumn() + 1)
            + ": "
            + y.getProblem();
      }
    }
    if (e instanceof JsonProcessingException j && j.getLocation() != null) {
      return "line "
          + j.getLocation().getLineNr()
          + ", column "
          + j.getLocation().getColumnNr()
          + ": "
          + firstLine(j.getOriginalMessage());
    }
    return firstLine(e.getMessage());
  }

  /**
   * Applies the overrides; returns each overridden setting's path with the variable that set it.
   */
  static Map<String, String> applyEnvironment(JsonObject tree, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<String, String> overridden = applyEnvironment(tree, env, problems);
    if (!problems.isEmpty()) throw ConfigException.of(problems);
    return overridden;
  }

  /** As above, each variable that cannot be applied added to {@code problems} and skipped. */
  static Map<String, String> applyEnvironment(
      JsonObject tree, Map<String, String> env, List<String> problems) {
    Map<String, String> overridden = new HashMap<>();
    // Sorted so that the outcome never depends on the environment's iteration order.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX) || PROCESS_VARIABLES.contains(e.getKey())) continue;
      String[] segments = e.getKey().substring(ENV_PREFIX.length()).split("__");
      try {
        overridden.put(set(tree, segments, parseValue(e.getValue()), e.getKey()), e.getKey());
      } catch (ConfigException refused) {
        // This variable is left out; the others still apply.
        problems.addAll(refused.problems());
      }
    }
    return overridden;
  }

  /**
   * The problem, followed by the variable that set the setting it names when one did: {@code
   * redis.poolSize: must be an integer, got 'many' (set by TEMPPASS_REDIS__POOL_SIZE)}.
   */
  public static String withOrigin(String problem, Map<String, String> overrides) {
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      String path = o.getKey();
      if (problem.startsWith(path)
          && problem.length() > path.length()
          && ":.[".indexOf(problem.charAt(path.length())) >= 0) {
        return problem + " (set by " + o.getValue() + ")";
      }
    }
    return problem;
  }

  private static String set(JsonObject root, String[] segments, Object value, String variable) {
    Object node = root;
    String path = "";
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      String segment = segments[i];
      if (segment.isEmpty())
        throw new ConfigException(
            variable, "has an empty level: levels are separated by exactly two underscores");
      if (node instanceof JsonObject obj) {
        String key = matchKey(obj, segment);
        path = path.isEmpty() ? key : path + "." + key;
        if (last) {
          obj.put(key, value);
          return path;
        }
        Object next = obj.getValue(key);
        if (next == null) {
          next = segments[i + 1].matches("\\d+") ? new JsonArray() : new JsonObject();
          obj.put(key, next);
        }
        node = next;
      } else if (node instanceof JsonArray arr) {
        if (!segment.matches("\\d{1,4}"))
          throw new ConfigException(
              variable, "'" + segment + "' must be a list index: " + path + " is a list");
        int index = Integer.parseInt(segment);
        if (index >= arr.size()) {
          // Growing the list would create an item from this one setting, which then fails for some
          // other reason ("serviceProvider is required") that names neither the variable nor the
          // cause.
          throw new ConfigException(
              variable,
              path
                  + " has "
                  + arr.size()
                  + (arr.size() == 1 ? " item" : " items")
                  + (arr.isEmpty() ? "" : " (indexes 0 to " + (arr.size() - 1) + ")")
                  + ", so there is no item "
                  + index
                  + ": a variable can change an item, not add one (add it to the file, or set the whole list as JSON)");
        }
        path = path + "[" + index + "]";
        if (last) {
          arr.set(index, value);
          return path;
        }
        node = arr.getValue(index);
      } else {
        throw new ConfigException(variable, "'" + segment + "' is below a plain value");
      }
    }
    return path;
  }

  /**
   * The existing key that the segment names, or the segment turned into camelCase for a new key.
   */
  private static String matchKey(JsonObject obj, String segment) {
    String wanted = segment.replace("_", "").toLowerCase(Locale.ROOT);
    for (String key : obj.fieldNames()) {
      if (key.replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)) return key;
    }
    StringBuilder camel = new StringBuilder();
    boolean upper = false;
    for (char c : segment.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        camel.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return camel.toString();
  }

  private static Object parseValue(String raw) {
    String s = raw.trim();
    if (s.equals("true")
        || s.equals("false")
        || s.matches("-?\\d+(\\.\\d+)?")
        || s.startsWith("[")
        || s.startsWith("{")) {
      try {
        return Json.decodeValue(s);
      } catch (DecodeException ignored) {
        return raw;
      }
    }
    return raw;
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
