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
 *
 * <p>Problems are collected, not thrown one at a time, so that {@code --check-config} can list every
 * wrong setting at once: a malformed optional value is recorded and its default used for the rest of
 * the checks, and a {@link #section} stops at its first thrown problem while the next section still runs.
 * {@link #throwIfProblems()} then fails with all of them.
 */
final class ConfigNode {
  private final String path;
  private final JsonObject json;
  private final Set<String> read = new HashSet<>();
  private final List<String> problems;

  ConfigNode(String path, JsonObject json) {
    this(path, json, new ArrayList<>());
  }

  private ConfigNode(String path, JsonObject json, List<String> problems) {
    this.path = path;
    this.json = json == null ? new JsonObject() : json;
    this.problems = problems;
  }

  /** Runs one independent part of the configuration; its first problem is recorded and null returned. */
  <T> T section(java.util.function.Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return null;
    }
  }

  /** Records a problem and carries on, for checks whose failure leaves the rest readable. */
  void report(String setting, String problem) {
    problems.add(setting + ": " + problem);
  }

  void throwIfProblems() {
    if (!problems.isEmpty()) throw ConfigException.of(problems);
  }

  /** A malformed optional value: recorded, and the default stands in so the remaining checks still run. */
  private <T> T orDefault(java.util.function.Supplier<T> reader, T defaultValue) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      problems.addAll(e.problems());
      return defaultValue;
    }
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
    return orDefault(() -> strictInteger(key, defaultValue, min, max), defaultValue);
  }

  private int strictInteger(String key, int defaultValue, int min, int max) {
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
    return orDefault(() -> strictDecimal(key, defaultValue, min, max), defaultValue);
  }

  private double strictDecimal(String key, double defaultValue, double min, double max) {
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
    ConfigNode node = new ConfigNode(path(key), obj, problems);
    for (String name : obj.fieldNames()) out.put(name, List.copyOf(node.strings(name)));
    return out;
  }

  boolean bool(String key, boolean defaultValue) {
    return orDefault(() -> strictBool(key, defaultValue), defaultValue);
  }

  private boolean strictBool(String key, boolean defaultValue) {
    Object v = raw(key);
    if (v == null) return defaultValue;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(path(key), "must be true or false, got '" + v + "'");
  }

  /** A duration, or the default when absent or malformed (then recorded); see {@link Durations#parse}. */
  Duration duration(String key, Duration defaultValue) {
    return orDefault(() -> strictDuration(key, defaultValue), defaultValue);
  }

  private Duration strictDuration(String key, Duration defaultValue) {
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
      report(path(key), "must be positive");
      return defaultValue;
    }
    return d;
  }

  <E extends Enum<E>> E enumValue(String key, E defaultValue, Function<String, E> parser, String allowed) {
    return orDefault(() -> strictEnum(key, defaultValue, parser, allowed), defaultValue);
  }

  private <E extends Enum<E>> E strictEnum(String key, E defaultValue, Function<String, E> parser, String allowed) {
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
    return new ConfigNode(path(key), (JsonObject) v, problems);
  }

  List<ConfigNode> children(String key) {
    Object v = raw(key);
    List<ConfigNode> out = new ArrayList<>();
    if (v == null) return out;
    if (!(v instanceof JsonArray array)) throw new ConfigException(path(key), "must be a list");
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject o)) throw new ConfigException(path(key) + "[" + i + "]", "must be an object");
      out.add(new ConfigNode(path(key) + "[" + i + "]", o, problems));
    }
    return out;
  }

  /** Records every key that no reader asked for (most often a misspelt setting), with the nearest valid name. */
  void finish() {
    for (String key : json.fieldNames()) {
      if (read.contains(key)) continue;
      String nearest = nearest(key, read);
      report(path(key), "unknown setting" + (nearest == null ? "" : "; did you mean " + nearest + "?"));
    }
  }

  /** The known name closest to a misspelt one (edit distance, ignoring case), or null when none is close. */
  static String nearest(String wrong, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = wrong.toLowerCase(java.util.Locale.ROOT);
    for (String k : known) {
      int d = distance(w, k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    // A suggestion further than about a third of the name away would be a guess, not a correction.
    return best != null && bestDistance <= Math.max(2, wrong.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
