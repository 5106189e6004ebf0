package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TlsRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} endpoints against a real TLS-only, password-protected {@code redis-server}: the
 * gateway decides over TLS with the password read from a file; a server certificate for another
 * host, or from a CA the gateway does not trust, is refused, and both {@code --check-redis} and the
 * start-up log say which setting decides it. Before, {@code RedisFactory} set no TLS options and
 * every {@code rediss://} connection failed ("Missing hostname verification algorithm").
 */
class RedisTlsTest {
  @TempDir static Path dir;
  static TlsRedis.Pki pki;
  static TlsRedis redis;
  static Path passwordFile;

  @BeforeAll
  static void start() throws Exception {
    pki = TlsRedis.Pki.create(dir);
    redis = TlsRedis.start(pki, pki.serverCert(), pki.serverKey(), false);
    passwordFile = Files.writeString(dir.resolve("redis-password"), TlsRedis.PASSWORD + "\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (redis != null) redis.close();
  }

  /** A production configuration on a rediss:// endpoint, password from a file. */
  static JsonObject config(String endpoint, JsonObject tls) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config
        .getJsonObject("redis")
        .put("type", "standalone")
        .put("endpoints", new JsonArray().add(endpoint))
        .put("password", "file:" + passwordFile)
        .put("tls", tls);
    return config;
  }

  static JsonObject trusting(Path ca) {
    return new JsonObject().put("trustFile", ca.toString());
  }

  /**
   * Decisions and readiness over TLS. Caught breakage: no hostname verification algorithm in {@code
   * RedisFactory} (every connection fails), or {@code redis.password} not passed to the client
   * (NOAUTH, readiness 503).
   */
  @Test
  void decisions_work_over_tls_with_the_password_from_a_file() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway =
          TestGateway.start(vertx, config(redis.url("localhost"), trusting(pki.ca())))
              .await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      JsonObject decision =
          api.authorize("apasstest1", "TempPass_TEST40", "tls-device-1", null, "REF30")
              .await(30, TimeUnit.SECONDS);
      assertTrue(
          decision.getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"),
          decision.encode());
      assertEquals(200, readinessUntil(api, 200));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The three settings' outcomes as {@code --check-config --check-redis} prints them. */
  record Check(int status, String out, String err) {}

  static Check checkRedis(JsonObject config) throws Exception {
    Path file =
        Files.writeString(Files.createTempFile(dir, "check", ".yaml"), config.encodePrettily());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        ConfigCheck.run(
            List.of(file),
            Map.of(),
            false,
            true,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Check(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void check_redis_passes_over_tls() throws Exception {
    Check ok = checkRedis(config(redis.url("localhost"), trusting(pki.ca())));
    assertEquals(0, ok.status(), ok.err());
  }

  /**
   * A certificate that names another host: one line naming {@code redis.tls.hostnameVerification}.
   * Caught breakage: hostname verification off by default (the check would pass), or the raw SSL
   * text without the setting.
   */
  @Test
  void a_certificate_for_another_host_is_refused_naming_hostname_verification() throws Exception {
    try (TlsRedis other = TlsRedis.start(pki, pki.otherHostCert(), pki.otherHostKey(), false)) {
      Check refused = checkRedis(config(other.url("localhost"), trusting(pki.ca())));
      assertEquals(2, refused.status(), refused.out());
      assertOneLineNaming(refused.err(), "redis.tls.hostnameVerification");

      // Switched off, the same server is accepted, with a warning.
      Check accepted =
          checkRedis(
              config(
                  other.url("localhost"), trusting(pki.ca()).put("hostnameVerification", false)));
      assertEquals(0, accepted.status(), accepted.err());
      assertTrue(
          accepted.err().contains("warning: redis.tls.hostnameVerification: false"),
          accepted.err());
    }
  }

  /** A server certificate from a CA outside redis.tls.trustFile: one line naming the setting. */
  @Test
  void an_untrusted_ca_is_refused_naming_the_trust_file() throws Exception {
    Check refused = checkRedis(config(redis.url("localhost"), trusting(pki.otherCa())));
    assertEquals(2, refused.status(), refused.out());
    assertOneLineNaming(refused.err(), "redis.tls.trustFile");
  }

  /**
   * The running gateway says the same in its log (the control plane's first poll) and stays not
   * ready; a decision answers 503.
   */
  @Test
  void a_running_gateway_logs_the_setting_and_stays_not_ready() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LogCapture logs = new LogCapture()) {
      Gateway gateway =
          TestGateway.start(vertx, config(redis.url("localhost"), trusting(pki.otherCa())))
              .await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, gateway.port());
      assertEquals(503, readinessUntil(api, 503));
      int status =
          api.decisions("apasstest1", "TempPass_TEST40", "tls-device-2")
              .sendJsonObject(Api.body("REF30"))
              .map(HttpResponse::statusCode)
              .await(30, TimeUnit.SECONDS);
      assertEquals(503, status);
      long deadline = System.currentTimeMillis() + 10_000;
      while (logs.warnings().stream().noneMatch(l -> l.contains("redis.tls.trustFile"))
          && System.currentTimeMillis() < deadline) Thread.sleep(50);
      assertTrue(
          logs.warnings().stream().anyMatch(l -> l.contains("redis.tls.trustFile")),
          String.join("\n", logs.warnings()));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Mutual TLS: a server that requires a client certificate accepts the configured one. */
  @Test
  void a_client_certificate_is_presented_when_configured() throws Exception {
    try (TlsRedis mutual = TlsRedis.start(pki, pki.serverCert(), pki.serverKey(), true)) {
      Check without = checkRedis(config(mutual.url("127.0.0.1"), trusting(pki.ca())));
      assertEquals(2, without.status(), without.out());
      assertOneLineNaming(without.err(), "redis.tls.certFile");
      Check with =
          checkRedis(
              config(
                  mutual.url("127.0.0.1"),
                  trusting(pki.ca())
                      .put("certFile", pki.clientCert().toString())
                      .put("keyFile", pki.clientKey().toString())));
      assertEquals(0, with.status(), with.err());
    }
  }

  /**
   * The TLS files are read at start-up: a missing trust file, a file that holds no certificate, a
   * certificate without its key, and TLS settings with no rediss:// endpoint each stop it, naming
   * the setting.
   */
  @Test
  void tls_settings_are_checked_at_start_up() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello\n");
    Map<JsonObject, String> cases = new LinkedHashMap<>();
    cases.put(trusting(dir.resolve("missing.pem")), "redis.tls.trustFile: cannot read");
    cases.put(trusting(notPem), "redis.tls.trustFile: " + notPem + " holds no PEM certificate");
    cases.put(
        trusting(pki.ca()).put("certFile", pki.clientCert().toString()),
        "redis.tls.keyFile: is required with redis.tls.certFile");
    cases.put(
        trusting(pki.ca())
            .put("certFile", pki.clientCert().toString())
            .put("keyFile", pki.clientCert().toString()),
        "redis.tls.keyFile: " + pki.clientCert() + " holds no PEM private key");
    for (Map.Entry<JsonObject, String> c : cases.entrySet()) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestGateway.parse(config(redis.url("localhost"), c.getKey())));
      assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " in: " + e.getMessage());
    }
    ConfigException plain =
        assertThrows(
            ConfigException.class,
            () ->
                TestGateway.parse(config("redis://localhost:" + redis.port(), trusting(pki.ca()))));
    assertTrue(
        plain.getMessage().startsWith("redis.tls: applies to rediss:// endpoints only"),
        plain.getMessage());
  }

  /**
   * The issue's own case: no redis.tls.trustFile, the CA in the JVM's trust store (given with
   * {@code -Djavax.net.ssl.trustStore}); and without it there, the line says the JVM's trust store
   * decided.
   */
  @Test
  void without_a_trust_file_the_jvm_trust_store_decides() throws Exception {
    Path store = dir.resolve("truststore.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-importcert",
                "-noprompt",
                "-alias",
                "test-ca",
                "-file",
                pki.ca().toString(),
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String made = new String(keytool.getInputStream().readAllBytes());
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, made);
    JsonObject config = config(redis.url("localhost"), new JsonObject());
    Path file = Files.writeString(dir.resolve("jvm-trust.yaml"), config.encodePrettily());

    String trusted =
        checkInProcess(
            file,
            "-Djavax.net.ssl.trustStore=" + store + " -Djavax.net.ssl.trustStorePassword=changeit");
    assertTrue(trusted.startsWith("0\n"), trusted);
    String untrusted = checkInProcess(file, "");
    assertTrue(untrusted.startsWith("2\n"), untrusted);
    assertOneLineNaming(
        untrusted, "redis.tls.trustFile is unset, so the JVM's trust store decides");
  }

  /**
   * {@code --check-config --check-redis} in a JVM of its own: its status, a newline, its output.
   */
  private static String checkInProcess(Path file, String javaOptions) throws Exception {
    ProcessBuilder builder =
        GatewayProcess.builder("--check-config", "--check-redis", "--config", file.toString())
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    builder.environment().put("JAVA_TOOL_OPTIONS", javaOptions);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
    return p.exitValue() + "\n" + out;
  }

  static void assertOneLineNaming(String output, String setting) {
    List<String> lines = output.lines().filter(l -> l.contains("invalid configuration")).toList();
    assertEquals(1, lines.size(), output);
    assertTrue(lines.get(0).contains(setting), "expected " + setting + " in: " + output);
    assertTrue(!output.contains("\tat ") && !output.contains(TlsRedis.PASSWORD), output);
  }

  static int readinessUntil(Api api, int status) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    int ready = readiness(api);
    while (ready != status && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      ready = readiness(api);
    }
    return ready;
  }

  static int readiness(Api api) throws Exception {
    return api.get("/health/ready").map(HttpResponse::statusCode).await(5, TimeUnit.SECONDS);
  }
}
