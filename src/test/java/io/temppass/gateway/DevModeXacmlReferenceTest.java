package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code --dev}'s {@code REF30/XacmlReference}: the reference sign-in, then decisions asked by
 * signed XACML queries to the reference MVPD's PDP, whose signed answers apply the same rules as
 * the JSON reference: seed 002's sample 1 (a permit with a media token), {@code REF30-premium}
 * denied by the MVPD, {@code REF30-mature} denied by parental controls, an MRSS resource of the
 * REF30 channel permitted, and a preauthorization answered by one multi-resource query.
 */
class DevModeXacmlReferenceTest {
  static final String DEVICE = "fingerprint eGFjbWwtcmVmZXJlbmNlLWRldmljZS0wMDAx";

  @Test
  void the_xacml_reference_integration_decides_like_the_json_one() throws Exception {
    DevEnvironment dev = new DevEnvironment();
    Vertx vertx = Vertx.vertx();
    try {
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
      assertTrue(config.integration("REF30", "XacmlReference").authorization().xacml());
      Gateway g = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      String bearer = "Bearer " + dev.accessToken();
      WebClient curl =
          WebClient.create(
              vertx, new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(true));
      JsonObject session =
          curl.post(g.port(), "127.0.0.1", "/api/v2/REF30/sessions")
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", DEVICE)
              .sendForm(
                  io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                      .add("mvpd", "XacmlReference")
                      .add("domainName", "127.0.0.1")
                      .add("redirectUrl", dev.mvpd().appPage("signed-in")))
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject();
      assertEquals(
          200,
          curl.get(g.port(), "127.0.0.1", session.getString("url"))
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());
      String mrss =
          "<rss version=\"2.0\"><channel><title>REF30</title><item><title>Game</title>"
              + "<guid>REF30</guid></item></channel></rss>";
      JsonArray decisions =
          decisions(curl, g, bearer, "authorize", "REF30", "REF30-premium", "REF30-mature", mrss);
      JsonObject permit = decisions.getJsonObject(0);
      assertEquals("mvpd", permit.getString("source"));
      assertTrue(permit.getBoolean("authorized"), decisions.encode());
      assertNotNull(permit.getJsonObject("token"));
      assertEquals(
          "authorization_denied_by_mvpd",
          decisions.getJsonObject(1).getJsonObject("error").getString("code"));
      assertEquals(
          "authorization_denied_by_parental_controls",
          decisions.getJsonObject(2).getJsonObject("error").getString("code"));
      assertTrue(decisions.getJsonObject(3).getBoolean("authorized"), decisions.encode());
      JsonArray pre = decisions(curl, g, bearer, "preauthorize", "REF30-a", "REF30-premium");
      assertTrue(pre.getJsonObject(0).getBoolean("authorized"), pre.encode());
      assertFalse(pre.getJsonObject(1).getBoolean("authorized"));
      g.stop().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      dev.stop();
    }
  }

  private static JsonArray decisions(
      WebClient curl, Gateway g, String bearer, String kind, String... resources) throws Exception {
    var response =
        curl.post(g.port(), "127.0.0.1", "/api/v2/REF30/decisions/" + kind + "/XacmlReference")
            .putHeader("Authorization", bearer)
            .putHeader("AP-Device-Identifier", DEVICE)
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(new JsonObject().put("resources", List.of((Object[]) resources)))
            .await(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("decisions");
  }
}
