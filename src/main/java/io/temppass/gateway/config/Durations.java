package io.temppass.gateway.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 250ms}, {@code 30s}, {@code 10m}, {@code 4h}, {@code
 * 1d}, or ISO-8601 ({@code PT10M}). A unit is required: a bare {@code 10} could mean milliseconds,
 * seconds or minutes, and reading it as 10 ms silently turned a three-minute pass into nothing.
 * Only {@code 0} may be written without one. Negatives are refused in every spelling ({@code -3m},
 * {@code -180000}, {@code PT-3M}), and nothing may exceed {@link #MAX}, so no setting overflows a
 * long of milliseconds or nanoseconds later on.
 */
public final class Durations {
  /**
   * The longest duration any setting accepts; settings with a tighter bound check it themselves.
   */
  public static final Duration MAX = Duration.ofDays(400);

  private static final String EXPECTED =
      "must be a duration with a unit such as 250ms, 30s, 10m, 4h, 1d or PT10M";
  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  private Durations() {}

  public static Duration parse(Object value) {
    if (value instanceof Number n) {
      if (n.doubleValue() == 0) return Duration.ZERO;
      if (n.doubleValue() < 0) throw new IllegalArgumentException("must not be negative, got " + n);
      throw new IllegalArgumentException(EXPECTED + ", got " + n + " without a unit");
    }
    String s = String.valueOf(value).trim();
    if (s.matches("0+")) return Duration.ZERO;
    if (s.contains("-")) {
      throw new IllegalArgumentException("must not be negative, got '" + s + "'");
    }
    if (s.matches("\\d+(\\.\\d+)?"))
      throw new IllegalArgumentException(EXPECTED + ", got " + s + " without a unit");
    Duration d;
    Matcher m = SHORT.matcher(s);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else {
      try {
        d = Duration.parse(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(EXPECTED + ", got '" + s + "'");
      }
    }
    if (d.isNegative()) throw new IllegalArgumentException("must not be negative, got '" + s + "'");
    if (d.compareTo(MAX) > 0)
      throw new IllegalArgumentException("must be at most 400d, got '" + s + "'");
    return d;
  }
}
