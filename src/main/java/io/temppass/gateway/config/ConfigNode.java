package io.temppass.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A typed, strict view of one object of the configuration tree. Every read names the setting's full
 * path in its error, and {@link #finish()} rejects keys nobody read, so a typo in {@code conf/} or in
 * an environment variable fails start-up instead of being silently ignored.
 */
final class ConfigNode {
  private final String path;
  private final JsonObject json;
  private final Set<String> read = new HashSet<>();

  ConfigNode(String path, JsonObject json) {
    this.path = path;
    this.json = json == null ? new JsonObject() : json;
  }

  String path(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return json.getValue(key) != null;
  }

  private Object raw(String key) {
    read.add(key);
    return json.getValue(key);
  }

  String string(String key, String defaultValue) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    if (v instanceof String s) return s;
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    throw new ConfigException(path(key), "must be a string");
  }

  String requiredString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) throw new ConfigException(path(key), "is required");
    return v;
  }

  int integer(String key, int defaultValue, int min, int max) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    long n;
    if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      n = num.longValue();
    } else if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      n = Long.parseLong(s.trim());
    } else {
      throw new ConfigException(path(key), "must be an integer, got '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(path(key), "must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  double decimal(String key, double defaultValue, double min, double max) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    double d;
    if (v instanceof Number num) {
      d = num.doubleValue();
    } else {
      try {
        d = Double.parseDouble(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(path(key), "must be a number, got '" + v + "'");
      }
    }
    if (!(d >= min && d <= max)) throw new ConfigException(path(key), "must be between " + min + " and " + max + ", got " + d);
    return d;
  }

  /** A map of names to string lists, e.g. client ids to the service providers they may call. */
  java.util.Map<String, List<String>> stringListMap(String key) {
    Object v = raw(key);
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    if (v == null) return out;
    if (v instanceof String s) {
      try {
        v = new JsonObject(s);
      } catch (RuntimeException e) {
        throw new ConfigException(path(key), "must be a JSON object of lists");
      }
    }
    if (!(v instanceof JsonObject obj)) throw new ConfigException(path(key), "must be a mapping of names to lists");
    ConfigNode node = new ConfigNode(path(key), obj);
    for (String name : obj.fieldNames()) out.put(name, List.copyOf(node.strings(name)));
    return out;
  }

  boolean bool(String key, boolean defaultValue) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(path(key), "must be true or false, got '" + v + "'");
  }

  /** A duration, or null when absent; see {@link Durations#parse}. */
  Duration duration(String key, Duration defaultValue) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path(key), e.getMessage());
    }
  }

  Duration positiveDuration(String key, Duration defaultValue) {
    Duration d = duration(key, defaultValue);
    if (d != null && (d.isZero() || d.isNegative())) {
      throw new ConfigException(path(key), "must be positive");
    }
    return d;
  }

  <E extends Enum<E>> E enumValue(String key, E defaultValue, Function<String, E> parser, String allowed) {
    String v = string(key, null);
    if (v == null) return defaultValue;
    try {
      return parser.apply(v.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(path(key), "must be one of " + allowed + ", got '" + v + "'");
    }
  }

  List<String> strings(String key) {
    Object v = raw(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (v instanceof String s) {
      // From an environment variable: a comma-separated list.
      for (String part : s.split(",")) if (!part.isBlank()) out.add(part.trim());
      return out;
    }
    if (!(v instanceof JsonArray array)) throw new ConfigException(path(key), "must be a list");
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof String s)) throw new ConfigException(path(key) + "[" + i + "]", "must be a string");
      out.add(s);
    }
    return out;
  }

  ConfigNode child(String key) {
    Object v = raw(key);
    if (v != null && !(v instanceof JsonObject)) throw new ConfigException(path(key), "must be an object");
    return new ConfigNode(path(key), (JsonObject) v);
  }

  List<ConfigNode> children(String key) {
    Object v = raw(key);
    List<ConfigNode> out = new ArrayList<>();
    if (v == null) return out;
    if (!(v instanceof JsonArray array)) throw new ConfigException(path(key), "must be a list");
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject o)) throw new ConfigException(path(key) + "[" + i + "]", "must be an object");
      out.add(new ConfigNode(path(key) + "[" + i + "]", o));
    }
    return out;
  }

  /** Fails on any key that no reader asked for: most often a misspelt setting. */
  void finish() {
    for (String key : json.fieldNames()) {
      if (!read.contains(key)) throw new ConfigException(path(key), "unknown setting");
    }
  }
}
