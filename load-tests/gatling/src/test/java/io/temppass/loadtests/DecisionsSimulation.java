package io.temppass.loadtests;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.doSwitch;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.onCase;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The realistic TempPass mix against temppass-gateway, with the integrations of
 * load-tests/bench/bench.yaml (service provider "bench").
 *
 * <p>Properties ({@code -Dname=value}, else the environment variable in brackets, else the
 * default):
 *
 * <ul>
 *   <li>{@code baseUrl} [BASE_URL] gateway URL, default http://127.0.0.1:8080
 *   <li>{@code token} [TOKEN] RS256 access token (required)
 *   <li>{@code profile} [PROFILE] {@code open}: constant arrival rate, one request per virtual
 *       user, {@code rate} [RATE] users (= requests) per second, default 100; {@code closed}:
 *       {@code users} [USERS] concurrent users (default 64), each sending its next request as soon
 *       as the last one is answered
 *   <li>{@code duration} [DURATION] injection duration: 30s, 2m, or seconds; default 30s
 *   <li>{@code randomized} [RANDOMIZED] open model only: Poisson-like arrivals instead of evenly
 *       spaced
 *   <li>{@code devices} [DEVICES] distinct devices, identities and client IPs, default 200000
 *   <li>{@code sp} [SP] service provider, default bench
 * </ul>
 *
 * <p>The open model is the one to read latency from: arrivals do not wait for answers, so a slow
 * response cannot hide the requests that would have queued behind it (no coordinated omission).
 *
 * <p>Mix, per device (device number d, so every device keeps one integration, like a real app): d %
 * 20 in 0-7 basic TempPass (40 %), 8-14 promotional (35 %), 15-17 a degraded (AuthNAll) regular
 * mvpd (15 %), 18-19 a dummy-authorization mvpd (10 %). One request in ten is a profiles read for
 * the device's integration, the rest are decisions for 1 (60 %), 2 (25 %) or 3 (15 %) resources
 * taken from the device's own 5 titles (so a promotional trial stays within its 5 resources and
 * keeps answering permits with media tokens). Devices are visited round-robin, each with its own
 * X-Forwarded-For 10.x.y.z, so with 200,000 devices no client IP comes near the throttle's 1 r/s.
 */
public class DecisionsSimulation extends Simulation {

  static final String[] MVPDS = {"TempPassBasic", "TempPassPromo", "DegradedMvpd", "DummyMvpd"};
  static final String[] KINDS = {"basic", "promo", "degraded", "dummy"};

  final String baseUrl = setting("baseUrl", "BASE_URL", "http://127.0.0.1:8080");
  final String token = setting("token", "TOKEN", "");
  final String profile = setting("profile", "PROFILE", "open").toLowerCase(Locale.ROOT);
  final double rate = Double.parseDouble(setting("rate", "RATE", "100"));
  final int users = Integer.parseInt(setting("users", "USERS", "64"));
  final Duration duration = duration(setting("duration", "DURATION", "30s"));
  final boolean randomized = Boolean.parseBoolean(setting("randomized", "RANDOMIZED", "false"));
  final int devices = Integer.parseInt(setting("devices", "DEVICES", "200000"));
  final String sp = setting("sp", "SP", "bench");

  /** Endless, thread-safe feeder over the device population; one record per request. */
  final class MixFeeder implements Iterator<Map<String, Object>> {
    private final AtomicLong next = new AtomicLong();
    private final Base64.Encoder b64 = Base64.getEncoder();

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public Map<String, Object> next() {
      long seq = next.getAndIncrement();
      int d = (int) (seq % devices);
      long visit = seq / devices;
      int kind = kindOf(d % 20);
      boolean promo = kind == 1;
      // multiplicative hash of d (as in gateway.lua): request shape independent of the integration
      long mix = (d * 2654435761L) >>> 16;
      boolean profileRead = ((mix >>> 8) + visit) % 10 == 3;
      Map<String, Object> r = new HashMap<>(12);
      String dev = String.format(Locale.ROOT, "dev%06d", d);
      r.put("device", "fingerprint " + b64.encodeToString(dev.getBytes(StandardCharsets.US_ASCII)));
      r.put("xff", "10." + (d >>> 16) + "." + ((d >>> 8) & 255) + "." + (d & 255));
      if (promo) {
        String identity = String.format(Locale.ROOT, "{\"email\":\"bu%06d@bench.example\"}", d);
        r.put("identity", b64.encodeToString(identity.getBytes(StandardCharsets.UTF_8)));
      }
      r.put("variant", (profileRead ? "profile" : "decide") + (promo ? "-identity" : ""));
      if (profileRead) {
        r.put("name", "profile " + KINDS[kind]);
        r.put("path", "/api/v2/" + sp + "/profiles/" + MVPDS[kind]);
      } else {
        int count = countOf((int) ((mix + visit) % 20));
        StringBuilder body = new StringBuilder("{\"resources\":[");
        int base = d % 1000;
        for (int j = 0; j < count; j++) {
          if (j > 0) body.append(',');
          body.append("\"title-").append((base + (visit + j) % 5) % 1000).append('"');
        }
        r.put("name", "decide " + KINDS[kind] + " x" + count);
        r.put("path", "/api/v2/" + sp + "/decisions/authorize/" + MVPDS[kind]);
        r.put("body", body.append("]}").toString());
      }
      return r;
    }
  }

