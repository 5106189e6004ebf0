package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.JsonLogCapture;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An MVPD failure's log line carries the request id that the viewer's error page shows as its
 * reference, so support can find the cause from what the viewer reports. Before, the MVPD side
 * logged "MVPD sign-in unavailable" with no request id at all.
 */
class MvpdFailureReferenceTest {
  static final String SP = "REF30";

  Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * An MVPD whose sign-in cannot be reached (nothing listens at its issuer): the browser step's 503
   * page names a reference, and the WARN line about it carries that same id. Breakage caught:
   * SessionService.warn logging without the request id, or LoginStart not carrying it.
   */
  @Test
  void the_failure_line_carries_the_reference_of_the_error_page() throws Exception {
    JsonObject down =
        new JsonObject()
            .put("serviceProvider", SP)
            .put("mvpd", "Down")
            .put("type", "regular")
            .put(
                "login",
                new JsonObject()
                    .put("issuer", "http://127.0.0.1:" + TestRedis.freePort() + "/nobody")
                    .put("clientId", "client")
                    .put("clientSecret", "secret"))
            .put("authorization", new JsonObject().put("url", "http://127.0.0.1:1/authz"));
    JsonObject config =
        TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), down), SP);
    int port = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port();
    MvpdSignIn browser = new MvpdSignIn(vertx, port);
    JsonObject session =
        browser.createSession(SP, "Down", "reference-device").await(10, TimeUnit.SECONDS);

    HttpResponse<Buffer> page;
    List<JsonObject> warnings;
    try (JsonLogCapture logs = new JsonLogCapture()) {
      page = browser.open(session.getString("url")).await(20, TimeUnit.SECONDS);
      warnings = waitForWarning(logs, "MVPD sign-in unavailable");
    }
    assertEquals(503, page.statusCode(), page.bodyAsString());
    String reference = page.getHeader("X-Request-Id");
    assertTrue(page.bodyAsString().contains("Reference: " + reference), page.bodyAsString());
    assertTrue(
        warnings.stream().anyMatch(w -> reference.equals(w.getString("requestId"))),
        "no failure line with requestId " + reference + ": " + warnings);
    browser.close();
  }

  private static List<JsonObject> waitForWarning(JsonLogCapture logs, String text)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    List<JsonObject> found;
    do {
      found =
          logs.lines().stream()
              .map(JsonObject::new)
              .filter(l -> l.getString("message", "").startsWith(text))
              .toList();
      if (!found.isEmpty()) return found;
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return found;
  }
}
