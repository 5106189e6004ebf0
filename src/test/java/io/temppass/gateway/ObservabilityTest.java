package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator kit of {@code k8s/observability} (Grafana dashboard, alert rules in both formats,
 * docs/RUNBOOK.md) against a real gateway: a gateway on the production metrics set-up ({@link
 * GatewayMetrics#vertxWithMetrics}, /metrics on the management port) serves one request of every
 * kind (basic and promotional TempPass decisions, an MVPD sign-in and an MVPD decision, a throttled
 * 429, an event-bus timeout, a garbage collection), and every series that a dashboard query or an
 * alert expression names must then be in its /metrics, or be one of the few series of other
 * exporters listed in {@link #EXTERNAL}. Breakage caught: a misspelt or renamed series in the
 * dashboard or the rules (a panel that shows "No data" for ever, an alert that can never fire).
 */
class ObservabilityTest {
  static final Path DIR = Path.of("k8s", "observability");
  static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");
  static final Path RULES = DIR.resolve("alerts.rules.yaml");
  static final Path PROMETHEUS_RULE = DIR.resolve("prometheusrule.yaml");
  static final Path RULE_TESTS =
      Path.of("src", "test", "resources", "observability", "alerts.test.yaml");
  static final Path RUNBOOK = Path.of("docs", "RUNBOOK.md");
  static final String RUNBOOK_URL =
      "https://github.com/temppass-gateway/temppass-gateway/blob/main/docs/RUNBOOK.md#";

  /**
   * The only series the dashboard and the rules may use that the gateway does not export, with the
   * exporter that does. Each must be used (a stale entry fails the test too).
   */
  static final Map<String, String> EXTERNAL =
      Map.of(
          "kube_pod_status_ready", "kube-state-metrics",
          "kube_deployment_spec_replicas", "kube-state-metrics",
          "kube_deployment_status_replicas_available", "kube-state-metrics",
          "redis_memory_used_bytes", "redis_exporter",
          "redis_memory_max_bytes", "redis_exporter");

  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final String SP = "REF30";

  static Vertx vertx;
  static TestMvpd mvpd;

  /** The series names of the gateway's /metrics after one request of every kind. */
  static Set<String> exported;

  static String lastScrape;
  static io.temppass.gateway.xml.SigningCredential ours;
  static io.temppass.gateway.xml.SigningCredential pdp;

  @BeforeAll
  static void serveOneRequestOfEveryKind() throws Exception {
    vertx = GatewayMetrics.vertxWithMetrics(false);
    mvpd = TestMvpd.start(vertx);
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(
                TestGateway.config(),
                TestGateway.basic(SP, "TempPass_TEST40", "1h"),
                TestGateway.promotional(SP, "flexibleTempPass", "1h", 1),
                mvpd.integration(SP, "Cablevision"),
                xacmlIntegration()),
            SP);
    // Generous, for a loaded machine: the first sign-in waits for the MVPD's discovery document.
    config.getJsonObject("server").put("eventBusTimeout", "10s");
    int management = TestRedis.freePort();
    config.getJsonObject("server").put("managementPort", management);
    config.put(
        "throttle",
        new JsonObject().put("enabled", true).put("ratePerSecond", 0.001).put("burst", 40));
    Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, gateway.port());

    api.authorize(SP, "TempPass_TEST40", "o-device", null, "r1").await(10, TimeUnit.SECONDS);
    api.authorize(SP, "flexibleTempPass", "o-device", "o@example.com", "r1", "r2")
        .await(10, TimeUnit.SECONDS);
    signIn(gateway);
    api.authorize(SP, "Cablevision", "o-mvpd-device", null, "REF30").await(10, TimeUnit.SECONDS);
    int status = 0;
    for (int i = 0; i < 100 && status != 429; i++)
      status = api.get("/api/v2/" + SP + "/configuration").await(5, TimeUnit.SECONDS).statusCode();
    assertEquals(429, status, "the throttle's burst of 40 is spent within 100 requests");
    eventBusTimeout();
    System.gc(); // the GC pause series are registered at the first collection

    Api managementPort = new Api(vertx, management);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String scrape;
    do {
      scrape = managementPort.get("/metrics").await(5, TimeUnit.SECONDS).bodyAsString();
    } while (!scrape.contains("jvm_gc_pause_seconds_count") && System.nanoTime() < deadline);
    exported = seriesNames(scrape);
    lastScrape = scrape;
    assertTrue(exported.contains("temppass_eventbus_timeouts_total"), scrape);
  }

  /**
   * An integration deciding by XACML, its queries signed and its answers checked, so that the
   * certificate-expiry series of both its certificates is exported (it is never asked a decision).
   */
  static JsonObject xacmlIntegration() {
    ours = io.temppass.gateway.xml.SigningCredential.generate("observability-gateway");
    pdp = io.temppass.gateway.xml.SigningCredential.generate("observability-pdp");
    return mvpd.integration(SP, "XacmlObserved")
        .put(
            "authorization",
            new JsonObject()
                .put("type", "xacml")
                .put("url", mvpd.authorizationUrl())
                .put("signingKey", ours.privateKeyPem())
                .put("signingCertificate", ours.certificatePem())
                .put("signed", true)
                .put("certificates", new io.vertx.core.json.JsonArray().add(pdp.certificatePem())));
  }

  /**
   * One sign-in, tried up to three times: what is checked is the series it leaves, and on a loaded
   * machine the MVPD's first discovery may be too slow for the first attempt.
   */
  static void signIn(Gateway gateway) throws Exception {
    MvpdSignIn browser = new MvpdSignIn(vertx, gateway.port());
    try {
      for (int attempt = 1; ; attempt++) {
        mvpd.nextLogin("subscriber-7", Map.of("householdID", "HH-7", "zip", "10001"));
        try {
          browser.signIn(SP, "Cablevision", "o-mvpd-device").await(30, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (attempt == 3) throw e;
        }
      }
    } finally {
      browser.close();
    }
  }

  /**
   * A second gateway in the same process (so on the same registry, as every gateway of a process
   * is) whose TempPass hop cannot answer within its 1 ms event-bus timeout while Redis is paused;
   * the way MetricsTest provokes it.
   */
  static void eventBusTimeout() throws Exception {
    JsonObject config =
        TestGateway.with(TestGateway.config(), TestGateway.basic(SP, "TempPass_TEST40", "1h"));
    config.getJsonObject("server").put("eventBusTimeout", "1ms");
    Gateway second = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    // Every node is paused: against a cluster, the trial's key may live on any primary.
    java.util.List<Redis> nodes = new java.util.ArrayList<>();
    for (String endpoint : TestRedis.endpoints()) nodes.add(Redis.createClient(vertx, endpoint));
    try {
      for (Redis node : nodes)
        node.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(5_000).arg("ALL"))
            .await(5, TimeUnit.SECONDS);
      try {
        new Api(vertx, second.port())
            .decisions(SP, "TempPass_TEST40", "o-eb")
            .sendJsonObject(Api.body("r1"))
            .await(5, TimeUnit.SECONDS);
      } finally {
        for (Redis node : nodes)
          node.send(Request.cmd(Command.CLIENT).arg("UNPAUSE")).await(10, TimeUnit.SECONDS);
      }
    } finally {
      nodes.forEach(Redis::close);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (mvpd != null) mvpd.close();
    if (vertx != null) vertx.close().await(10, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // Every expression names exported series

  @Test
  void every_dashboard_query_uses_only_exported_series() throws IOException {
    Map<String, String> expressions = dashboardExpressions();
    assertFalse(expressions.isEmpty(), "no queries in " + DASHBOARD);
    assertOnlyExported(expressions);
  }

  @Test
  void every_alert_expression_uses_only_exported_series() throws IOException {
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode rule : rules())
      expressions.put(rule.path("alert").asText(), rule.path("expr").asText());
    assertFalse(expressions.isEmpty(), "no rules in " + RULES);
    assertOnlyExported(expressions);
  }

  /**
   * The certificate-expiry series carries the end of validity of each configured certificate, per
   * integration and use, as the alert TemppassCertificateExpiresSoon reads it. Breakage caught: a
   * series for the wrong certificate, or in milliseconds.
   */
  @Test
  void certificate_expiry_is_exported_per_integration_and_use() {
    assertEquals(
        ours.certificate().getNotAfter().getTime() / 1000.0,
        seriesValue(SP + "/XacmlObserved", "xacml_query_signing"),
        0.001);
    assertEquals(
        pdp.certificate().getNotAfter().getTime() / 1000.0,
        seriesValue(SP + "/XacmlObserved", "xacml_pdp"),
        0.001);
  }

  static double seriesValue(String integration, String use) {
    for (String line : lastScrape.split("\n")) {
      if (line.startsWith("temppass_certificate_expiry_timestamp_seconds{")
          && line.contains("integration=\"" + integration + "\"")
          && line.contains("use=\"" + use + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(
        "no certificate expiry of " + integration + " " + use + " in\n" + lastScrape);
  }

  /** Every entry of {@link #EXTERNAL} is used by the dashboard or the rules: no stale excuses. */
  @Test
  void every_external_series_allowed_is_used() throws IOException {
    Set<String> used = new TreeSet<>();
    for (String expr : dashboardExpressions().values()) used.addAll(metricNames(expr));
    for (JsonNode rule : rules()) used.addAll(metricNames(rule.path("expr").asText()));
    for (String name : EXTERNAL.keySet())
      assertTrue(used.contains(name), name + " is allowed as external but nothing uses it");
  }

  private static void assertOnlyExported(Map<String, String> expressions) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> e : expressions.entrySet()) {
      Set<String> names = metricNames(e.getValue());
      if (names.isEmpty()) missing.add(e.getKey() + ": names no series at all");
      for (String name : names) {
        if (!exported.contains(name) && !EXTERNAL.containsKey(name))
          missing.add(e.getKey() + ": " + name);
      }
    }
    assertTrue(
        missing.isEmpty(),
        "series that the gateway's /metrics does not have (and no listed exporter exports): "
            + missing);
  }

  /**
   * The reader of metric names finds every series of an expression and nothing else (functions,
   * keywords, label names, durations, numbers, Grafana variables), so the checks above are only as
   * lenient as this. Breakage caught: a reader that drops the name before a matcher or after {@code
   * offset}, or that takes {@code by (...)} labels for series.
   */
  @Test
  void the_metric_name_reader_finds_every_series_and_nothing_else() {
    assertEquals(
        Set.of("a_bucket", "b_total", "c", "d:e"),
        metricNames(
            "histogram_quantile(0.99, sum by (command, le) (rate(a_bucket{x=\"y{}\", ns=~\"$ns\"}"
                + "[$__rate_interval]))) > 1e3 and on(pod) group_left(zone) "
                + "max without (le) (b_total offset 5m) / (c > bool 0) or vector(1) unless d:e[5m:1m]"));
    assertEquals(
        Set.of("temppass_http_request_duration_seconds_count"),
        metricNames(
            "label_values(temppass_http_request_duration_seconds_count{namespace=~\"$namespace\"}, pod)"));
  }

  // ---------------------------------------------------------------------------------------------
  // The rules: one source, annotations, runbook sections, promtool

  /**
   * prometheusrule.yaml is the operator's copy of alerts.rules.yaml. Breakage caught: a rule
   * changed in one file and not in the other.
   */
  @Test
  void the_prometheus_rule_holds_the_groups_of_the_rules_file() throws IOException {
    JsonNode rule = documents(PROMETHEUS_RULE).get(0);
    assertEquals("PrometheusRule", rule.path("kind").asText());
    assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
    assertEquals(
        documents(RULES).get(0).path("groups"),
        rule.path("spec").path("groups"),
        PROMETHEUS_RULE + ": spec.groups must be the groups of " + RULES + ", word for word");
  }

  /**
   * Every alert has a severity, a summary, a description and a runbook_url that points at a section
   * of docs/RUNBOOK.md saying what to check and what to do. Breakage caught: a new alert without
   * its runbook section, a renamed heading.
   */
  @Test
  void every_alert_has_a_summary_a_description_and_a_runbook_section() throws IOException {
    Map<String, String> sections = runbookSections();
    for (JsonNode rule : rules()) {
      String alert = rule.path("alert").asText();
      assertFalse(alert.isBlank(), "a rule without an alert name: " + rule);
      assertTrue(
          Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()),
          alert + ": severity warning or critical");
      JsonNode annotations = rule.path("annotations");
      for (String a : List.of("summary", "description"))
        assertFalse(annotations.path(a).asText().isBlank(), alert + ": " + a + " is missing");
      String url = annotations.path("runbook_url").asText();
      assertTrue(url.startsWith(RUNBOOK_URL), alert + ": runbook_url " + url);
      String anchor = url.substring(RUNBOOK_URL.length());
      String section = sections.get(anchor);
      assertNotNull(section, alert + ": docs/RUNBOOK.md has no section #" + anchor);
      assertTrue(
          section.contains("**Check**") && section.contains("**Do**"),
          alert
              + ": its runbook section must say what to check (**Check**) and what to do (**Do**)");
    }
  }

  /**
   * {@code promtool check rules} accepts the rules file and {@code promtool test rules} passes the
   * unit tests of src/test/resources/observability/alerts.test.yaml. promtool comes with Debian's
   * {@code prometheus} package, which {@code .ci/run} installs; without it the test is skipped,
   * except under CI, where it fails.
   */
  @Test
  void promtool_accepts_the_rules_and_their_unit_tests() throws Exception {
    String promtool = onPath("promtool");
    if (promtool == null && "true".equalsIgnoreCase(System.getenv("CI")))
      fail("promtool is not installed (Debian package prometheus; .ci/run installs it)");
    assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus)");
    run(promtool, "check", "rules", RULES.toString());
    run(promtool, "test", "rules", RULE_TESTS.toString());
  }

  /**
   * Where kubectl is installed, kustomize itself renders the example overlay with the component:
   * the dashboard ConfigMap with its label and file, and the PrometheusRule.
   * (KubernetesManifestsTest checks the same from the YAML files alone, without kubectl.)
   */
  @Test
  void kustomize_renders_the_component_in_the_example_overlay() throws Exception {
    String kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not installed");
    String rendered = run(kubectl, "kustomize", "k8s/overlays/example");
    JsonNode configMap = null;
    JsonNode prometheusRule = null;
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        String key = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
        if (key.equals("ConfigMap/temppass-gateway-dashboard")) configMap = doc;
        if (key.equals("PrometheusRule/temppass-gateway")) prometheusRule = doc;
      }
    }
    assertNotNull(configMap, "no dashboard ConfigMap in the rendered overlay");
    assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText());
    assertEquals(
        JSON.readTree(DASHBOARD.toFile()),
        JSON.readTree(configMap.path("data").path("grafana-dashboard.json").asText()));
    assertNotNull(prometheusRule, "no PrometheusRule in the rendered overlay");
    assertEquals(
        documents(RULES).get(0).path("groups"), prometheusRule.path("spec").path("groups"));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Every PromQL expression of the dashboard (panel targets and variable queries), by where. */
  static Map<String, String> dashboardExpressions() throws IOException {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      List<JsonNode> all = new ArrayList<>();
      all.add(panel);
      panel.path("panels").forEach(all::add); // panels of a collapsed row
      for (JsonNode p : all) {
        for (JsonNode target : p.path("targets")) {
          String expr = target.path("expr").asText();
          assertFalse(expr.isBlank(), "panel '" + p.path("title").asText() + "': empty query");
          out.put(
              "panel '" + p.path("title").asText() + "' " + target.path("refId").asText(), expr);
        }
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (!variable.path("type").asText().equals("query")) continue;
      JsonNode query = variable.path("query");
      out.put(
          "variable $" + variable.path("name").asText(),
          query.isObject() ? query.path("query").asText() : query.asText());
    }
    return out;
  }

  static List<JsonNode> rules() throws IOException {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode group : documents(RULES).get(0).path("groups"))
      group.path("rules").forEach(rules::add);
    return rules;
  }

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "atan2");

  /**
   * The metric names of a PromQL expression (or of a Grafana {@code label_values(series, label)}
   * query): every identifier that is not a function, keyword, label name in a matcher or a {@code
   * by}/{@code on} list, part of a duration or number, or a Grafana variable.
   */
  static Set<String> metricNames(String expression) {
    String s = expression;
    Matcher labelValues =
        Pattern.compile("^\\s*label_values\\((.*),\\s*[A-Za-z_]\\w*\\s*\\)\\s*$").matcher(s);
    if (labelValues.matches()) s = labelValues.group(1);
    s =
        s.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^\\]]*]", " ")
            .replaceAll(
                "(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*").matcher(s);
    while (m.find()) {
      String word = m.group();
      char before = m.start() == 0 ? ' ' : s.charAt(m.start() - 1);
      if (Character.isDigit(before) || before == '.' || before == '$') continue;
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) next++;
      if (next < s.length() && s.charAt(next) == '(') continue; // a function
      if (PROMQL_WORDS.contains(word.toLowerCase(Locale.ROOT))) continue;
      names.add(word);
    }
    return names;
  }

  /** The names of the series in a Prometheus text exposition. */
  static Set<String> seriesNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int end = line.length();
      for (char c : new char[] {'{', ' '}) {
        int i = line.indexOf(c);
        if (i >= 0 && i < end) end = i;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** docs/RUNBOOK.md's sections by their GitHub anchor. */
  static Map<String, String> runbookSections() throws IOException {
    Map<String, String> sections = new LinkedHashMap<>();
    String anchor = null;
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(RUNBOOK)) {
      if (line.startsWith("#")) {
        if (anchor != null) sections.put(anchor, text.toString());
        anchor =
            line.replaceFirst("^#+\\s*", "")
                .trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
        text.setLength(0);
      } else {
        text.append(line).append('\n');
      }
    }
    if (anchor != null) sections.put(anchor, text.toString());
    return sections;
  }

  static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) docs.add(it.next());
    }
    return docs;
  }

  static String onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) return candidate.toString();
    }
    return null;
  }

  /**
   * Runs a command from the project root: its standard output, or a failure with it (standard error
   * goes to the test's output).
   */
  static String run(String... command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " hung");
    String output = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    return output;
  }
}
