package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.temppass.gateway.support.TlsRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis password: in {@code redis.password} (inline or {@code file:}, as the Kubernetes Secret
 * mounts it) or, as before, in the endpoint URL; and never printed. Every output a password could
 * reach is searched for it: configuration problems, {@code --check-config --check-redis} lines, and
 * the log of a running gateway that cannot reach its Redis. Before, only the URL could hold the
 * password, and a malformed URL was echoed with it in the error.
 */
class RedisPasswordTest {
  /** Distinct from the server's, so that a wrong-password run can be searched for it too. */
  static final String WRONG = "wrong-pw-91c2e7d4";

  @TempDir static Path dir;
  static TlsRedis.Pki pki;
  static TlsRedis redis;
  static BrokenConfigurationTest.KeyFiles keys;

  @BeforeAll
  static void start() throws Exception {
    pki = TlsRedis.Pki.create(dir);
    redis = TlsRedis.start(pki, pki.serverCert(), pki.serverKey(), false);
    keys = BrokenConfigurationTest.KeyFiles.write(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (redis != null) redis.close();
  }

  static JsonObject config(String endpoint, String password) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    JsonObject r =
        config
            .getJsonObject("redis")
            .put("type", "standalone")
            .put("endpoints", new JsonArray().add(endpoint))
            .put("tls", new JsonObject().put("trustFile", pki.ca().toString()));
    if (password != null) r.put("password", password);
    return config;
  }

  /** Caught breakage: a URL password no longer reaching the client (NOAUTH, 503). */
  @Test
  void a_password_in_the_url_still_works() throws Exception {
    decides(config("rediss://:" + TlsRedis.PASSWORD + "@localhost:" + redis.port(), null));
  }

  /** With a user name too: Redis's {@code default} user, named in redis.username. */
  @Test
  void username_and_password_settings_sign_in() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), TlsRedis.PASSWORD + "\n");
    JsonObject config = config(redis.url("localhost"), "file:" + file);
    config.getJsonObject("redis").put("username", "default");
    decides(config);
  }

  private static void decides(JsonObject config) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      JsonObject decision =
          new Api(vertx, gateway.port())
              .authorize("apasstest1", "TempPass_TEST40", "pw-device", null, "REF30")
              .await(30, TimeUnit.SECONDS);
      assertTrue(
          decision.getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"),
          decision.encode());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Malformed endpoints with a password: the problem names the setting and shows the URL masked.
   * Caught breakage: the endpoint echoed as written (the password in the error).
   */
  @Test
  void a_malformed_url_is_named_with_its_password_masked() {
    for (String endpoint :
        List.of(
            "redis://:" + WRONG + "@redis.example:notaport",
            "redis://user:" + WRONG + " x@redis.example:6379",
            "http://:" + WRONG + "@redis.example:6379",
            "http://redis.example:6379/?db=0&password=" + WRONG)) {
      ConfigException e =
          assertThrows(
              ConfigException.class, () -> TestGateway.parse(config(endpoint, null)), endpoint);
      assertTrue(e.getMessage().contains("redis.endpoints[0]"), e.getMessage());
      assertFalse(e.getMessage().contains(WRONG), e.getMessage());
      assertTrue(e.getMessage().contains("***"), e.getMessage());
    }
  }

  @Test
  void a_password_in_both_places_is_refused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TestGateway.parse(
                    config("rediss://:" + WRONG + "@localhost:" + redis.port(), WRONG)));
    assertTrue(e.getMessage().startsWith("redis.password: "), e.getMessage());
    assertFalse(e.getMessage().contains(WRONG), e.getMessage());
  }

  record Run(int status, String output) {}

  /** {@code Main} in a process of its own, with a bound; the output of both streams. */
  static Run main(String... args) throws Exception {
    Path log = Files.createTempFile(dir, "gateway", ".log");
    ProcessBuilder builder =
        GatewayProcess.builder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    Process p = builder.start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    return new Run(p.exitValue(), Files.readString(log));
  }

  /** The shared valid configuration with this endpoint and these extra redis lines. */
  static Path file(String endpoint, String... redisLines) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("  endpoints: [\"" + endpoint + "\"]");
    lines.add("  tls:");
    lines.add("    trustFile: " + pki.ca());
    lines.addAll(List.of(redisLines));
    String yaml =
        keys.valid()
            .replace("  endpoints: [\"redis://127.0.0.1:6379\"]", String.join("\n", lines))
            .replace("  keyPrefix: chk", "  keyPrefix: pw" + TestRedis.freePort());
    return Files.writeString(Files.createTempFile(dir, "gateway", ".yaml"), yaml);
  }

  /**
   * {@code --check-config --check-redis} with a wrong password (from a file) and with a password in
   * the URL of a server that does not answer: each problem names its setting, and neither output
   * holds a password.
   */
  @Test
  void check_redis_never_prints_a_password() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong-pw"), WRONG + "\n");
    Run refused =
        main(
            "--check-config",
            "--check-redis",
            "--config",
            file(redis.url("localhost"), "  password: file:" + wrong).toString());
    assertEquals(2, refused.status(), refused.output());
    assertTrue(refused.output().contains("redis.password"), refused.output());
    assertNoPassword(refused.output());

    Run closed =
        main(
            "--check-config",
            "--check-redis",
            "--config",
            file("rediss://user:" + WRONG + "@localhost:" + TestRedis.freePort()).toString());
    assertEquals(2, closed.status(), closed.output());
    assertTrue(closed.output().contains("redis.endpoints[0]"), closed.output());
    assertNoPassword(closed.output());
  }

  /**
   * A gateway whose Redis refuses its password keeps running (readiness 503) and logs why: the
   * start-up log and its warnings name redis.password and never print it.
   */
  @Test
  void the_start_up_log_never_prints_a_password() throws Exception {
    int port = TestRedis.freePort();
    Path config =
        file(
            "rediss://default:" + WRONG + "@localhost:" + redis.port(),
            // Room for the first TLS handshake of a cold JVM, so the refusal is what gets logged.
            "  commandTimeout: 5s");
    Files.writeString(
        config,
        Files.readString(config).replace("  port: 8080", "  port: " + port),
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    Path log = dir.resolve("start-up.log");
    ProcessBuilder builder =
        GatewayProcess.builder("--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    Process p = builder.start();
    try {
      long deadline = System.currentTimeMillis() + 90_000;
      while (!(Files.readString(log).contains("control-plane poll failed")
              && Files.readString(log).contains("listening on port"))
          && p.isAlive()
          && System.currentTimeMillis() < deadline) Thread.sleep(100);
      String output = Files.readString(log);
      assertTrue(output.contains("listening on port " + port), output);
      assertTrue(output.contains("control-plane poll failed"), output);
      assertTrue(output.contains("redis.password"), output);
      assertNoPassword(output);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
    }
    assertNoPassword(Files.readString(log));
  }

  static void assertNoPassword(String output) {
    assertFalse(output.contains(WRONG), output);
    assertFalse(output.contains(TlsRedis.PASSWORD), output);
  }
}
