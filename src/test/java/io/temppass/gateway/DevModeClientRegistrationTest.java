package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.Dcr;
import io.temppass.gateway.support.GatewayProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dev} registers two applications and prints their software statements, each on the line
 * after its label, with the curl of register, token and a decision: an app using only the printed
 * statement gets through to a decision, and the operator's statement yields an admin token.
 * Catches: the statements not printed, or printed for applications the gateway does not know.
 */
@ExtendWith(VertxExtension.class)
class DevModeClientRegistrationTest {
  private static final Pattern BASE =
      Pattern.compile("curl -s -X POST (http://127\\.0\\.0\\.1:\\d+)/o/client/register");

  @TempDir Path dir;
  Process gateway;

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void dev_mode_prints_statements_that_register(Vertx vertx) throws Exception {
    ProcessBuilder builder =
        GatewayProcess.builder("--dev")
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectError(dir.resolve("stderr.log").toFile());
    builder.environment().put("TEMPPASS_SERVER__PORT", "0");
    gateway = builder.start();
    List<String> lines = List.of();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      lines = Files.readAllLines(dir.resolve("stdout.log"));
      if (lines.stream().anyMatch(l -> l.contains("jq -r .access_token"))) break;
      assertTrue(gateway.isAlive(), "exited: " + Files.readString(dir.resolve("stderr.log")));
      Thread.sleep(200);
    }
    String app = lines.get(lines.indexOf("Development software statement (app):") + 1);
    String operator = lines.get(lines.indexOf("Development software statement (operator):") + 1);
    Matcher m = BASE.matcher(String.join("\n", lines));
    assertTrue(m.find(), String.join("\n", lines));
    int port = Integer.parseInt(m.group(1).substring(m.group(1).lastIndexOf(':') + 1));
    Api api = new Api(vertx, port);
    try {
      String token = Dcr.accessToken(api, app);
      HttpResponse<Buffer> decision =
          api.decisions("apasstest1", "flexibleTempPass", "dev-dcr")
              .putHeader("Authorization", "Bearer " + token)
              .putHeader("AP-TempPass-Identity", Api.identity("dev@example.com"))
              .sendJsonObject(Api.body("REF30"))
              .await(10, TimeUnit.SECONDS);
      assertEquals(200, decision.statusCode(), decision.bodyAsString());
      String operatorToken = Dcr.accessToken(api, operator);
      HttpResponse<Buffer> list =
          api.raw()
              .get("/admin/v1/applications")
              .putHeader("Authorization", "Bearer " + operatorToken)
              .send()
              .await(10, TimeUnit.SECONDS);
      assertEquals(200, list.statusCode(), list.bodyAsString());
      JsonArray applications = list.bodyAsJsonObject().getJsonArray("applications");
      assertEquals(2, applications.size());
      assertEquals(
          List.of("127.0.0.1", "localhost"),
          applications.getJsonObject(0).getJsonArray("domains").getList());
    } finally {
      api.close();
    }
  }
}
