package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every Enhanced Error's {@code helpUrl} leads to a page that explains the code: by default the
 * gateway serves docs/ERRORS.md itself at {@code /docs/errors}, each code's row its anchor, and
 * {@code server.helpUrl} points elsewhere. Before, the default was a repository that does not
 * exist.
 */
class ErrorReferenceTest {
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int start(JsonObject config) throws Exception {
    return TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port();
  }

  private HttpResponse<Buffer> unauthenticated(Api api) throws Exception {
    var req = api.decisions("apasstest1", "TempPass_TEST40", "reference-device");
    req.headers().remove("Authorization");
    return req.sendJsonObject(Api.body("REF30")).await(10, TimeUnit.SECONDS);
  }

  /**
   * With no {@code server.helpUrl}, an error's helpUrl is this gateway's /docs/errors with the
   * code's anchor, and that page holds the anchor of every code. Breakage caught: the default
   * pointing anywhere else, the route missing, or ERRORS.md not packaged (the page fails to load).
   */
  @Test
  void the_default_help_url_is_the_gateway_own_error_reference() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("server").remove("helpUrl");
    int port = start(config);
    Api api = new Api(vertx, port);
    String helpUrl = unauthenticated(api).bodyAsJsonObject().getString("helpUrl");
    assertEquals(
        "http://127.0.0.1:" + port + "/docs/errors#invalid_access_token_client_application",
        helpUrl);

    HttpResponse<Buffer> page =
        api.raw()
            .getAbs(helpUrl.substring(0, helpUrl.indexOf('#')))
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    String html = page.bodyAsString();
    assertTrue(html.contains("<table>"), "the tables are rendered");
    for (ErrorCode code : ErrorCode.values())
      assertTrue(html.contains("id=\"" + code.code + "\""), "no anchor for " + code.code);
    assertTrue(html.contains("href=\"/openapi.yaml\""), "the API document link is served here");
  }

  /** {@code server.helpUrl} replaces the base; the anchor is still the code. */
  @Test
  void server_help_url_points_elsewhere() throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h"));
    config.getJsonObject("server").put("helpUrl", "https://developer.example.com/temppass/errors");
    Api api = new Api(vertx, start(config));
    assertEquals(
        "https://developer.example.com/temppass/errors#invalid_access_token_client_application",
        unauthenticated(api).bodyAsJsonObject().getString("helpUrl"));
  }
}
