package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dcr.applications} (GitOps): a declared application exists once the gateway starts and
 * registers clients; a restart with the same file never undoes a revocation made through the admin
 * API, and a changed declaration is a WARNING while the stored record is kept. Catches:
 * declarations written over the stored records at every start.
 */
@ExtendWith(VertxExtension.class)
class DeclaredApplicationsTest {
  static final String ID = "0f9a7c1e-5b2d-4e8a-9c3f-1a2b3c4d5e6f";

  static JsonObject config() {
    JsonObject config =
        Dcr.with(
            TestGateway.with(
                TestGateway.config(), TestGateway.basic("apasstest1", "TempPass_TEST40", "1h")));
    config
        .getJsonObject("dcr")
        .put("applications", new JsonArray().add(Dcr.app("apasstest1").put("id", ID)));
    return config;
  }

  @Test
  void declared_applications_are_created_once_and_never_overwritten(Vertx vertx) throws Exception {
    JsonObject config = config();
    Gateway first = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api api = new Api(vertx, first.port());
    try {
      HttpResponse<Buffer> statement =
          api.admin(HttpMethod.POST, "/admin/v1/applications/" + ID + "/software-statement")
              .send()
              .await(10, TimeUnit.SECONDS);
      assertEquals(201, statement.statusCode(), statement.bodyAsString());
      assertEquals(
          201,
          Dcr.register(api, statement.bodyAsJsonObject().getString("software_statement"))
              .statusCode());
      assertEquals(
          204,
          api.admin(HttpMethod.DELETE, "/admin/v1/applications/" + ID)
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());
    } finally {
      api.close();
      first.stop().await(30, TimeUnit.SECONDS);
    }

    config.getJsonObject("dcr").getJsonArray("applications").getJsonObject(0).put("version", "2.0");
    try (LogCapture logs = new LogCapture()) {
      Gateway second = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      Api again = new Api(vertx, second.port());
      try {
        JsonObject record =
            again
                .admin(HttpMethod.GET, "/admin/v1/applications/" + ID)
                .send()
                .await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject();
        assertTrue(record.getBoolean("revoked"), "the revocation survives the restart");
        assertEquals("1.0", record.getString("version"), "the stored record is kept");
        assertTrue(
            logs.warnings().stream().anyMatch(l -> l.contains(ID) && l.contains("differs")),
            String.join("\n", logs.warnings()));
      } finally {
        again.close();
        second.stop().await(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void a_bad_declaration_stops_start_up_naming_it(Vertx vertx) {
    JsonObject config = config();
    config.getJsonObject("dcr").getJsonArray("applications").getJsonObject(0).put("id", "APP-1");
    Exception e =
        assertThrows(
            Exception.class, () -> TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS));
    assertTrue(
        e.getMessage().contains("dcr.applications[0]: id must be a lower-case UUID"),
        e.getMessage());
    JsonObject noKeys = TestGateway.config();
    noKeys.put(
        "dcr",
        new JsonObject()
            .put("applications", new JsonArray().add(Dcr.app("apasstest1").put("id", ID))));
    ConfigException missing = assertThrows(ConfigException.class, () -> TestGateway.parse(noKeys));
    assertTrue(missing.getMessage().contains("dcr.applications: needs dcr.statementKeys"));
  }
}
