package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An MVPD's authorization query carries the client's address ({@code environment.clientIp}): behind
 * a trusted proxy, the address that proxy forwarded, with several {@code X-Forwarded-For} headers
 * read as one list, as the throttle reads them. The address is worked out once per request, in the
 * throttle step, which runs whether or not the throttle is on (it is off here). Caught breakages:
 * the address kept only when the throttle is on (the MVPD got none); only the first {@code
 * X-Forwarded-For} header read (the MVPD got the client-chosen 198.51.100.1).
 */
@ExtendWith(VertxExtension.class)
class MvpdClientAddressTest {
  static final String SP = "REF30";
  static final String MVPD = "Cablevision";

  @Test
  void the_mvpd_is_given_the_address_the_trusted_proxy_forwarded(Vertx vertx) throws Exception {
    try (TestMvpd mvpd = TestMvpd.start(vertx)) {
      JsonObject config =
          TestGateway.withMvpdSessions(
              TestGateway.with(TestGateway.config(), mvpd.integration(SP, MVPD)), SP);
      JsonObject throttle = config.getJsonObject("throttle");
      assertFalse(throttle.getBoolean("enabled"), "the throttle is off in this test");
      throttle.put("trustedProxies", new JsonArray().add("127.0.0.1/32"));
      mvpd.nextLogin("subscriber-address", Map.of());
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      new MvpdSignIn(vertx, gateway.port())
          .signIn(SP, MVPD, "address-device")
          .await(30, TimeUnit.SECONDS);

      var request = new Api(vertx, gateway.port()).decisions(SP, MVPD, "address-device");
      // The client wrote the first header; the trusted proxy (this test, at 127.0.0.1) appended
      // the address it saw as a second one.
      request
          .headers()
          .add("X-Forwarded-For", "198.51.100.1")
          .add("X-Forwarded-For", "203.0.113.7");
      HttpResponse<Buffer> res =
          request.sendJsonObject(Api.body("address-resource")).await(30, TimeUnit.SECONDS);

      assertEquals(200, res.statusCode(), res.bodyAsString());
      assertEquals("203.0.113.7", mvpd.clientIpOf("address-resource"));
    }
  }
}
