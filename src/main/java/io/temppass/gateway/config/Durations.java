package io.temppass.gateway.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 250ms}, {@code 30s}, {@code 10m}, {@code 4h}, {@code 1d}, ISO-8601, or a number of milliseconds. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(Object value) {
    if (value instanceof Number n) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) throw new IllegalArgumentException("must be whole milliseconds");
      return Duration.ofMillis(n.longValue());
    }
    String s = String.valueOf(value).trim();
    if (s.matches("-?\\d{1,15}")) return Duration.ofMillis(Long.parseLong(s));
    Matcher m = SHORT.matcher(s);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("must be a duration such as 250ms, 30s, 10m, 4h, 1d or PT10M, got '" + s + "'");
    }
  }
}
