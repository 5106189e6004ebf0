package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.dev.DevEnvironment;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * README's development walk-through of the regular-MVPD path, as its curl commands do it: a
 * session, the browser's part followed like {@code curl -L} (gateway → reference MVPD → gateway →
 * the app's page), the profile, Adobe's sample 1 answered by the MVPD, a title outside the package,
 * logout, and then the missing profile.
 */
class DevModeMvpdWalkthroughTest {

  @org.junit.jupiter.api.Test
  void the_printed_walkthrough_signs_in_decides_and_logs_out() throws Exception {
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
      Gateway g = Gateway.start(vertx, config).await(30, java.util.concurrent.TimeUnit.SECONDS);
      String bearer = "Bearer " + dev.accessToken();
      String device = "fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi";
      WebClient curl =
          WebClient.create(
              vertx, new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(true));
      JsonObject session =
          curl.post(g.port(), "127.0.0.1", "/api/v2/REF30/sessions")
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", device)
              .sendForm(
                  io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                      .add("mvpd", "Cablevision")
                      .add("domainName", "127.0.0.1")
                      .add("redirectUrl", dev.mvpd().appPage("signed-in")))
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .bodyAsJsonObject();
      assertEquals("authenticate", session.getString("actionName"), session.encode());
      var landed =
          curl.get(g.port(), "127.0.0.1", session.getString("url"))
              .send()
              .await(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, landed.statusCode(), landed.bodyAsString());
      assertTrue(landed.bodyAsString().contains("/app/signed-in"), landed.bodyAsString());
      JsonObject profile =
          curl.get(
                  g.port(), "127.0.0.1", "/api/v2/REF30/profiles/code/" + session.getString("code"))
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", device)
              .send()
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonObject("profiles")
              .getJsonObject("Cablevision");
      assertEquals(
          "dev-subscriber",
          profile.getJsonObject("attributes").getJsonObject("userID").getString("value"));
      assertEquals(
          "TV-MA",
          profile.getJsonObject("attributes").getJsonObject("maxRating").getString("value"));
      io.vertx.core.json.JsonArray decisions =
          curl.post(g.port(), "127.0.0.1", "/api/v2/REF30/decisions/authorize/Cablevision")
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", device)
              .putHeader("Content-Type", "application/json")
              .sendJsonObject(new JsonObject().put("resources", List.of("REF30", "REF30-premium")))
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonArray("decisions");
      assertEquals("mvpd", decisions.getJsonObject(0).getString("source"));
      assertTrue(decisions.getJsonObject(0).getBoolean("authorized"), decisions.encode());
      assertEquals(
          "authorization_denied_by_mvpd",
          decisions.getJsonObject(1).getJsonObject("error").getString("code"));
      JsonObject logout =
          curl.get(
                  g.port(),
                  "127.0.0.1",
                  "/api/v2/REF30/logout/Cablevision?redirectUrl="
                      + java.net.URLEncoder.encode(
                          dev.mvpd().appPage("signed-out"),
                          java.nio.charset.StandardCharsets.UTF_8))
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", device)
              .send()
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonObject("logouts")
              .getJsonObject("Cablevision");
      assertEquals("logout", logout.getString("actionName"), logout.encode());
      assertEquals(
          200,
          curl.getAbs(logout.getString("url"))
              .send()
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .statusCode(),
          "the MVPD's end-session page leads back to the app");
      JsonObject after =
          curl.post(g.port(), "127.0.0.1", "/api/v2/REF30/decisions/authorize/Cablevision")
              .putHeader("Authorization", bearer)
              .putHeader("AP-Device-Identifier", device)
              .putHeader("Content-Type", "application/json")
              .sendJsonObject(new JsonObject().put("resources", List.of("REF30")))
              .await(10, java.util.concurrent.TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonArray("decisions")
              .getJsonObject(0);
      assertEquals("authenticated_profile_missing", after.getJsonObject("error").getString("code"));
      g.stop().await(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
      dev.stop();
    }
  }
}
