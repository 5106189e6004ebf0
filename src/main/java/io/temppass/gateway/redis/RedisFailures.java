package io.temppass.gateway.redis;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.config.RedisSecrets;
import java.util.List;
import java.util.Locale;

/**
 * A failed Redis call in the operator's words. A TLS or sign-in failure names the setting that
 * decides it ({@code redis.tls.hostnameVerification}, {@code redis.tls.trustFile}, {@code
 * redis.tls.certFile}, {@code redis.password}) instead of the JDK's text alone; and no message ever
 * carries a password. The library's own text is kept at the end, for searching. The cluster client
 * folds the causes of a failed connection into its message ("Cannot connect to any of the provided
 * endpoints - …"), so causes are recognised by their text, not their type.
 */
public final class RedisFailures {
  private RedisFailures() {}

  /** One kind of failure: how the library's text shows it, and what the operator should read. */
  private record Kind(List<String> signs, String explanation) {
    boolean matches(String text) {
      String lower = text.toLowerCase(Locale.ROOT);
      return signs.stream().anyMatch(lower::contains);
    }
  }

  private static final Kind HOST_NAME =
      new Kind(
          List.of("no subject alternative", "no name matching"),
          "the Redis server's TLS certificate does not name the endpoint's host"
              + " (redis.tls.hostnameVerification: true checks it): connect by a name the"
              + " certificate holds, or give the server a certificate for this name");

  private static final Kind CLIENT_CERTIFICATE =
      new Kind(
          List.of("certificate_required", "bad_certificate", "unknown_ca", "certificate_unknown"),
          "the Redis server refused the TLS handshake for want of a client certificate it accepts"
              + " (redis.tls.certFile and redis.tls.keyFile)");

  private static final Kind PLAIN_PORT =
      new Kind(
          List.of("not an ssl/tls record"),
          "the endpoint is rediss:// but the server there does not speak TLS: use redis://, or the"
              + " server's TLS port");

  private static final Kind CREDENTIALS =
      new Kind(
          List.of("wrongpass", "noauth", "invalid username-password"),
          "Redis refused the credentials (redis.username and redis.password, or the endpoint URL's)");

  /**
   * The failure to hand on: the same object unless it is one of the kinds above, which become a
   * {@link RedisSetupException} with the explanation; a password in its text is masked either way.
   */
  public static Throwable explained(Throwable err, RedisSettings settings) {
    String text = allText(err);
    String explanation = explanation(text, settings);
    if (explanation == null && RedisSecrets.masked(text, settings).equals(text)) return err;
    return new RedisSetupException(describe(err, settings));
  }

  /** The failure as one line: the explanation when there is one, then the library's own text. */
  public static String describe(Throwable err, RedisSettings settings) {
    String text = allText(err);
    String explanation = explanation(text, settings);
    String own =
        RedisSecrets.masked(
            oneLine(err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage()),
            settings);
    return explanation == null ? own : explanation + " (" + own + ")";
  }

  private static String explanation(String text, RedisSettings settings) {
    if (HOST_NAME.matches(text)) return HOST_NAME.explanation();
    if (text.contains("PKIX path") || text.contains("unable to find valid certification path")) {
      return "the Redis server's TLS certificate is not signed by a CA the gateway trusts"
          + (settings.tls().trustFile() == null
              ? " (redis.tls.trustFile is unset, so the JVM's trust store decides): set"
                  + " redis.tls.trustFile to the PEM file of the CA that signs it"
              : " (redis.tls.trustFile: "
                  + settings.tls().trustFile()
                  + "): add the CA that signs it to that file");
    }
    for (Kind kind : List.of(CLIENT_CERTIFICATE, PLAIN_PORT, CREDENTIALS))
      if (kind.matches(text)) return kind.explanation();
    return null;
  }

  /** The messages of the failure and its causes, joined, as the signs may sit on any of them. */
  private static String allText(Throwable err) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = err; t != null && out.length() < 4096; t = t.getCause()) {
      if (out.length() > 0) out.append(": ");
      out.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }
    return out.toString();
  }

  private static String oneLine(String text) {
    return text.replace("\r", "").replace("\n", " ").strip();
  }

  /** A Redis call that failed for a reason of configuration or credentials, in plain words. */
  public static final class RedisSetupException extends RuntimeException {
    RedisSetupException(String message) {
      super(message, null, false, false);
    }
  }
}
