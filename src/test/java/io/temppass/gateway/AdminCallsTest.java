package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.http.AdminHandlers;
import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Admin calls on TempPass integrations: Adobe's empty reset parameters, who made a call,
 * degradation's scope.
 */
@ExtendWith(VertxExtension.class)
class AdminCallsTest {
  static final String SP = "apasstest1";
  static final long TTL = 300;

  /** The {@code sub} of {@link AccessTokens#claims()}: the admin client's id. */
  static final String ADMIN_CLIENT = "c4fc3e7e-12d9-495d-b742-6aeac8a490e7";

  Gateway gateway;
  Api api;
  LogCapture logs;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    logs = new LogCapture();
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.basic(SP, "basic", TTL),
            TestGateway.promotional(SP, "promo", TTL, 1),
            new JsonObject()
                .put("serviceProvider", SP)
                .put("mvpd", "Cablevision")
                .put("type", "regular"));
    gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, gateway.port());
  }

  @AfterEach
  void stop() throws Exception {
    logs.close();
    api.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
  }

  private boolean permitted(String mvpd, String device, String email, String resource)
      throws Exception {
    return api.authorize(SP, mvpd, device, email, resource)
        .await(10, TimeUnit.SECONDS)
        .getJsonArray("decisions")
        .getJsonObject(0)
        .getBoolean("authorized");
  }

  /**
   * Adobe's reset API: "device_id (when no value is provided, defaults to all)", and the same for
   * {@code key}. Before the fix an empty value was refused with 400 {@code
   * invalid_parameter_reset}. Catches: AdminHandlers treating an empty value as invalid again.
   */
  @Test
  void an_empty_device_id_or_key_resets_all(Vertx vertx) throws Exception {
    assertTrue(permitted("basic", "empty-1", null, "r"));
    assertTrue(permitted("promo", "empty-2", "viewer@example.com", "r1"));
    assertFalse(permitted("promo", "empty-2", "viewer@example.com", "r2"), "one resource only");
    long deadline = System.currentTimeMillis() + 10_000;
    while (permitted("basic", "empty-1", null, "r")) {
      assertTrue(System.currentTimeMillis() < deadline, "basic pass never expired");
      vertx.timer(50).await(5, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> byDevice =
        api.admin(
                HttpMethod.DELETE,
                "/reset-tempass/v3/reset?requestor_id=" + SP + "&mvpd_id=basic&device_id=")
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(204, byDevice.statusCode(), byDevice.bodyAsString());
    HttpResponse<Buffer> byKey =
        api.admin(
                HttpMethod.DELETE,
                "/reset-tempass/v3/reset/generic?requestor_id=" + SP + "&mvpd_id=promo&key=")
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(204, byKey.statusCode(), byKey.bodyAsString());

    assertTrue(permitted("basic", "empty-1", null, "r"), "every basic pass was reset");
    assertTrue(
        permitted("promo", "empty-2", "viewer@example.com", "r2"),
        "every promotional trial was reset");
    assertTrue(
        logged(
            "TempPass reset ALL on "
                + SP
                + "/basic (empty device_id: all) by admin client "
                + ADMIN_CLIENT));
    assertTrue(
        logged(
            "TempPass reset ALL on "
                + SP
                + "/promo (empty key: all) by admin client "
                + ADMIN_CLIENT));
  }

  /**
   * Every admin call is logged at INFO with the admin client's id and never its token. Catches: the
   * log line without the client (as before the fix), or with the Authorization header.
   */
  @Test
  void admin_calls_log_the_client_that_made_them_never_its_token() throws Exception {
    String bearer = AccessTokens.adminBearer();
    assertEquals(
        204,
        api.admin(
                HttpMethod.DELETE,
                "/reset-tempass/v3/reset?requestor_id="
                    + SP
                    + "&mvpd_id=basic&device_id=some-device")
            .putHeader("Authorization", bearer)
            .send()
            .await(10, TimeUnit.SECONDS)
            .statusCode());
    assertEquals(
        204,
        api.admin(HttpMethod.PUT, "/admin/v1/degradation/" + SP + "/Cablevision")
            .putHeader("Authorization", bearer)
            .sendJsonObject(new JsonObject().put("rule", "AuthNAll"))
            .await(10, TimeUnit.SECONDS)
            .statusCode());
    assertTrue(logged("TempPass reset DEVICE on " + SP + "/basic by admin client " + ADMIN_CLIENT));
    assertTrue(
        logged(
            "degradation on "
                + SP
                + "/Cablevision set to AuthNAll by admin client "
                + ADMIN_CLIENT));
    for (String line : logs.lines()) {
      assertFalse(line.contains(bearer.substring("Bearer ".length(), 40)), line);
      if (line.contains("by admin client")) assertTrue(line.startsWith("INFO "), line);
    }
  }

  /**
   * The degradation API on a TempPass integration: the integration exists, so "does not exist or is
   * disabled" (the answer before the fix) misleads; the answer says degradation is for regular
   * MVPDs. Catches: AdminHandlers answering with the generic {@code invalid_integration} message
   * again.
   */
  @Test
  void degradation_on_a_temppass_integration_says_it_applies_to_regular_mvpds_only()
      throws Exception {
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
      HttpResponse<Buffer> res =
          api.admin(method, "/admin/v1/degradation/" + SP + "/promo")
              .send()
              .await(10, TimeUnit.SECONDS);
      assertEquals(400, res.statusCode());
      JsonObject body = res.bodyAsJsonObject();
      assertEquals("invalid_integration", body.getString("code"));
      assertEquals(
          "Degradation applies to regular MVPD integrations only; this integration is a TempPass one.",
          body.getString("message"));
    }
    HttpResponse<Buffer> unknown =
        api.admin(HttpMethod.GET, "/admin/v1/degradation/" + SP + "/NoSuchMvpd")
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(
        "The integration between the specified service provider and mvpd does not exist or is disabled.",
        unknown.bodyAsJsonObject().getString("message"));
  }

  private boolean logged(String text) {
    return logs.lines().contains("INFO " + AdminHandlers.class.getName() + ": " + text);
  }
}
