package io.temppass.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in a configuration, {@code path: problem}, in the order found, so that
 * {@code --check-config} lists them all at once. One wrong value gives one line: a problem is not
 * recorded when the setting, a part of it or a section around it already has one (a key file that
 * cannot be read is not also "a required key is missing").
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

  void range(String path, long value, long min, long max) {
    check(value >= min && value <= max, path, "must be between " + min + " and " + max + ", got " + value);
  }

  void positive(String path, Duration value) {
    check(value == null || !(value.isZero() || value.isNegative()), path, "must be positive");
  }

  /** A problem that a shared check (a key file's content, say) reported as an exception. */
  void add(ConfigException e) {
    for (String line : e.problems()) add(line.substring(0, line.indexOf(": ")), line.substring(line.indexOf(": ") + 2));
  }

  void throwIfAny() {
    if (!lines.isEmpty()) throw ConfigException.of(lines);
  }

  private static boolean within(String path, String outer) {
    return path.equals(outer) || outer.isEmpty() || path.startsWith(outer) && ".[".indexOf(path.charAt(outer.length())) >= 0;
  }
}
