package io.temppass.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.Gateway;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code dcr} settings: their defaults, and a bad value stopping start-up with the setting's
 * name. Catches: a second active statement key, a development key in production or a key that does
 * not parse being accepted.
 */
class DcrConfigurationTest {
  private static String problem(JsonObject tree) {
    return assertThrows(ConfigException.class, () -> TestGateway.parse(tree)).getMessage();
  }

  @Test
  void defaults_leave_dcr_off_with_adobes_token_lifetime() {
    GatewayConfig config = TestGateway.parse(TestGateway.config());
    assertTrue(config.dcr().statementKeys().isEmpty());
    assertEquals(Duration.ofHours(6), config.dcr().accessTokenLifetime());
    assertNull(config.dcr().issuer());
    assertEquals("temppass-gateway", config.dcrIssuer());
    assertEquals(Dcr.ISSUER, TestGateway.parse(Dcr.with(TestGateway.config())).dcrIssuer());
  }

  @Test
  void bad_dcr_settings_name_themselves() {
    JsonObject twoActive = Dcr.with(TestGateway.config());
    JsonArray keys = twoActive.getJsonObject("dcr").getJsonArray("statementKeys");
    keys.add(keys.getJsonObject(0).copy().put("kid", "second"));
    assertTrue(problem(twoActive).contains("dcr.statementKeys: exactly one key must be active"));

    JsonObject devKey =
        TestGateway.config().put("dcr", new JsonObject().put("generateDevelopmentKey", true));
    assertTrue(
        problem(devKey).contains("dcr.generateDevelopmentKey: only allowed in mode: development"));

    JsonObject noKid = Dcr.with(TestGateway.config());
    noKid.getJsonObject("dcr").getJsonArray("statementKeys").getJsonObject(0).remove("kid");
    assertTrue(problem(noKid).contains("dcr.statementKeys[0].kid: is required"));

    JsonObject lifetime = Dcr.with(TestGateway.config());
    lifetime.getJsonObject("dcr").put("accessTokenLifetime", "0s");
    assertTrue(problem(lifetime).contains("dcr.accessTokenLifetime"), problem(lifetime));
  }

  @Test
  void a_statement_key_that_does_not_parse_stops_start_up_naming_it() throws Exception {
    JsonObject tree = Dcr.with(TestGateway.config());
    tree.getJsonObject("dcr")
        .getJsonArray("statementKeys")
        .getJsonObject(0)
        .put("privateKey", TestGateway.MEDIA_KEY.privateKeyPem());
    Vertx vertx = Vertx.vertx();
    try {
      Throwable failure =
          assertThrows(
              Exception.class,
              () -> Gateway.start(vertx, TestGateway.parse(tree)).await(30, TimeUnit.SECONDS));
      assertTrue(failure.getMessage().contains("dcr.statementKeys[0]"), failure.getMessage());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
