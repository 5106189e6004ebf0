package io.temppass.gateway.config;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps Redis passwords out of every text the gateway prints: configuration problems, log lines,
 * {@code --check-config} output. A password can be written in an endpoint URL ({@code
 * rediss://user:pw@host}, or {@code ?password=pw}) or in {@code redis.password}; a URL is shown as
 * {@code rediss://user:***@host}, and the configured passwords are replaced wherever else a library
 * message might repeat them.
 */
public final class RedisSecrets {
  static final String MASK = "***";

  /** {@code scheme://user:} then the password up to the {@code @} before the host. */
  private static final Pattern USERINFO_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*:)[^\\s@]*@");

  private static final Pattern QUERY_PASSWORD = Pattern.compile("([?&]password=)[^&\\s]*");

  /**
   * A password shorter than this is not searched for as plain text (replacing every "a" of a
   * message would make it unreadable); it is still masked inside URLs.
   */
  private static final int SHORTEST_SEARCHED = 4;

  private RedisSecrets() {}

  /** The text with the password of every Redis URL in it replaced by {@code ***}. */
  public static String masked(String text) {
    if (text == null) return null;
    String out = USERINFO_PASSWORD.matcher(text).replaceAll(m -> escaped(m.group(1)) + MASK + "@");
    return QUERY_PASSWORD.matcher(out).replaceAll(m -> escaped(m.group(1)) + MASK);
  }

  /**
   * One endpoint as written, for a message about it: everything between {@code scheme://user:} and
   * the last {@code @} masked, also when the URL does not parse (a space or a stray {@code @} in a
   * password is what often makes it fail to parse).
   */
  public static String maskedUrl(String endpoint) {
    int scheme = endpoint.indexOf("://");
    int at = endpoint.lastIndexOf('@');
    if (scheme < 0 || at < scheme) return masked(endpoint);
    int colon = endpoint.indexOf(':', scheme + 3);
    String out =
        colon < 0 || colon > at
            ? endpoint
            : endpoint.substring(0, colon + 1) + MASK + endpoint.substring(at);
    return masked(out);
  }

  /**
   * As {@link #masked(String)}, and every password of these settings ({@code redis.password}, the
   * endpoints' URL passwords) replaced wherever it appears.
   */
  public static String masked(String text, RedisSettings redis) {
    String out = masked(text);
    if (out == null || redis == null) return out;
    for (String secret : passwords(redis)) {
      if (secret.length() >= SHORTEST_SEARCHED) out = out.replace(secret, MASK);
    }
    return out;
  }

  /** Whether the endpoint URL carries a password (in its user info or its query). */
  static boolean hasPassword(String endpoint) {
    return endpoint != null && !urlPasswords(endpoint).isEmpty();
  }

  private static List<String> passwords(RedisSettings redis) {
    List<String> out = new ArrayList<>();
    if (redis.password() != null) out.add(redis.password());
    for (String endpoint : redis.endpoints())
      if (endpoint != null) out.addAll(urlPasswords(endpoint));
    return out;
  }

  /** The password of a URL as written and as decoded; none when the URL does not parse. */
  private static List<String> urlPasswords(String endpoint) {
    List<String> out = new ArrayList<>();
    URI uri;
    try {
      uri = new URI(endpoint.strip());
    } catch (URISyntaxException e) {
      return out;
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.indexOf(':') >= 0)
      addBothForms(out, userInfo.substring(userInfo.indexOf(':') + 1));
    Matcher query =
        QUERY_PASSWORD.matcher("?" + (uri.getRawQuery() == null ? "" : uri.getRawQuery()));
    while (query.find()) addBothForms(out, query.group().substring(query.group(1).length()));
    out.removeIf(String::isEmpty);
    return out;
  }

  private static void addBothForms(List<String> out, String raw) {
    out.add(raw);
    try {
      out.add(URLDecoder.decode(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException notEncoded) {
      // kept as written
    }
  }

  private static String escaped(String replacement) {
    return Matcher.quoteReplacement(replacement);
  }
}
