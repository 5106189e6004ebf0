package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CORS for browser apps: an origin on an approved registered application's domain (or a subdomain,
 * any scheme and port) gets a preflight answer and CORS headers on the V2 and DCR APIs; a foreign
 * origin, a revoked application's and any origin on the admin API get none. Preflights go through a
 * plain client: OPTIONS is not an operation of docs/openapi.yaml. Catches: a suffix match without
 * the dot ({@code notexample.com}), admin routes answering CORS, revocation not closing the origin.
 */
@ExtendWith(VertxExtension.class)
class ClientCorsTest {
  static final String SP = "apasstest1";
  Gateway gateway;
  Api api;
  WebClient plain;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    gateway =
        TestGateway.start(
                vertx,
                Dcr.with(
                    TestGateway.with(
                        TestGateway.config(), TestGateway.basic(SP, "TempPass_TEST40", "1h"))))
            .await(30, TimeUnit.SECONDS);
    api = new Api(vertx, gateway.port());
    plain =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(gateway.port()));
  }

  @AfterEach
  void stop() throws Exception {
    plain.close();
    api.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> preflight(String path, String origin) throws Exception {
    return plain
        .request(HttpMethod.OPTIONS, path)
        .putHeader("Origin", origin)
        .putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "authorization,ap-device-identifier")
        .send()
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void an_allowed_origin_gets_a_preflight_and_cors_headers() throws Exception {
    Dcr.created(api, Dcr.app(SP));
    String path = "/api/v2/" + SP + "/decisions/authorize/TempPass_TEST40";
    for (String origin :
        new String[] {
          "https://example.com", "http://www.example.com:8443", "https://EXAMPLE.com"
        }) {
      HttpResponse<Buffer> r = preflight(path, origin);
      assertEquals(204, r.statusCode(), origin);
      assertEquals(origin, r.getHeader("Access-Control-Allow-Origin"));
      assertTrue(r.getHeader("Access-Control-Allow-Headers").contains("AP-Device-Identifier"));
      assertTrue(r.getHeader("Access-Control-Allow-Headers").contains("X-Device-Info"));
      assertTrue(r.getHeader("Access-Control-Allow-Methods").contains("POST"));
    }
    assertEquals(204, preflight("/o/client/register", "https://example.com").statusCode());
    HttpResponse<Buffer> actual =
        api.raw()
            .post("/o/client/register")
            .putHeader("Origin", "https://app.example.com")
            .putHeader("Content-Type", "application/json")
            .sendJsonObject(new JsonObject())
            .await(10, TimeUnit.SECONDS);
    assertEquals(400, actual.statusCode());
    assertEquals("https://app.example.com", actual.getHeader("Access-Control-Allow-Origin"));
    assertEquals("X-Request-Id", actual.getHeader("Access-Control-Expose-Headers"));
  }

  @Test
  void other_origins_and_the_admin_api_get_no_cors_headers() throws Exception {
    JsonObject created = Dcr.created(api, Dcr.app(SP));
    String path = "/api/v2/" + SP + "/decisions/authorize/TempPass_TEST40";
    for (String origin :
        new String[] {
          "https://evil.com", "https://notexample.com", "https://example.com.evil.com", "null"
        }) {
      HttpResponse<Buffer> r = preflight(path, origin);
      assertNull(r.getHeader("Access-Control-Allow-Origin"), origin);
      assertTrue(r.statusCode() >= 400, origin);
    }
    HttpResponse<Buffer> admin = preflight("/admin/v1/applications", "https://example.com");
    assertNull(admin.getHeader("Access-Control-Allow-Origin"));
    HttpResponse<Buffer> adminGet =
        api.admin(HttpMethod.GET, "/admin/v1/applications")
            .putHeader("Origin", "https://example.com")
            .send()
            .await(10, TimeUnit.SECONDS);
    assertEquals(200, adminGet.statusCode());
    assertNull(adminGet.getHeader("Access-Control-Allow-Origin"));

    api.admin(HttpMethod.DELETE, "/admin/v1/applications/" + created.getString("id"))
        .send()
        .await(10, TimeUnit.SECONDS);
    assertNull(
        preflight(path, "https://example.com").getHeader("Access-Control-Allow-Origin"),
        "a revoked application's domains are no longer allowed");
  }
}
