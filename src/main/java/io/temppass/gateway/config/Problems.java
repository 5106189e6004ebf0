package io.temppass.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in a configuration, {@code path: problem}, in the order found, so that {@code
 * --check-config} lists them all at once. One wrong value gives one line: a problem is not recorded
 * when the setting, a part of it or a section around it already has one (a key file that cannot be
 * read is not also "a required key is missing").
 */
final class Problems {
  private final List<String> lines = new ArrayList<>();

  void add(String path, String problem) {
    for (String line : lines) {
      String known = line.substring(0, line.indexOf(": "));
      if (within(known, path) || within(path, known)) return;
    }
    lines.add(path + ": " + problem);
  }

  /** Records the problem when {@code ok} is false; returns {@code ok}. */
  boolean check(boolean ok, String path, String problem) {
    if (!ok) add(path, problem);
    return ok;
  }

  /** A whole-number setting's bounds, checked by {@link #declared}. */
  @Retention(RetentionPolicy.RUNTIME)
  @interface Range {
    long min();

    long max();
  }

  /** A duration setting that must be more than zero (when set), checked by {@link #declared}. */
  @Retention(RetentionPolicy.RUNTIME)
  @interface Positive {}

  /**
   * The checks declared on the components of a bound record and of every record and list below it:
   * {@link Range}, {@link Positive}, and no empty list item ({@code -} alone in YAML, or an item
   * that could not be bound), so that no list of a loaded configuration holds a null.
   */
  void declared(Object value, String path) {
    if (value instanceof Record r) {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        JsonProperty name = c.getAnnotation(JsonProperty.class);
        String at =
            (path.isEmpty() ? "" : path + ".") + (name == null ? c.getName() : name.value());
        Object v;
        try {
          v = c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
        Range range = c.getAnnotation(Range.class);
        if (range != null && v instanceof Number n) {
          check(
              n.longValue() >= range.min() && n.longValue() <= range.max(),
              at,
              "must be between " + range.min() + " and " + range.max() + ", got " + n);
        }
        if (c.isAnnotationPresent(Positive.class) && v instanceof Duration d)
          check(!(d.isZero() || d.isNegative()), at, "must be positive");
        declared(v, at);
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) == null) add(path + "[" + i + "]", "must not be empty");
        declared(list.get(i), path + "[" + i + "]");
      }
    }
  }

  /** A problem that a shared check (a key file's content, say) reported as an exception. */
  void add(ConfigException e) {
    for (String line : e.problems())
      add(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2));
  }

  /** Every problem recorded, in order. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  private static boolean within(String path, String outer) {
    return path.equals(outer)
        || outer.isEmpty()
        || path.startsWith(outer) && ".[".indexOf(path.charAt(outer.length())) >= 0;
  }
}
