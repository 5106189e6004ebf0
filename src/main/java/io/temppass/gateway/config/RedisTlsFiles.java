package io.temppass.gateway.config;

import io.temppass.gateway.config.GatewayConfig.RedisSettings;
import io.temppass.gateway.config.GatewayConfig.RedisTls;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.regex.Pattern;

/**
 * The start-up checks of {@code redis.tls}: its files are read and parsed now, so that a missing or
 * wrong file stops start-up naming its setting instead of failing every connection later.
 */
final class RedisTlsFiles {
  /** The private-key PEM blocks Vert.x reads: PKCS#8, and the RSA and EC forms of OpenSSL. */
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN (RSA |EC )?PRIVATE KEY-----");

  private RedisTlsFiles() {}

  static void check(Problems p, RedisSettings redis) {
    RedisTls tls = redis.tls();
    boolean anyTls =
        redis.endpoints().stream().anyMatch(e -> e != null && e.strip().startsWith("rediss://"));
    if (!p.check(
        !tls.configured() || anyTls || redis.embedded(),
        "redis.tls",
        "applies to rediss:// endpoints only, and no endpoint of redis.endpoints is rediss://")) {
      return;
    }
    if (tls.trustFile() != null) certificates(p, tls.trustFile(), "redis.tls.trustFile");
    p.check(
        (tls.certFile() == null) == (tls.keyFile() == null),
        tls.certFile() == null ? "redis.tls.certFile" : "redis.tls.keyFile",
        "is required with "
            + (tls.certFile() == null ? "redis.tls.keyFile" : "redis.tls.certFile")
            + ": a client certificate needs both");
    if (tls.certFile() != null) certificates(p, tls.certFile(), "redis.tls.certFile");
    if (tls.keyFile() != null) {
      String key = read(p, tls.keyFile(), "redis.tls.keyFile");
      if (key != null)
        p.check(
            PRIVATE_KEY.matcher(key).find(),
            "redis.tls.keyFile",
            tls.keyFile()
                + " holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
  }

  /** At least one X.509 certificate in PEM. */
  private static void certificates(Problems p, String path, String setting) {
    String pem = read(p, path, setting);
    if (pem == null) return;
    int count;
    try {
      count =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))
              .size();
    } catch (CertificateException e) {
      count = 0;
    }
    p.check(count > 0, setting, path + " holds no PEM certificate (BEGIN CERTIFICATE)");
  }

  private static String read(Problems p, String path, String setting) {
    try {
      return GatewayConfig.readFile(path);
    } catch (IllegalStateException e) {
      p.add(setting, "cannot read " + path + ": " + e.getMessage());
      return null;
    }
  }
}
