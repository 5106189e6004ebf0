package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * README command 1: the shipped dev overlay starts a real embedded Redis and a working gateway with
 * a development token.
 */
@ExtendWith(VertxExtension.class)
class DevModeTest {

  @Test
  void the_dev_configuration_serves_the_printed_request(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    DevEnvironment dev = new DevEnvironment();
    JsonObject tree =
        ConfigLoader.tree(
            List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml")),
            Map.of("TEMPPASS_SERVER__PORT", "0"));
    dev.prepare(tree);
    GatewayConfig config =
        GatewayConfig.from(
            tree,
            p -> {
              throw new IllegalStateException("no files in dev");
            });
    assertNotNull(dev.accessToken());
    // A person trying requests by hand sees why each one failed: the request log is on in --dev
    // (conf/dev.yaml) and off in production (defaults and conf/gateway.yaml).
    assertTrue(config.logging().requests());
    assertFalse(
        GatewayConfig.bindAll(
                ConfigLoader.tree(List.of(Path.of("conf/gateway.yaml")), Map.of()),
                p -> "",
                new java.util.ArrayList<>())
            .logging()
            .requests());
    Gateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g ->
                    WebClient.create(vertx)
                        .post(
                            g.port(),
                            "127.0.0.1",
                            "/api/v2/apasstest1/decisions/authorize/flexibleTempPass")
                        .putHeader("Authorization", "Bearer " + dev.accessToken())
                        .putHeader("Content-Type", "application/json")
                        .putHeader(
                            "AP-Device-Identifier",
                            "fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi")
                        .putHeader("AP-TempPass-Identity", "eyJlbWFpbCI6ImZvb0BiYXIuY29tIn0=")
                        .sendJsonObject(new JsonObject().put("resources", List.of("REF30")))
                        .onComplete(
                            ctx.succeeding(
                                res ->
                                    ctx.verify(
                                        () -> {
                                          assertEquals(200, res.statusCode(), res.bodyAsString());
                                          assertTrue(
                                              res.bodyAsJsonObject()
                                                  .getJsonArray("decisions")
                                                  .getJsonObject(0)
                                                  .getBoolean("authorized"));
                                          g.stop()
                                              .onComplete(
                                                  v -> {
                                                    dev.stop();
                                                    ctx.completeNow();
                                                  });
                                        })))));
  }

  /**
   * A malformed value in development mode gets the binder's message naming the setting, not an
   * exception of the development helpers. Caught breakage: {@code DevEnvironment.prepare} reading
   * the raw tree with casts and {@code Integer.parseInt} (as before the fix: "For input string",
   * "cannot be cast").
   */
  @Test
  void malformed_values_in_development_mode_name_their_setting() throws Exception {
    Map<String, String> cases =
        Map.of(
            "TEMPPASS_SERVER__PORT", "server.port: must be an integer, got 'many'",
            "TEMPPASS_SERVER", "server: must be an object",
            "TEMPPASS_ACCESS_TOKENS", "accessTokens: must be an object",
            // With no integration to point at it, the reference MVPD does not start, so the
            // profile key stays the production file, which the binder reports first.
            "TEMPPASS_INTEGRATIONS", "sessions.encryptionKey: cannot read");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      DevEnvironment dev = new DevEnvironment();
      try {
        JsonObject tree =
            ConfigLoader.tree(
                List.of(Path.of("conf/gateway.yaml"), Path.of("conf/dev.yaml")),
                Map.of(c.getKey(), "many"));
        dev.prepare(tree);
        io.temppass.gateway.config.ConfigException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                io.temppass.gateway.config.ConfigException.class,
                () ->
                    GatewayConfig.from(
                        tree,
                        p -> {
                          throw new IllegalStateException("no files in dev");
                        }));
        assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
      } finally {
        dev.stop();
      }
    }
  }
}
