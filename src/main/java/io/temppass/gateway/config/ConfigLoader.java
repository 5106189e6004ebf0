package io.temppass.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a YAML configuration file and applies environment overrides.
 *
 * <p>An override is {@code TEMPPASS_} followed by the setting's path, segments separated by a double
 * underscore; a segment matches a key ignoring case and single underscores, and list items are
 * addressed by index: {@code TEMPPASS_REDIS__POOL_SIZE=64}, {@code TEMPPASS_IDENTITY__HASH_SECRET=…},
 * {@code TEMPPASS_INTEGRATIONS__0__TTL=10m}. Values that look like JSON (numbers, booleans, lists,
 * objects) are read as JSON, everything else as a string.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "TEMPPASS_";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  public static GatewayConfig load(List<Path> files, Map<String, String> env) {
    return GatewayConfig.from(tree(files, env), GatewayConfig::readFile);
  }

  /**
   * The raw tree: the files in order, each later one merged over the earlier (objects merge key by
   * key, lists and plain values replace), then the environment overrides.
   */
  public static JsonObject tree(List<Path> files, Map<String, String> env) {
    JsonObject tree = new JsonObject();
    for (Path file : files) merge(tree, read(file));
    applyEnvironment(tree, env);
    return tree;
  }

  private static JsonObject read(Path file) {
    try {
      Object parsed = YAML.readValue(Files.readAllBytes(file), Object.class);
      if (parsed != null && !(parsed instanceof Map)) throw new ConfigException(file.toString(), "must be a YAML mapping");
      return parsed == null ? new JsonObject() : new JsonObject(Json.CODEC.toString(parsed));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot be read as YAML: " + firstLine(e.getMessage()));
    }
  }

  private static void merge(JsonObject into, JsonObject from) {
    for (String key : from.fieldNames()) {
      Object value = from.getValue(key);
      if (value instanceof JsonObject obj && into.getValue(key) instanceof JsonObject existing) {
        merge(existing, obj);
      } else {
        into.put(key, value);
      }
    }
  }

  static void applyEnvironment(JsonObject tree, Map<String, String> env) {
    // Sorted so that the outcome never depends on the environment's iteration order.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX) || e.getKey().equals("TEMPPASS_CONFIG")) continue;
      String[] segments = e.getKey().substring(ENV_PREFIX.length()).split("__");
      set(tree, segments, parseValue(e.getValue()), e.getKey());
    }
  }

  private static void set(JsonObject root, String[] segments, Object value, String variable) {
    Object node = root;
    for (int i = 0; i < segments.length; i++) {
      boolean last = i == segments.length - 1;
      String segment = segments[i];
      if (node instanceof JsonObject obj) {
        String key = matchKey(obj, segment);
        if (last) {
          obj.put(key, value);
          return;
        }
        Object next = obj.getValue(key);
        if (next == null) {
          next = segments[i + 1].matches("\\d+") ? new JsonArray() : new JsonObject();
          obj.put(key, next);
        }
        node = next;
      } else if (node instanceof JsonArray arr) {
        if (!segment.matches("\\d{1,4}")) throw new ConfigException(variable, "'" + segment + "' must be a list index");
        int index = Integer.parseInt(segment);
        while (arr.size() <= index) arr.add(new JsonObject());
        if (last) {
          arr.set(index, value);
          return;
        }
        node = arr.getValue(index);
      } else {
        throw new ConfigException(variable, "'" + segment + "' is below a plain value");
      }
    }
  }

  /** The existing key that the segment names, or the segment turned into camelCase for a new key. */
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
    if (s.equals("true") || s.equals("false") || s.matches("-?\\d+(\\.\\d+)?") || s.startsWith("[") || s.startsWith("{")) {
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
