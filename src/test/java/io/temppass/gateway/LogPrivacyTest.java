package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Everything logged at any level over a full promotional flow holds no raw e-mail, device id or bearer token. */
@ExtendWith(VertxExtension.class)
class LogPrivacyTest {
  static final String EMAIL = "Log.Watcher@Example.com";
  static final String DEVICE = "4f2b8c1e-device-under-watch";

  @Test
  void logs_of_a_promotional_flow_hold_no_raw_identity_device_or_token(Vertx vertx, VertxTestContext ctx) {
    List<String> lines = new ArrayList<>();
    SimpleFormatter format = new SimpleFormatter();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (lines) {
          lines.add(format.format(record));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    Level before = root.getLevel();
    root.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    root.addHandler(capture);
    String bearer = AccessTokens.valid();
    JsonObject config = TestGateway.with(TestGateway.config(), TestGateway.promotional("apasstest1", "flexibleTempPass", 300, 1));
    TestGateway.start(vertx, config).onComplete(ctx.succeeding(g -> {
      Api api = new Api(vertx, g.port());
      api.authorize("apasstest1", "flexibleTempPass", DEVICE, EMAIL, "r1", "r2")
          .compose(v -> api.profile("apasstest1", "flexibleTempPass", DEVICE, EMAIL).send())
          .compose(v -> api.decisions("apasstest1", "flexibleTempPass", DEVICE).putHeader("Authorization", "Bearer " + bearer + "x")
              .putHeader("AP-TempPass-Identity", Api.identity(EMAIL)).sendJsonObject(Api.body("r1")))
          .compose(v -> api.admin(HttpMethod.DELETE, "/reset-tempass/v3/reset/generic?requestor_id=apasstest1&mvpd_id=flexibleTempPass&key=" + EMAIL).send())
          .compose(v -> api.admin(HttpMethod.DELETE, "/reset-tempass/v3/reset?requestor_id=apasstest1&mvpd_id=flexibleTempPass&device_id=" + DEVICE).send())
          .compose(v -> vertx.timer(350))
          .compose(v -> api.authorize("apasstest1", "flexibleTempPass", DEVICE, EMAIL, "r3"))
          .compose(v -> g.stop())
          .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
            root.removeHandler(capture);
            root.setLevel(before);
            List<String> forbidden = List.of(EMAIL.toLowerCase(Locale.ROOT), "log.watcher", DEVICE, "4f2b8c1e",
                Base64.getEncoder().encodeToString(DEVICE.getBytes(StandardCharsets.UTF_8)), Api.identity(EMAIL),
                bearer.substring(bearer.lastIndexOf('.') + 1), bearer.substring(0, 40));
            synchronized (lines) {
              assertTrue(lines.size() > 3, "the flow was logged: " + lines.size() + " lines");
              for (String line : lines) {
                for (String f : forbidden) assertFalse(line.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)), "found " + f + " in: " + line);
              }
            }
            ctx.completeNow();
          })));
    }));
  }
}
