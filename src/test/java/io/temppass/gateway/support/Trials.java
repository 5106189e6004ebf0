package io.temppass.gateway.support;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a promotional trial is laid out in Redis, for tests that compare what responses granted with
 * what Redis holds: the one place to change when the layout changes. Today a trial is a hash under
 * {@code <prefix>:p:{<integration>:<generation>:i:<identityHash>}} whose field {@code ""} is the
 * start time and whose other fields are the granted resources, each by its fixed-size digest
 * ({@code ResourceDigest}; the value is a short prefix of the id for profiles).
 */
public final class Trials {
  private Trials() {}

  /** A SCAN pattern for every promotional trial key under {@code keyPrefix}. */
  public static String keyPattern(String keyPrefix) {
    return keyPrefix + ":p:*:i:*";
  }

  /**
   * Whether {@code key} is a promotional trial key under {@code keyPrefix} (see {@link
   * #keyPattern}).
   */
  public static boolean isTrialKey(String keyPrefix, String key) {
    return key.startsWith(keyPrefix + ":p:") && key.contains(":i:");
  }

  /** The hash field that records {@code resource} as granted. */
  public static String field(String resource) {
    return io.temppass.gateway.redis.ResourceDigest.of(resource);
  }

  /** The fields of {@code granted} resources, for comparison with {@link #grantFields}. */
  public static Set<String> fields(Collection<String> granted) {
    Set<String> out = new TreeSet<>();
    for (String r : granted) out.add(field(r));
    return out;
  }

  /** The grant fields among a trial hash's fields (HKEYS): all but the start time. */
  public static Set<String> grantFields(Collection<?> hkeys) {
    Set<String> out = new TreeSet<>();
    for (Object f : hkeys) if (!String.valueOf(f).isEmpty()) out.add(String.valueOf(f));
    return out;
  }
}
