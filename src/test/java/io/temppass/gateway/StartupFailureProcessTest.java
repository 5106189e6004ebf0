package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.TestRedis;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as an operator runs it, in a process of its own: a bad configuration or an address it
 * cannot listen on ends the process with status 2 and one line naming the setting, within a time
 * bound (a hang fails the test instead of the build), and never with a stack trace. Also the
 * process-level variables ({@code TEMPPASS_CONFIG}, {@code TEMPPASS_LOG_FORMAT}), which only a
 * process reads, and {@code --check-config}/{@code --check-redis} from the command line.
 */
class StartupFailureProcessTest {
  /** Generous: a loaded machine may take a while to start a JVM; a hang never ends at all. */
  private static final long BOUND_SECONDS = 90;

  @TempDir static Path dir;
  static BrokenConfigurationTest.KeyFiles keys;

  @BeforeAll
  static void keys() throws Exception {
    keys = BrokenConfigurationTest.KeyFiles.write(dir);
  }

  record Run(int status, String output) {}

  /**
   * Runs Main with the arguments and extra environment; fails the test if it does not end in time.
   */
  static Run main(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "gateway", ".log");
    ProcessBuilder builder =
        GatewayProcess.builder(args).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    builder.environment().putAll(env);
    Process p = builder.start();
    if (!p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail(
          "the gateway neither started nor exited within "
              + BOUND_SECONDS
              + " s: "
              + Files.readString(log));
    }
    return new Run(p.exitValue(), Files.readString(log));
  }

  static Path config(String yaml) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "gateway", ".yaml"), yaml);
  }

  /** The valid test configuration, pointed at the test Redis and the given address. */
  static String serving(String host, int port) {
    return keys.valid()
        .replace("  host: 127.0.0.1", "  host: " + host)
        .replace("  port: 8080", "  port: " + port)
        .replace("redis://127.0.0.1:6379", TestRedis.url())
        .replace("  keyPrefix: chk", "  keyPrefix: sf" + port);
  }

  static void assertNamesWithoutStackTrace(Run r, String expected) {
    assertEquals(2, r.status(), r.output());
    assertTrue(r.output().contains(expected), "expected '" + expected + "' in:\n" + r.output());
    assertFalse(
        r.output().contains("\tat ") || r.output().contains("Exception"),
        "no stack trace in:\n" + r.output());
  }

  /**
   * The EC key under {@code RS256}: the start-up used to hang (NullPointerException in the
   * verifier, JVM alive, never listening). Breakage caught: without PublicKeyPems.checkUsable in
   * GatewayConfig, the process runs into the verifier and this test fails on the time bound or the
   * message.
   */
  @Test
  void a_key_of_the_wrong_type_exits_naming_it_instead_of_hanging() throws Exception {
    String yaml = keys.valid().replace("file:" + keys.access(), "file:" + keys.ecKey());
    assertNamesWithoutStackTrace(
        main(Map.of(), "--config", config(yaml).toString()),
        "invalid configuration: accessTokens.publicKeys[0]: is an EC key");
  }

  /**
   * {@code redis://host:notaport} used to end with the Redis client's IllegalArgumentException and
   * exit 1.
   */
  @Test
  void a_malformed_redis_url_exits_naming_it_without_a_stack_trace() throws Exception {
    String yaml = keys.valid().replace("redis://127.0.0.1:6379", "redis://127.0.0.1:notaport");
    assertNamesWithoutStackTrace(
        main(Map.of(), "--config", config(yaml).toString()),
        "invalid configuration: redis.endpoints[0]");
  }

  /**
   * A port another process holds: the message names server.port and its value, not only "Address
   * already in use".
   */
  @Test
  void a_port_in_use_names_server_port() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Run r =
          main(Map.of(), "--config", config(serving("127.0.0.1", taken.getLocalPort())).toString());
      assertNamesWithoutStackTrace(r, "server.port " + taken.getLocalPort());
    }
  }

  /** A host name that does not resolve: named as server.host, not "Failed to resolve". */
  @Test
  void an_unresolvable_host_names_server_host() throws Exception {
    Run r =
        main(
            Map.of(),
            "--config",
            config(serving("no-such-host.invalid", TestRedis.freePort())).toString());
    assertNamesWithoutStackTrace(r, "server.host 'no-such-host.invalid'");
  }

  /**
   * A second {@code server:} block used to replace the first silently; the real start-up refuses
   * it.
   */
  @Test
  void a_duplicate_block_stops_start_up() throws Exception {
    Path file = config(keys.valid() + "server:\n  port: 9\n");
    assertNamesWithoutStackTrace(
        main(Map.of(), "--config", file.toString()),
        "server: duplicate key in " + file + ", lines 2 and ");
  }

  /**
   * README's {@code TEMPPASS_LOG_FORMAT=text} used to be refused as {@code logFormat: unknown
   * setting}. Breakage caught: removing it from ConfigLoader.PROCESS_VARIABLES.
   */
  @Test
  void the_log_format_variable_is_not_a_setting() throws Exception {
    Path file = config(keys.valid());
    Run text =
        main(Map.of("TEMPPASS_LOG_FORMAT", "text"), "--check-config", "--config", file.toString());
    assertEquals(0, text.status(), text.output());
    assertTrue(text.output().contains("configuration OK"), text.output());
    Run json =
        main(Map.of("TEMPPASS_LOG_FORMAT", "json"), "--check-config", "--config", file.toString());
    assertEquals(0, json.status(), json.output());
    assertNamesWithoutStackTrace(
        main(Map.of("TEMPPASS_LOG_FORMAT", "xml"), "--check-config", "--config", file.toString()),
        "invalid configuration: TEMPPASS_LOG_FORMAT: must be json or text, got 'xml'");
  }

  /**
   * {@code TEMPPASS_CONFIG} names the file when no --config is given, and is not read as a setting.
   */
  @Test
  void the_config_variable_names_the_file() throws Exception {
    Path file = config(keys.valid());
    Run ok = main(Map.of("TEMPPASS_CONFIG", file.toString()), "--check-config");
    assertEquals(0, ok.status(), ok.output());
    assertTrue(ok.output().contains("configuration OK"), ok.output());
    assertNamesWithoutStackTrace(
        main(Map.of("TEMPPASS_CONFIG", dir.toString()), "--check-config"),
        dir + ": is a directory");
  }

  /**
   * {@code --check-config} over a file with several faults: every one, exit 2; a usage error exits
   * 2 too.
   */
  @Test
  void check_config_lists_every_problem_from_the_command_line() throws Exception {
    String yaml =
        keys.valid().replace("  port: 8080", "  port: 70000").replace("    ttl: 3m", "    ttl: 10");
    Run r =
        main(
            Map.of("TEMPPASS_REDIS__POOL_SIZE", "many"),
            "--check-config",
            "--config",
            config(yaml).toString());
    assertNamesWithoutStackTrace(r, "invalid configuration: server.port:");
    assertTrue(r.output().contains("invalid configuration: redis.poolSize:"), r.output());
    assertTrue(r.output().contains("invalid configuration: integrations[0].ttl:"), r.output());
    assertEquals(
        2, main(Map.of(), "--check-redis").status(), "--check-redis alone is a usage error");
  }

  /**
   * {@code --check-config} checks the media-token keys as start-up does: a private key that is not
   * a PEM key is named, exit 2, in the init container rather than in the gateway's first start.
   * Caught breakage: the keys parsed only by {@code Gateway.start} (as before the fix:
   * "configuration OK").
   */
  @Test
  void check_config_names_a_media_token_key_that_does_not_parse() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.key"), "not a key\n");
    String yaml = keys.valid().replace("file:" + keys.mediaKey(), "file:" + junk);
    assertNamesWithoutStackTrace(
        main(Map.of(), "--check-config", "--config", config(yaml).toString()),
        "invalid configuration: mediaTokens.keys[0]:");
  }

  /**
   * {@code --check-redis}: the test Redis answers; a port nobody listens on is named as the
   * endpoint.
   */
  @Test
  void check_redis_pings_every_endpoint() throws Exception {
    Run ok =
        main(
            Map.of(),
            "--check-config",
            "--check-redis",
            "--config",
            config(serving("127.0.0.1", 8080)).toString());
    assertEquals(0, ok.status(), ok.output());
    String closed =
        keys.valid().replace("redis://127.0.0.1:6379", "redis://127.0.0.1:" + TestRedis.freePort());
    assertNamesWithoutStackTrace(
        main(Map.of(), "--check-config", "--check-redis", "--config", config(closed).toString()),
        "invalid configuration: redis.endpoints[0]: Redis did not answer PING");
  }

  /**
   * {@code TEMPPASS_MODE=development} on the shipped production file used to start with exit 0, an
   * embedded Redis and a reference MVPD that every TV-provider sign-in went to. Development
   * behaviour needs {@code --dev}: without it the process exits 2 naming the setting and the
   * variable, before it starts anything. Breakage caught: the configuration check without the
   * {@code DevMode.refusal} (the process then serves and fails the time bound).
   */
  @Test
  void development_mode_from_the_environment_is_refused_without_dev() throws Exception {
    Run r = main(Map.of("TEMPPASS_MODE", "development"), "--config", "conf/gateway.yaml");
    assertNamesWithoutStackTrace(
        r, "invalid configuration: mode: development is refused without --dev");
    assertTrue(r.output().contains("(set by TEMPPASS_MODE)"), r.output());
    // DevEnvironment logs "development: started an embedded Redis", "… the reference MVPD".
    assertFalse(r.output().contains("development: "), "nothing started:\n" + r.output());
  }

  /**
   * {@code mode: development} written in a configuration file: refused at start-up and by {@code
   * --check-config} alike, naming the file. Breakage caught: as above.
   */
  @Test
  void development_mode_in_a_file_is_refused_without_dev() throws Exception {
    Path file = config(keys.valid().replace("mode: production", "mode: development"));
    String expected =
        "invalid configuration: mode: development is refused without --dev: it starts an embedded"
            + " Redis";
    Run start = main(Map.of(), "--config", file.toString());
    assertNamesWithoutStackTrace(start, expected);
    assertTrue(start.output().contains("(set in " + file + ")"), start.output());
    assertNamesWithoutStackTrace(
        main(Map.of(), "--check-config", "--config", file.toString()), expected);
  }

  /**
   * {@code mode: development} beside a problem of the reading stage (a duplicate key in the file, a
   * {@code TEMPPASS_} variable that cannot be applied), without {@code --dev}, at start-up and in
   * {@code --check-config}: refused naming {@code mode} and where it was set, with the other
   * problem, and nothing of development mode started. Caught breakage: the refusal read on the
   * strict tree, which gave up on any reading problem, so the lenient reading that followed saw
   * {@code mode: development} and started the embedded Redis, the generated keys and the reference
   * MVPD without {@code --dev}, and exited 2 without a word about the mode.
   */
  @Test
  void development_mode_is_refused_without_dev_beside_a_reading_problem() throws Exception {
    String development = keys.valid().replace("mode: production", "mode: development");
    Path duplicate = config(development + "\nidentity:\n  hashSecret: again\n");
    Map<String, String> unusable = Map.of("TEMPPASS_INTEGRATIONS__7__TTL", "1m");
    Path file = config(development);
    record Case(Map<String, String> env, Path file, String other, String origin) {}
    for (Case c :
        new Case[] {
          new Case(Map.of(), duplicate, "identity: duplicate key", "(set in " + duplicate + ")"),
          new Case(unusable, file, "TEMPPASS_INTEGRATIONS__7__TTL: ", "(set in " + file + ")"),
          new Case(
              Map.of("TEMPPASS_MODE", "development", "TEMPPASS_INTEGRATIONS__7__TTL", "1m"),
              config(keys.valid()),
              "TEMPPASS_INTEGRATIONS__7__TTL: ",
              "(set by TEMPPASS_MODE)")
        }) {
      for (String[] args :
          List.of(
              new String[] {"--config", c.file().toString()},
              new String[] {"--check-config", "--config", c.file().toString()})) {
        Run r = main(c.env(), args);
        String refusal = "invalid configuration: mode: development is refused without --dev";
        assertNamesWithoutStackTrace(r, refusal);
        String line = r.output().lines().filter(l -> l.startsWith(refusal)).findFirst().get();
        assertTrue(line.endsWith(c.origin()), "where mode was set, in:\n" + r.output());
        assertTrue(r.output().contains(c.other()), "the other problem too, in:\n" + r.output());
        // DevEnvironment logs each part it starts: "development: started an embedded Redis",
        // "... generated a throw-away access-token key", "... the reference MVPD".
        assertFalse(r.output().contains("development: "), "nothing started:\n" + r.output());
        assertFalse(r.output().contains("Development"), "no banner:\n" + r.output());
      }
    }
  }

  /**
   * A jar without docs/ERRORS.md (the error reference served at {@code /docs/errors}) fails at
   * start-up, with exit 2 and the file's name, instead of serving and failing at the first {@code
   * GET /docs/errors} on an event loop. Run on a copy of the gateway's classes without the file.
   * Caught breakage: the page rendered when its class loads, at the first request (the process then
   * serves and this test fails on the time bound).
   */
  @Test
  void a_jar_without_the_error_reference_fails_at_start_up() throws Exception {
    Path classes = Path.of("target", "classes").toAbsolutePath();
    Path copy = dir.resolve("classes-without-errors");
    try (var walk = Files.walk(classes)) {
      for (Path from : (Iterable<Path>) walk::iterator) {
        Path to = copy.resolve(classes.relativize(from).toString());
        if (Files.isDirectory(from)) Files.createDirectories(to);
        else if (!from.getFileName().toString().equals("ERRORS.md")) Files.copy(from, to);
      }
    }
    String classPath =
        System.getProperty("java.class.path")
            .replace(classes.toString(), copy.toString())
            .replace("target/classes", copy.toString());
    assertTrue(classPath.contains(copy.toString()), classPath);
    Path log = Files.createTempFile(dir, "no-errors", ".log");
    ProcessBuilder builder =
        GatewayProcess.builder(
                "--config", config(serving("127.0.0.1", TestRedis.freePort())).toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.command().set(2, classPath);
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    Process p = builder.start();
    if (!p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("the gateway started without ERRORS.md: " + Files.readString(log));
    }
    assertNamesWithoutStackTrace(
        new Run(p.exitValue(), Files.readString(log)),
        "start-up failed: ERRORS.md is not on the class path");
  }

  /**
   * {@code --dev} logs text for the person at the terminal, and JSON when {@code
   * TEMPPASS_LOG_FORMAT=json} asks for it (checked on {@code --dev --check-config}, which starts
   * and stops the development parts and logs that it did). Caught breakage: the default not
   * following {@code --dev} (JSON, as before), or the variable no longer overriding it.
   */
  @Test
  void dev_logs_text_unless_the_log_format_says_json() throws Exception {
    String started = "development: started an embedded Redis";
    Run text = main(Map.of(), "--dev", "--check-config");
    assertEquals(0, text.status(), text.output());
    assertTrue(
        text.output().lines().anyMatch(l -> l.contains(" WARN  ") && l.contains(started)),
        text.output());
    Run json = main(Map.of("TEMPPASS_LOG_FORMAT", "json"), "--dev", "--check-config");
    assertEquals(0, json.status(), json.output());
    assertTrue(
        json.output().lines().anyMatch(l -> l.startsWith("{\"ts\":") && l.contains(started)),
        json.output());
  }

  /**
   * The "keep" rule at start-up: {@code ttl: 0} still loads, and the log says so once, naming the
   * setting. Only the log line is awaited; the process is then stopped.
   */
  @Test
  void an_unusable_tempPass_rule_is_logged_at_start_up() throws Exception {
    int port = TestRedis.freePort();
    Path file = config(serving("127.0.0.1", port).replace("    ttl: 3m", "    ttl: 0"));
    Path log = dir.resolve("keep.log");
    ProcessBuilder builder =
        GatewayProcess.builder("--config", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    Process p = builder.start();
    try {
      long deadline = System.currentTimeMillis() + BOUND_SECONDS * 1000;
      String expected =
          "integrations[0].ttl: 0: every decision of apasstest1/TempPass_TEST40 answers invalid_configuration_temporary_access";
      while (!Files.readString(log).contains(expected)
          && p.isAlive()
          && System.currentTimeMillis() < deadline) Thread.sleep(100);
      String output = Files.readString(log);
      assertTrue(output.contains(expected), output);
      assertTrue(
          output
              .lines()
              .filter(l -> l.contains(expected))
              .allMatch(l -> l.contains("\"level\":\"WARN\"")),
          output);
      assertEquals(1, output.lines().filter(l -> l.contains(expected)).count(), output);
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