  static int kindOf(int slot) {
    return slot < 8 ? 0 : slot < 15 ? 1 : slot < 18 ? 2 : 3;
  }

  static int countOf(int slot) {
    return slot < 12 ? 1 : slot < 17 ? 2 : 3;
  }

  final HttpProtocolBuilder protocol =
      http.baseUrl(baseUrl)
          .acceptHeader("application/json")
          .header("Authorization", "Bearer " + token)
          // One pool of keep-alive connections for all virtual users, as behind a load balancer;
          // without it every open-model user (one request) would open its own TCP connection.
          .shareConnections()
          .disableWarmUp()
          .disableCaching();

  ChainBuilder decide(boolean identity) {
    var request =
        http("#{name}")
            .post("#{path}")
            .header("Content-Type", "application/json")
            .header("AP-Device-Identifier", "#{device}")
            .header("X-Forwarded-For", "#{xff}")
            .body(StringBody("#{body}"))
            .check(status().is(200));
    return exec(identity ? request.header("AP-TempPass-Identity", "#{identity}") : request);
  }

  ChainBuilder profileRead(boolean identity) {
    var request =
        http("#{name}")
            .get("#{path}")
            .header("AP-Device-Identifier", "#{device}")
            .header("X-Forwarded-For", "#{xff}")
            .check(status().is(200));
    return exec(identity ? request.header("AP-TempPass-Identity", "#{identity}") : request);
  }

  final ChainBuilder oneRequest =
      feed(new MixFeeder())
          .exec(
              doSwitch("#{variant}")
                  .on(
                      onCase("decide").then(decide(false)),
                      onCase("decide-identity").then(decide(true)),
                      onCase("profile").then(profileRead(false)),
                      onCase("profile-identity").then(profileRead(true))));

  {
    if (token.isBlank()) {
      throw new IllegalArgumentException(
          "set -Dtoken=<RS256 access token> (or TOKEN); load-tests/bench/run.sh makes one");
    }
    PopulationBuilder population;
    if (profile.equals("open")) {
      OpenInjectionStep step =
          randomized
              ? constantUsersPerSec(rate).during(duration).randomized()
              : constantUsersPerSec(rate).during(duration);
      ScenarioBuilder scn =
          scenario("TempPass mix, open model, " + rate + " req/s").exec(oneRequest);
      population = scn.injectOpen(step);
    } else if (profile.equals("closed")) {
      ScenarioBuilder scn =
          scenario("TempPass mix, closed model, " + users + " users").forever().on(oneRequest);
      population = scn.injectClosed(constantConcurrentUsers(users).during(duration));
    } else {
      throw new IllegalArgumentException("profile must be open or closed, got '" + profile + "'");
    }
    System.out.printf(
        "DecisionsSimulation: %s model, %s, %s, %d devices, %s%n",
        profile,
        profile.equals("open")
            ? rate + " users/s" + (randomized ? " (randomized)" : "")
            : users + " users",
        duration,
        devices,
        baseUrl);
    setUp(population)
        .protocols(protocol)
        .maxDuration(duration.plusSeconds(profile.equals("open") ? 30 : 0));
  }

  static String setting(String property, String env, String fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(env);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /** 30s, 2m, 1h, 500ms, an ISO-8601 duration, or a number of seconds. */
  static Duration duration(String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) return Duration.parse(s.trim().toUpperCase(Locale.ROOT));
    if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    if (v.endsWith("s")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    if (v.endsWith("m")) return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    if (v.endsWith("h")) return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
    return Duration.ofSeconds(Long.parseLong(v));
  }
}
