package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken configurations, one fault each, as an operator makes them: every one is refused with exit
 * status 2, a message that names the setting's path (or the file and line), and no stack trace.
 * Each runs through {@code --check-config}'s code path, which is also the start-up path ({@link
 * ConfigCheck#load}); {@code StartupFailureProcessTest} runs the dangerous ones as real processes.
 *
 * <p>Each row pins a defect that once let a configuration through or failed badly: an EC key under
 * {@code RS256} (start-up hung), {@code redis://host:notaport} (stack trace), a second {@code
 * server:} block (silently replaced the first), {@code ttl} on a regular mvpd (silently ignored),
 * {@code ttl: 10} (read as 10 ms), {@code PT-3M} (accepted), {@code 999999999999d} (long overflow
 * later), an override of {@code integrations[99]} (created a new item). Breaking any of those
 * checks turns its row red.
 */
class BrokenConfigurationTest {
  @TempDir static Path dir;
  static KeyFiles keys;

  @BeforeAll
  static void keys() throws Exception {
    keys = KeyFiles.write(dir);
  }

  static String valid() {
    return keys.valid();
  }

  /**
   * The files a production configuration names (openssl-style PEM files, a secret), and a valid
   * configuration using them.
   */
  record KeyFiles(Path access, Path ecKey, Path mediaKey, Path mediaPub, Path secret, Path latin1) {
    static KeyFiles write(Path dir) throws Exception {
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"));
      return new KeyFiles(
          Files.writeString(dir.resolve("access.pem"), AccessTokens.publicKeyPem()),
          Files.writeString(
              dir.resolve("ec.pem"),
              "-----BEGIN PUBLIC KEY-----\n"
                  + Base64.getMimeEncoder(64, "\n".getBytes())
                      .encodeToString(ec.generateKeyPair().getPublic().getEncoded())
                  + "\n-----END PUBLIC KEY-----\n"),
          Files.writeString(dir.resolve("media.key"), TestGateway.MEDIA_KEY.privateKeyPem()),
          Files.writeString(dir.resolve("media.pub"), TestGateway.MEDIA_KEY.publicKeyPem()),
          Files.writeString(dir.resolve("secret"), TestGateway.HASH_SECRET + "\n"),
          Files.write(
              dir.resolve("latin1.pem"),
              "-----BEGIN PUBLIC KEY-----\ncl\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
    }

    /**
     * A valid production configuration, one setting per line so that a case can change one line.
     */
    String valid() {
      return String.join(
          "\n",
          "mode: production",
          "server:",
          "  host: 127.0.0.1",
          "  port: 8080",
          "  requestTimeout: 10s",
          "redis:",
          "  endpoints: [\"redis://127.0.0.1:6379\"]",
          "  keyPrefix: chk",
          "  poolSize: 16",
          "accessTokens:",
          "  issuer: " + AccessTokens.ISSUER,
          "  algorithms: [RS256]",
          "  publicKeys: [\"file:" + access + "\"]",
          "mediaTokens:",
          "  keys:",
          "    - kid: k1",
          "      privateKey: \"file:" + mediaKey + "\"",
          "      publicKey: \"file:" + mediaPub + "\"",
          "      active: true",
          "identity:",
          "  hashSecret: \"file:" + secret + "\"",
          "throttle:",
          "  enabled: false",
          "integrations:",
          "  - serviceProvider: apasstest1",
          "    mvpd: TempPass_TEST40",
          "    type: temppass-basic",
          "    ttl: 3m",
          "  - serviceProvider: apasstest1",
          "    mvpd: flexibleTempPass",
          "    type: temppass-promotional",
          "    ttl: 4h",
          "    maxResources: 5",
          "  - serviceProvider: REF30",
          "    mvpd: Cablevision",
          "    type: regular",
          "");
    }
  }

  static final String BASIC = "    type: temppass-basic";
  static final String PROMOTIONAL = "    type: temppass-promotional";
  static final String REGULAR = "    type: regular";

  /**
   * One broken configuration: a change to the valid file, environment overrides, and what the
   * message must name.
   */
  record Case(String name, UnaryOperator<String> edit, Map<String, String> env, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case yaml(String name, UnaryOperator<String> edit, String expected) {
    return new Case(name, edit, Map.of(), expected);
  }

  static Case env(String name, Map<String, String> env, String expected) {
    return new Case(name, s -> s, env, expected);
  }

  static UnaryOperator<String> replace(String line, String with) {
    return s -> {
      if (!s.contains(line)) throw new IllegalArgumentException("no line " + line);
      return s.replace(line, with);
    };
  }

  static UnaryOperator<String> after(String line, String added) {
    return replace(line, line + "\n" + added);
  }

  static Stream<Case> cases() {
    return Stream.of(
        // 1. key type and algorithms: used to hang the start-up
        yaml(
            "EC key under RS256",
            replace("file:" + keys.access(), "file:" + keys.ecKey()),
            "accessTokens.publicKeys[0]: is an EC key, which none of accessTokens.algorithms [RS256]"),
        yaml(
            "RSA key under ES256 only",
            replace("  algorithms: [RS256]", "  algorithms: [ES256]"),
            "accessTokens.publicKeys[0]: is an RSA key"),
        yaml(
            "public key that is not PEM",
            replace("\"file:" + keys.access() + "\"", "not-a-key"),
            "accessTokens.publicKeys[0]: must be a PEM public key"),
        yaml(
            "algorithm outside the allow-list",
            replace("  algorithms: [RS256]", "  algorithms: [HS256]"),
            "accessTokens.algorithms: 'HS256'"),
        // 2. Redis endpoints: used to be a stack trace
        yaml(
            "Redis port not a number",
            replace("redis://127.0.0.1:6379", "redis://127.0.0.1:notaport"),
            "redis.endpoints[0]: needs a host and, if any, a port"),
        yaml(
            "Redis port out of range",
            replace("redis://127.0.0.1:6379", "redis://127.0.0.1:70000"),
            "redis.endpoints[0]"),
        yaml(
            "Redis URL without host",
            replace("redis://127.0.0.1:6379", "redis://:6379"),
            "redis.endpoints[0]"),
        yaml(
            "Redis URL of another scheme",
            replace("redis://127.0.0.1:6379", "http://127.0.0.1:6379"),
            "redis.endpoints[0]: must be a redis:// or rediss:// URL"),
        yaml(
            "Redis URL with spaces",
            replace("redis://127.0.0.1:6379", "redis://127.0.0.1 6379"),
            "redis.endpoints[0]"),
        // 3. duplicate keys at any level
        yaml(
            "second server block", s -> s + "server:\n  port: 9090\n", "server: duplicate key in "),
        yaml(
            "duplicate nested key",
            after("  port: 8080", "  port: 9090"),
            "server.port: duplicate key in "),
        yaml(
            "duplicate key in a list item",
            after("    ttl: 3m", "    ttl: 5m"),
            "integrations[0].ttl: duplicate key in "),
        // 4. settings of another integration type
        yaml(
            "ttl on a regular mvpd",
            after(REGULAR, "    ttl: 10m"),
            "integrations[2].ttl: applies to temppass-basic and temppass-promotional integrations only"),
        yaml(
            "maxResources on a regular mvpd",
            after(REGULAR, "    maxResources: 3"),
            "integrations[2].maxResources: applies to temppass-promotional"),
        yaml(
            "identityKey on a regular mvpd",
            after(REGULAR, "    identityKey: email"),
            "integrations[2].identityKey: applies to"),
        yaml(
            "lockoutRetention on a regular mvpd",
            after(REGULAR, "    lockoutRetention: 2d"),
            "integrations[2].lockoutRetention: applies to"),
        yaml(
            "resetPeriod on a regular mvpd",
            after(REGULAR, "    resetPeriod: 1d"),
            "integrations[2].resetPeriod: applies to"),
        yaml(
            "maxResources on basic TempPass",
            after(BASIC, "    maxResources: 3"),
            "integrations[0].maxResources: applies to temppass-promotional integrations only, and this integration is temppass-basic"),
        yaml(
            "identityKey on basic TempPass",
            after(BASIC, "    identityKey: email"),
            "integrations[0].identityKey: applies to"),
        yaml(
            "dummyAuthorization on basic TempPass",
            after(BASIC, "    dummyAuthorization: true"),
            "integrations[0].dummyAuthorization: applies to regular mvpds only"),
        yaml(
            "dummyAuthorization on promotional TempPass",
            after(PROMOTIONAL, "    dummyAuthorization: true"),
            "integrations[1].dummyAuthorization: applies to regular mvpds only"),
        yaml(
            "degradation on TempPass",
            after(PROMOTIONAL, "    degradation: AuthZNone"),
            "integrations[1].degradation: applies to regular mvpds only"),
        yaml(
            "degradedTtl on TempPass",
            after(BASIC, "    degradedTtl: 1h"),
            "integrations[0].degradedTtl: applies to regular mvpds only"),
        yaml(
            "authenticationTtl on TempPass",
            after(BASIC, "    authenticationTtl: 1d"),
            "integrations[0].authenticationTtl: applies to regular mvpds only"),
        yaml(
            "authorizationTtl on TempPass",
            after(PROMOTIONAL, "    authorizationTtl: 1h"),
            "integrations[1].authorizationTtl: applies to regular mvpds only"),
        yaml(
            "authorization endpoint on TempPass",
            after(BASIC, "    authorization: {url: \"https://mvpd.example/authz\"}"),
            "integrations[0].authorization: applies to regular mvpds only"),
        // 5. durations: a unit, never negative, never unbounded
        yaml(
            "duration without a unit",
            replace("    ttl: 3m", "    ttl: 10"),
            "integrations[0].ttl: must be a duration with a unit"),
        yaml(
            "quoted number without a unit",
            replace("    ttl: 3m", "    ttl: \"180000\""),
            "integrations[0].ttl: must be a duration with a unit"),
        yaml(
            "negative milliseconds",
            replace("    ttl: 3m", "    ttl: -180000"),
            "integrations[0].ttl: must not be negative"),
        yaml(
            "negative ISO-8601",
            replace("    ttl: 3m", "    ttl: PT-3M"),
            "integrations[0].ttl: must not be negative"),
        yaml(
            "negative short form",
            replace("    ttl: 3m", "    ttl: -3m"),
            "integrations[0].ttl: must not be negative"),
        yaml(
            "duration in words",
            replace("    ttl: 3m", "    ttl: 3 minutes"),
            "integrations[0].ttl: must be a duration"),
        yaml(
            "request timeout beyond any bound",
            replace("  requestTimeout: 10s", "  requestTimeout: 999999999999d"),
            "server.requestTimeout: must be at most 400d"),
        yaml(
            "event-bus timeout beyond any bound",
            after("  requestTimeout: 10s", "  eventBusTimeout: 999999999999d"),
            "server.eventBusTimeout: must be at most 400d"),
        yaml(
            "negative leeway",
            after("  algorithms: [RS256]", "  leeway: -30s"),
            "accessTokens.leeway: must not be negative"),
        // 6. environment overrides
        env(
            "override of an item the list does not have",
            Map.of("TEMPPASS_INTEGRATIONS__99__TTL", "3m"),
            "TEMPPASS_INTEGRATIONS__99__TTL: integrations has 3 items (indexes 0 to 2)"),
        env(
            "help url that is not a URL",
            Map.of("TEMPPASS_SERVER__HELP_URL", "docs/errors"),
            "server.helpUrl: must be an http:// or https:// URL, got 'docs/errors'"),
        env(
            "override with a malformed value",
            Map.of("TEMPPASS_REDIS__POOL_SIZE", "many"),
            "redis.poolSize: must be an integer, got 'many' (set by TEMPPASS_REDIS__POOL_SIZE)"),
        env(
            "misspelt override",
            Map.of("TEMPPASS_SERVER__PORTT", "8081"),
            "server.portt: unknown setting; did you mean port? (set by TEMPPASS_SERVER__PORTT)"),
        env(
            "override with an empty level",
            Map.of("TEMPPASS_SERVER____PORT", "8081"),
            "TEMPPASS_SERVER____PORT: has an empty level"),
        // 7. server address known to be wrong before binding
        yaml(
            "host that is no IPv4 address",
            replace("  host: 127.0.0.1", "  host: 999.1.1.1"),
            "server.host: must be an IP address or a host name, got '999.1.1.1'"),
        yaml(
            "port out of range",
            replace("  port: 8080", "  port: 70000"),
            "server.port: must be between 0 and 65535"),
        // 8. messages that say what is expected
        yaml(
            "misspelt integration setting",
            replace("    ttl: 3m", "    ttll: 3m"),
            "integrations[0].ttll: unknown setting; did you mean ttl?"),
        yaml(
            "misspelt section",
            replace("throttle:", "throtle:"),
            "throtle: unknown setting; did you mean throttle?"),
        yaml(
            "missing key file",
            replace("file:" + keys.access(), "file:" + dir.resolve("nowhere.pem")),
            "accessTokens.publicKeys[0]: cannot read "
                + dir.resolve("nowhere.pem")
                + ": no such file"),
        yaml(
            "key file that is a directory",
            replace("file:" + keys.access(), "file:" + dir),
            "accessTokens.publicKeys[0]: cannot read " + dir + ": it is a directory"),
        yaml(
            "key file that is not UTF-8",
            replace("file:" + keys.access(), "file:" + keys.latin1()),
            "accessTokens.publicKeys[0]: cannot read " + keys.latin1() + ": it is not UTF-8 text"),
        yaml(
            "YAML syntax error",
            replace("  poolSize: 16", "  poolSize: [16"),
            "is not valid YAML: line "),
        yaml(
            "tab indentation",
            replace("  keyPrefix: chk", "\tkeyPrefix: chk"),
            "is not valid YAML: line 8, column 1"),
        // other settings, so that no section escapes
        yaml(
            "unknown integration type",
            replace(BASIC, "    type: temppass-trial"),
            "integrations[0].type: must be one of temppass-basic, temppass-promotional, regular"),
        yaml(
            "unknown mode",
            replace("mode: production", "mode: staging"),
            "mode: must be one of production, development"),
        yaml(
            "integrations not a list",
            s -> s.substring(0, s.indexOf("integrations:")) + "integrations: none\n",
            "integrations: must be a list"),
        yaml(
            "no active media key",
            replace("      active: true", "      active: false"),
            "mediaTokens.keys: exactly one key must be active"),
        yaml(
            "short hash secret",
            replace("\"file:" + keys.secret() + "\"", "short"),
            "identity.hashSecret: must be at least 32 characters"),
        yaml(
            "slow admin poll",
            s -> s + "admin:\n  pollInterval: 2s\n",
            "admin.pollInterval: must be under 1s"),
        yaml(
            "bad trusted proxy",
            after("  enabled: false", "  trustedProxies: [\"10.0.0.0/99\"]"),
            "throttle.trustedProxies"),
        // a host name would be resolved by the CIDR parser: only address literals are accepted
        yaml(
            "trusted proxy given as a host name",
            after("  enabled: false", "  trustedProxies: [\"localhost/32\"]"),
            "throttle.trustedProxies: 'localhost/32' is not an IP address or CIDR block"),
        yaml(
            "embedded Redis in production",
            after("  poolSize: 16", "  embedded: true"),
            "redis.embedded: an embedded Redis is only for mode: development"),
        yaml(
            "login timeout of zero",
            after(
                REGULAR,
                "    login: {issuer: \"https://mvpd.example\", clientId: c, clientSecret: s,"
                    + " timeout: 0s}"),
            "integrations[2].login.timeout: must be positive"),
        // conf/gateway.yaml said "keep it under server.requestTimeout" and nothing checked it: the
        // viewer got a 408 while the sign-in completed behind it
        yaml(
            "login timeout not under the request timeout",
            after(
                REGULAR,
                "    login: {issuer: \"https://mvpd.example\", clientId: c, clientSecret: s,"
                    + " timeout: 10s}"),
            "integrations[2].login.timeout: must be shorter than server.requestTimeout (10000 ms)"),
        yaml(
            "sessions key of the wrong length",
            s -> s + "sessions:\n  encryptionKey: c2hvcnQ=\n",
            "sessions.encryptionKey: must be 32 bytes in Base64"),
        // an empty list item ("-" alone) must not load as a null integration or algorithm; breakage
        // caught:
        // without the empty-item check of Problems.declared the null integration reaches warnings()
        // (NullPointerException)
        yaml(
            "empty integration item",
            after("integrations:", "  -"),
            "integrations[0]: must not be empty"),
        yaml(
            "empty algorithm",
            replace("  algorithms: [RS256]", "  algorithms: [RS256, ~]"),
            "accessTokens.algorithms[1]: must not be empty"),
        yaml(
            "integration without serviceProvider",
            replace("  - serviceProvider: REF30", "  - serviceProvidr: REF30"),
            "integrations[2].serviceProvider: is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void a_broken_configuration_is_refused_naming_the_setting(Case c) throws Exception {
    Path file =
        Files.writeString(Files.createTempFile(dir, "gateway", ".yaml"), c.edit().apply(valid()));
    Result r = check(List.of(file), c.env());
    assertEquals(2, r.status(), c.name() + ": " + r.err());
    assertTrue(
        r.err().contains(c.expected()),
        c.name() + ": expected '" + c.expected() + "' in:\n" + r.err());
    assertNoStackTrace(r);
    for (String line : r.err().strip().split("\n"))
      assertTrue(line.startsWith("invalid configuration: "), "one problem per line: " + line);
  }

  @Test
  void there_are_at_least_forty_cases() {
    assertTrue(cases().count() >= 40);
  }

  @Test
  void the_valid_configuration_is_ok() throws Exception {
    Result r = check(List.of(Files.writeString(dir.resolve("valid.yaml"), valid())), Map.of());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("configuration OK"), r.out());
    assertEquals("", r.err());
  }

  /**
   * Breakage caught: a check that stops at the first problem, either a value Jackson cannot bind
   * (ConfigBinder giving up after the first failed bind instead of replacing the bad value and
   * binding again) or a failed rule (a check that throws instead of recording), reports one line
   * instead of all.
   */
  @Test
  void every_problem_is_reported_not_just_the_first() throws Exception {
    String yaml =
        replace("  port: 8080", "  port: 70000")
            .andThen(replace("  requestTimeout: 10s", "  requestTimeout: 10"))
            .andThen(replace("  poolSize: 16", "  poolSize: many"))
            .andThen(replace("redis://127.0.0.1:6379", "redis://127.0.0.1:notaport"))
            .andThen(replace("file:" + keys.access(), "file:" + keys.ecKey()))
            .andThen(replace("      active: true", "      active: false"))
            .andThen(replace("    ttl: 3m", "    ttl: 10"))
            .andThen(after(REGULAR, "    ttl: 10m"))
            .andThen(replace("throttle:", "throtle:"))
            .apply(valid());
    Result r = check(List.of(Files.writeString(dir.resolve("many.yaml"), yaml)), Map.of());
    assertEquals(2, r.status());
    for (String setting :
        List.of(
            "server.port:",
            "server.requestTimeout:",
            "redis.poolSize:",
            "redis.endpoints[0]:",
            "accessTokens.publicKeys[0]:",
            "mediaTokens.keys:",
            "integrations[0].ttl:",
            "integrations[2].ttl:",
            "throtle:")) {
      assertTrue(
          r.err().contains("invalid configuration: " + setting),
          setting + " missing from:\n" + r.err());
    }
    assertNoStackTrace(r);
  }

  /**
   * One run of --check-config reports every stage's problems: a duplicate key (read stage) does not
   * hide a bad Redis URL and two active keys (bind and rule stages), and a variable whose index is
   * beyond its list does not hide everything else. Breakage caught: ConfigLoader throwing on the
   * first file or variable problem, or ConfigCheck returning before binding (the run before this
   * printed only the duplicate, or only the variable).
   */
  @Test
  void every_stage_reports_in_one_run() throws Exception {
    String yaml =
        replace("redis://127.0.0.1:6379", "redis://127.0.0.1:notaport")
                .andThen(replace("      active: true", "      active: false"))
                .apply(valid())
            + "server:\n  port: 9090\n";
    Result r =
        check(
            List.of(Files.writeString(dir.resolve("stages.yaml"), yaml)),
            Map.of("TEMPPASS_INTEGRATIONS__99__TTL", "10m", "TEMPPASS_SERVER__PORT", "many"));
    assertEquals(2, r.status());
    for (String problem :
        List.of(
            "server: duplicate key in ",
            "TEMPPASS_INTEGRATIONS__99__TTL: ",
            "redis.endpoints[0]:",
            "mediaTokens.keys: exactly one key must be active",
            "server.port: ")) {
      assertTrue(
          r.err().contains("invalid configuration: " + problem),
          problem + " missing from:\n" + r.err());
    }
    assertTrue(r.err().contains("(set by TEMPPASS_SERVER__PORT)"), r.err());
    assertNoStackTrace(r);
  }

  /**
   * An empty file (or comments only) is named as empty, not read as "every setting at its default"
   * and then refused for a dozen missing settings with no word about the file.
   */
  @Test
  void an_empty_configuration_file_is_named_as_empty() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing here\n");
    Result r = check(List.of(empty), Map.of());
    assertEquals(2, r.status());
    assertTrue(
        r.err()
            .startsWith(
                "invalid configuration: "
                    + empty
                    + ": is empty: a configuration file holds a YAML mapping of settings"),
        r.err());
    assertNoStackTrace(r);
  }

  @Test
  void every_duplicate_key_names_both_lines() throws Exception {
    String yaml = valid() + "server:\n  port: 9090\n";
    Result r = check(List.of(Files.writeString(dir.resolve("dup.yaml"), yaml)), Map.of());
    assertEquals(2, r.status());
    int second = (int) valid().lines().count() + 1;
    assertTrue(
        r.err()
            .contains(
                "server: duplicate key in " + dir.resolve("dup.yaml") + ", lines 2 and " + second),
        r.err());
  }

  @Test
  void a_directory_or_a_missing_file_given_as_the_configuration_says_so() throws Exception {
    Result d = check(List.of(dir), Map.of());
    assertEquals(2, d.status());
    assertTrue(d.err().contains(dir + ": is a directory"), d.err());
    Result m = check(List.of(dir.resolve("none.yaml")), Map.of());
    assertEquals(2, m.status());
    assertTrue(
        m.err().contains(dir.resolve("none.yaml") + ": configuration file not found"), m.err());
  }

  /**
   * The "keep" rule: a TempPass integration with {@code ttl: 0} or {@code maxResources: 0} still
   * loads (its decisions answer invalid_configuration_temporary_access), and the check says so,
   * naming the setting.
   */
  @Test
  void unusable_tempPass_rules_load_with_a_warning_naming_the_setting() throws Exception {
    String yaml =
        replace("    ttl: 3m", "    ttl: 0")
            .andThen(replace("    maxResources: 5", "    maxResources: 0"))
            .apply(valid());
    Result r = check(List.of(Files.writeString(dir.resolve("keep.yaml"), yaml)), Map.of());
    assertEquals(0, r.status(), r.err());
    assertTrue(
        r.err()
            .contains(
                "warning: integrations[0].ttl: 0: every decision of apasstest1/TempPass_TEST40 answers invalid_configuration_temporary_access"),
        r.err());
    assertTrue(
        r.err().contains("warning: integrations[1].maxResources: 0 (not positive)"), r.err());
  }

  /**
   * Every TEMPPASS_ setting override the README shows, with the value it shows, is accepted (the
   * process variables: StartupFailureProcessTest).
   */
  @Test
  void the_readme_overrides_are_accepted() throws Exception {
    List<String> shown = readmeVariables();
    assertTrue(shown.size() >= 6, "README shows its overrides with values: " + shown);
    Path file = Files.writeString(dir.resolve("readme.yaml"), valid());
    for (String assignment : shown) {
      String name = assignment.substring(0, assignment.indexOf('='));
      if (io.temppass.gateway.config.ConfigLoader.PROCESS_VARIABLES.contains(name))
        continue; // StartupFailureProcessTest
      // Shown as refused without --dev (StartupFailureProcessTest).
      if (assignment.equals("TEMPPASS_MODE=development")) continue;
      String value = assignment.substring(name.length() + 1);
      Result r = check(List.of(file), Map.of(name, value));
      assertEquals(0, r.status(), assignment + ": " + r.err());
    }
  }

  /** {@code NAME=value} pairs of TEMPPASS_ variables in README's configuration section. */
  static List<String> readmeVariables() throws Exception {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("`(TEMPPASS_[A-Z0-9_]+=[^`]*)`")
            .matcher(Files.readString(Path.of("README.md")));
    while (m.find()) out.add(m.group(1));
    return out;
  }

  record Result(int status, String out, String err) {}

  static Result check(List<Path> files, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        ConfigCheck.run(
            files,
            env,
            false,
            false,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void assertNoStackTrace(Result r) {
    String all = r.out() + r.err();
    assertFalse(
        all.contains("Exception") || all.contains("\tat ") || all.contains("Error:"),
        "no Java exception in:\n" + all);
  }
}
