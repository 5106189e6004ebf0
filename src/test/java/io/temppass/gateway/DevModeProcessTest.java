package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temppass.gateway.dev.DevBanner;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.TestRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dev} as a person runs it: {@code java … Main --dev} in a process of its own, in a
 * process group of its own as a terminal's foreground job is, from the working tree (so the shipped
 * {@code conf/gateway.yaml} and {@code conf/dev.yaml}). One process for the class, its steps in
 * order: what it prints and logs, the regular-MVPD path (with a fresh JVM, so the first MVPD call
 * of the process is this one), the printed walk-through pasted into {@code bash}, and last the
 * stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevModeProcessTest {
  /** Generous: a loaded machine may take a while to start a JVM and an embedded Redis. */
  private static final long BOUND_SECONDS = 120;

  private static final String DEVICE =
      "fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi";

  @TempDir static Path dir;
  static Path log;
  static Process process;
  static int port;
  static int redisPort;
  static String mvpdOrigin;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    port = TestRedis.freePort();
    log = dir.resolve("dev.log");
    // setsid: a process group of its own, which the stop step signals as a whole (Ctrl-C does).
    ProcessBuilder builder =
        setsid()
            ? prefixed("setsid", GatewayProcess.builder("--dev"))
            : GatewayProcess.builder("--dev");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPPASS_"));
    builder.environment().put("TEMPPASS_SERVER__PORT", Integer.toString(port));
    process = builder.start();
    // The banner is whole once the reference app's address, printed last, has its line: the
    // walk-through's last step is followed by the client-registration lines, printed a moment
    // later, so "ends with step 7" held only until they came.
    Pattern lastLine =
        Pattern.compile("\nThe reference app [^\n]*\nhttp://127\\.0\\.0\\.1:\\d+/\n");
    String output = await(o -> o.contains("# 7. ") && lastLine.matcher(o).find());
    Matcher redis =
        Pattern.compile("started an embedded Redis on 127\\.0\\.0\\.1:(\\d+)").matcher(output);
    assertTrue(redis.find(), output);
    redisPort = Integer.parseInt(redis.group(1));
    Matcher mvpd =
        Pattern.compile("reference MVPD, issuer (http://127\\.0\\.0\\.1:\\d+)/mvpd")
            .matcher(output);
    assertTrue(mvpd.find(), output);
    mvpdOrigin = mvpd.group(1);
    Matcher printed = Pattern.compile("\nTOKEN='([^']+)'\n").matcher(output);
    assertTrue(printed.find(), output);
    token = printed.group(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
  }

  /**
   * Text logs for a person at a terminal, not JSON. Caught breakage: {@code --dev} logging JSON (as
   * before, unless TEMPPASS_LOG_FORMAT=text was set).
   */
  @Test
  @Order(1)
  void logs_text_by_default() throws Exception {
    String started =
        Files.readString(log)
            .lines()
            .filter(l -> l.contains("development: started an embedded Redis"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        started.matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z WARN  io\\.temppass\\.gateway\\.dev\\..*"),
        started);
  }

  /**
   * A throttle a person trying requests by hand does not meet, printed with the token. Caught
   * breakage: conf/dev.yaml without its throttle (production's 1 a second, burst 10) or the line
   * missing from the banner.
   */
  @Test
  @Order(2)
  void prints_the_loose_development_throttle() throws Exception {
    assertTrue(
        Files.readString(log)
            .contains(
                "Throttle (development, conf/dev.yaml): 20 requests a second per client IP, burst"
                    + " 200"),
        Files.readString(log));
  }

  /**
   * The walk-through printed is the README's (WalkthroughReadmeTest) with this run's token and
   * ports. Caught breakage: a walk-through printed from a second copy of the text.
   */
  @Test
  @Order(3)
  void prints_the_walkthrough_with_this_runs_token_and_ports() throws Exception {
    assertTrue(
        Files.readString(log)
            .contains(DevBanner.walkthrough("http://127.0.0.1:" + port, mvpdOrigin, token)),
        Files.readString(log));
  }

  /**
   * The first MVPD calls of the process (the walk-through's, or else these: a sign-in through the
   * reference MVPD, then an authorization) log no warning; Micrometer's "This Gauge has been
   * already registered" for Vert.x's HTTP client gauge used to come with the first one. Caught
   * breakage: GatewayMetrics.vertxWithMetrics without Logs.dropVertxGaugeReRegistrationWarnings.
   */
  @Test
  @Order(5)
  void the_first_mvpd_calls_log_no_warning() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String gateway = "http://127.0.0.1:" + port;
    String form =
        "mvpd=Cablevision&domainName=127.0.0.1&redirectUrl="
            + URLEncoder.encode(mvpdOrigin + "/app/signed-in", StandardCharsets.UTF_8);
    String session =
        send(
            http,
            api(gateway + "/api/v2/REF30/sessions")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    Matcher code = Pattern.compile("\"code\":\"([A-Z0-9]+)\"").matcher(session);
    assertTrue(code.find(), session);
    String landed =
        send(
            http,
            HttpRequest.newBuilder(
                URI.create(gateway + "/api/v2/authenticate/REF30/" + code.group(1))));
    assertTrue(landed.contains("/app/signed-in"), landed);
    String decision =
        send(
            http,
            api(gateway + "/api/v2/REF30/decisions/authorize/Cablevision")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resources\":[\"REF30\"]}")));
    assertTrue(decision.contains("\"authorized\":true"), decision);
    String output = Files.readString(log);
    assertFalse(output.contains("already registered"), output);
    assertFalse(output.contains(" WARN  io.micrometer"), output);
  }

  /**
   * The printed walk-through works when pasted into a shell: every step answers as its comment
   * says. Needs curl and jq, as the README says (.ci/run installs them); skipped without them.
   * Caught breakage: a step a shell cannot run as printed (the code to be copied by hand, as
   * before), a dropped step, a wrong path or port.
   */
  @Test
  @Order(4)
  void the_printed_walkthrough_works_when_pasted_into_bash() throws Exception {
    assumeTrue(onPath("curl") && onPath("jq"), "the walk-through needs curl and jq");
    String walkthrough = DevBanner.walkthrough("http://127.0.0.1:" + port, mvpdOrigin, token);
    Path out = dir.resolve("walkthrough.out");
    Process bash =
        new ProcessBuilder("bash", "-c", walkthrough)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!bash.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      bash.destroyForcibly();
      fail("the walk-through did not finish: " + Files.readString(out));
    }
    String answers = Files.readString(out);
    assertEquals(0, bash.exitValue(), answers);
    assertTrue(answers.matches("(?s)code: [A-Z0-9]{8}\n.*"), answers);
    for (String expected :
        new String[] {
          "This is the app's page at /app/signed-in",
          "\"userID\":{\"value\":\"dev-subscriber\"",
          "\"source\":\"mvpd\",\"authorized\":true",
          "authorization_denied_by_mvpd",
          "\"actionName\":\"logout\"",
          "authenticated_profile_missing"
        }) assertTrue(answers.contains(expected), expected + " in:\n" + answers);
  }

  /**
   * A stop signalled to the whole process group, as Ctrl-C at a terminal or a supervisor's stop
   * does: the embedded Redis keeps answering while the gateway drains and is stopped after it, so
   * the control-plane poll never meets "Connection refused"; the process exits 0 and leaves no
   * Redis behind. Caught breakage: the embedded Redis in the gateway's process group
   * (DevEnvironment without inOwnSession), which took the signal and stopped first.
   */
  @Test
  @Order(6)
  void a_stop_signal_to_the_group_stops_the_gateway_before_its_redis() throws Exception {
    assumeTrue(setsid(), "needs setsid to give the gateway a process group of its own");
    assertTrue(ping(redisPort), "the embedded Redis answers before the stop");
    Process kill =
        new ProcessBuilder("kill", "-TERM", "--", "-" + process.pid()).inheritIO().start();
    assertEquals(0, kill.waitFor());
    // SIGTERM drains for server.shutdownReadinessDelay (5 s in conf/gateway.yaml) before stopping.
    await(o -> o.contains("shutting down: readiness off"));
    assertTrue(ping(redisPort), "the embedded Redis still answers while the gateway drains");
    if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS))
      fail("did not stop: " + Files.readString(log));
    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("temppass-gateway stopped"), output);
    assertFalse(output.contains("Connection refused"), output);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ping(redisPort) && System.nanoTime() < deadline) Thread.sleep(100);
    assertFalse(ping(redisPort), "the embedded Redis is stopped with the gateway");
  }

  private static HttpRequest.Builder api(String url) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token)
        .header("AP-Device-Identifier", DEVICE);
  }

  private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
    return http.send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The log once {@code done} holds; fails when the process exits or the bound passes first. */
  private static String await(Predicate<String> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (System.nanoTime() < deadline) {
      String output = Files.readString(log);
      if (done.test(output)) return output;
      if (!process.isAlive()) fail("the gateway exited " + process.exitValue() + ":\n" + output);
      Thread.sleep(100);
    }
    return fail("not seen within " + BOUND_SECONDS + " s:\n" + Files.readString(log));
  }

  /** A PING on a fresh connection: true on PONG, false when nothing listens or answers. */
  private static boolean ping(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      int read = in.readNBytes(reply, 0, reply.length);
      return new String(reply, 0, read, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static ProcessBuilder prefixed(String program, ProcessBuilder builder) {
    builder.command().add(0, program);
    return builder;
  }

  private static boolean setsid() {
    return onPath("setsid");
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }
}
