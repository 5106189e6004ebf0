package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.Eventually;
import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes on one Redis: this JVM's and one started through {@code Main} in a JVM of
 * its own. Credentials and tokens one issues work on the other (they are signatures and MACs, not
 * records), an application created on one is known to the other, and a revocation on one reaches
 * the other's register, token and {@code /api/v2} answers through the control-plane poll. The
 * guarantee is a poll interval ({@code admin.pollInterval}, under 1 s by validation); the test
 * allows ten, as DegradationTest does, so that a loaded machine cannot fail it. Catches: an
 * application cache that is never refreshed, or a revocation kept in one process's memory.
 */
@ExtendWith(VertxExtension.class)
class ClientRevocationAcrossProcessesTest {
  static final String SP = "apasstest1";
  static final String MVPD = "TempPass_TEST40";
  static final Duration PROPAGATION = Duration.ofSeconds(5);

  @TempDir Path dir;
  Process other;

  @AfterEach
  void stopOther() throws Exception {
    if (other != null) other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void a_revocation_reaches_the_other_process(Vertx vertx) throws Exception {
    JsonObject config =
        Dcr.with(TestGateway.with(TestGateway.config(), TestGateway.basic(SP, MVPD, "1h")));
    String prefix = TestGateway.keyPrefix(config);
    Gateway here = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    Api a = new Api(vertx, here.port());
    int port = TestRedis.freePort();
    Api b = new Api(vertx, port);
    try {
      other = launch(port, prefix);
      awaitReady(b);

      JsonObject created = Dcr.created(a, Dcr.app(SP));
      String statement = created.getString("software_statement");
      HttpResponse<Buffer> first =
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () -> Dcr.registering(b, new JsonObject().put("software_statement", statement)),
                  r -> r.statusCode() == 201)
              .await(30, TimeUnit.SECONDS);
      assertEquals(
          201,
          first.statusCode(),
          "registered on the other: "
              + first.bodyAsString()
              + Files.readString(dir.resolve("stdout.log"))
              + Files.readString(dir.resolve("stderr.log")));
      JsonObject client = first.bodyAsJsonObject();
      String token = Dcr.accessToken(a, statement);
      assertEquals(
          201,
          Dcr.token(b, client.getString("client_id"), client.getString("client_secret"))
              .await(10, TimeUnit.SECONDS)
              .statusCode(),
          "a client registered on one process gets tokens from the other");
      assertEquals(200, decide(b, token).statusCode(), "a token of one process works on the other");

      assertEquals(
          204,
          a.admin(HttpMethod.DELETE, "/admin/v1/applications/" + created.getString("id"))
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode());
      long revoked = System.nanoTime();
      HttpResponse<Buffer> decision =
          Eventually.poll(
                  vertx,
                  PROPAGATION,
                  () ->
                      b.decisions(SP, MVPD, "x-device")
                          .putHeader("Authorization", "Bearer " + token)
                          .sendJsonObject(Api.body("r1")),
                  r -> r.statusCode() == 401)
              .await(30, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - revoked) / 1_000_000;
      assertEquals(401, decision.statusCode(), "after " + millis + " ms");
      assertEquals(
          "invalid_access_token_client_application", decision.bodyAsJsonObject().getString("code"));
      HttpResponse<Buffer> registered = register(b, statement);
      assertEquals(
          "unapproved_software_statement", registered.bodyAsJsonObject().getString("error"));
      HttpResponse<Buffer> tokenAnswer =
          Dcr.token(b, client.getString("client_id"), client.getString("client_secret"))
              .await(10, TimeUnit.SECONDS);
      assertEquals("unauthorized_client", tokenAnswer.bodyAsJsonObject().getString("error"));
    } finally {
      a.close();
      b.close();
      here.stop().await(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<Buffer> register(Api api, String statement) {
    try {
      return Dcr.register(api, statement);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<Buffer> decide(Api api, String token) throws Exception {
    return api.decisions(SP, MVPD, "x-device")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(Api.body("r1"))
        .await(10, TimeUnit.SECONDS);
  }

  private Process launch(int port, String prefix) throws Exception {
    Path config =
        GatewayProcess.config(
            dir,
            "other",
            "{host: 127.0.0.1, port: " + port + ", instances: 1}",
            "{type: "
                + (TestRedis.cluster() ? "cluster" : "standalone")
                + ", endpoints: ["
                + String.join(", ", TestRedis.endpoints())
                + "], keyPrefix: "
                + prefix
                + "}",
            "{enabled: false}");
    Path key = Files.writeString(dir.resolve("statement.key"), Dcr.STATEMENT_KEY.privateKeyPem());
    Path pub = Files.writeString(dir.resolve("statement.pub"), Dcr.STATEMENT_KEY.publicKeyPem());
    Files.writeString(
        config,
        Files.readString(config)
            + "dcr: {issuer: \""
            + Dcr.ISSUER
            + "\", statementKeys: [{kid: "
            + Dcr.STATEMENT_KEY.kid()
            + ", privateKey: \"file:"
            + key
            + "\", publicKey: \"file:"
            + pub
            + "\", active: true}]}\n");
    return GatewayProcess.builder("--config", config.toString())
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile())
        .start();
  }

  private void awaitReady(Api api) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode() == 200) return;
      } catch (Exception notYet) {
        // not listening yet
      }
      assertTrue(other.isAlive(), "gateway exited: " + Files.readString(dir.resolve("stderr.log")));
      Thread.sleep(100);
    }
    throw new AssertionError(
        "gateway did not become ready: " + Files.readString(dir.resolve("stderr.log")));
  }
}
