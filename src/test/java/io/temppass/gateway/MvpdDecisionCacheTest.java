package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MVPD decision cache in Redis, shared by every gateway process (SPEC 4.6): concurrent
 * identical decisions across processes make one MVPD call per cache period; a decision lives {@code
 * min(MVPD TTL, authorizationTtl)}; a logout or a new login starts afresh.
 */
class MvpdDecisionCacheTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  Vertx vertx;
  TestMvpd mvpd;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  JsonObject config(JsonObject integrationExtras) throws Exception {
    JsonObject integration = mvpd.integration(SP, MVPD).mergeIn(integrationExtras);
    return TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), integration), SP);
  }

  /**
   * 200 concurrent decisions for one profile and one resource, over two gateway processes (each its
   * own Vert.x, Redis pool and event bus), make exactly one MVPD call, and all 200 are permits.
   * Breakage caught: without the fill lock (authz_cache.lua always electing the caller) each
   * process's single flight still calls once, so the count is 2; without single flight and lock,
   * dozens.
   */
  @Test
  void two_hundred_concurrent_decisions_over_two_processes_make_one_mvpd_call() throws Exception {
    JsonObject config = config(new JsonObject());
    JsonObject second = config.copy();
    second.getJsonObject("server").put("port", 0);
    mvpd.nextLogin("subscriber-cache", Map.of());
    try (Pods pods = Pods.startEach(config, second)) {
      String device = "device-cache";
      new MvpdSignIn(vertx, pods.port(0)).signIn(SP, MVPD, device).await(30, TimeUnit.SECONDS);
      Api a = new Api(vertx, pods.port(0), 100);
      Api b = new Api(vertx, pods.port(1), 100);
      List<Future<JsonObject>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Api api = i % 2 == 0 ? a : b;
        all.add(
            api.authorize(SP, MVPD, device, null, "blockbuster")
                .map(r -> r.getJsonArray("decisions").getJsonObject(0)));
      }
      Future.all(all).await(60, TimeUnit.SECONDS);
      for (Future<JsonObject> f : all)
        assertTrue(f.result().getBoolean("authorized"), f.result().encode());
      assertEquals(1, mvpd.calls("blockbuster"));
      long notAfter = all.get(0).result().getLong("notAfter");
      for (Future<JsonObject> f : all)
        assertEquals(
            notAfter, f.result().getLong("notAfter"), "every answer is the one cached decision");
    }
  }

  /**
   * The MVPD's TTL, shorter than authorizationTtl, bounds the decision and its cache; then the MVPD
   * is asked again.
   */
  @Test
  void a_decision_lives_the_mvpds_ttl_when_shorter_then_the_mvpd_is_asked_again() throws Exception {
    mvpd.ttlSeconds(1);
    mvpd.nextLogin("subscriber-ttl", Map.of());
    try (Pods pods = Pods.startEach(config(new JsonObject().put("authorizationTtl", "1h")))) {
      String device = "device-ttl";
      new MvpdSignIn(vertx, pods.port(0)).signIn(SP, MVPD, device).await(30, TimeUnit.SECONDS);
      Api api = new Api(vertx, pods.port(0));
      JsonObject first =
          api.authorize(SP, MVPD, device, null, "short")
              .await(10, TimeUnit.SECONDS)
              .getJsonArray("decisions")
              .getJsonObject(0);
      assertEquals(first.getLong("notBefore") + 1_000, first.getLong("notAfter"));
      assertEquals(
          first.getLong("notAfter"),
          first.getJsonObject("token").getLong("notAfter"),
          "a token never outlives its decision");
      api.authorize(SP, MVPD, device, null, "short").await(10, TimeUnit.SECONDS);
      assertEquals(1, mvpd.calls("short"), "cached within the MVPD's TTL");
      long deadline = System.currentTimeMillis() + 10_000;
      while (mvpd.calls("short") < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
        api.authorize(SP, MVPD, device, null, "short").await(10, TimeUnit.SECONDS);
      }
      assertEquals(2, mvpd.calls("short"), "asked again once the MVPD's TTL passed");
    }
  }

  /** authorizationTtl, shorter than the MVPD's TTL, wins. */
  @Test
  void authorization_ttl_caps_the_mvpds_ttl() throws Exception {
    mvpd.ttlSeconds(3600);
    mvpd.nextLogin("subscriber-cap", Map.of());
    try (Pods pods = Pods.startEach(config(new JsonObject().put("authorizationTtl", "10m")))) {
      String device = "device-cap";
      new MvpdSignIn(vertx, pods.port(0)).signIn(SP, MVPD, device).await(30, TimeUnit.SECONDS);
      JsonObject d =
          new Api(vertx, pods.port(0))
              .authorize(SP, MVPD, device, null, "capped")
              .await(10, TimeUnit.SECONDS)
              .getJsonArray("decisions")
              .getJsonObject(0);
      assertEquals(d.getLong("notBefore") + 600_000, d.getLong("notAfter"));
    }
  }

  /**
   * A new login (a new profile generation) never sees the previous login's cached decisions. Two
   * sessions are opened before either signs in (once a valid profile exists, a new session answers
   * "authorize" instead); the second login replaces the first's profile. Breakage caught: cache
   * keys without the generation would answer the second subscriber with the first's decision.
   */
  @Test
  void a_new_login_asks_the_mvpd_again() throws Exception {
    try (Pods pods = Pods.startEach(config(new JsonObject()))) {
      String device = "device-relogin";
      MvpdSignIn browser = new MvpdSignIn(vertx, pods.port(0));
      Api api = new Api(vertx, pods.port(0));
      JsonObject first = browser.createSession(SP, MVPD, device).await(10, TimeUnit.SECONDS);
      JsonObject second = browser.createSession(SP, MVPD, device).await(10, TimeUnit.SECONDS);
      mvpd.nextLogin("subscriber-a", Map.of());
      browser.browse(first.getString("url")).await(30, TimeUnit.SECONDS);
      api.authorize(SP, MVPD, device, null, "title").await(10, TimeUnit.SECONDS);
      api.authorize(SP, MVPD, device, null, "title").await(10, TimeUnit.SECONDS);
      assertEquals(1, mvpd.calls("title"));
      mvpd.nextLogin("subscriber-b", Map.of());
      browser.browse(second.getString("url")).await(30, TimeUnit.SECONDS);
      api.authorize(SP, MVPD, device, null, "title").await(10, TimeUnit.SECONDS);
      assertEquals(2, mvpd.calls("title"));
      assertEquals("subscriber-b", mvpd.subjectOf("title"));
    }
  }
}
