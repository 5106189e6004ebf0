package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.saml.IdpMessages;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.SamlTestIdp;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * A legacy MVPD that still signs with RSA-SHA1 (Adobe's own samples do): with {@code
 * saml.allowSha1: true} its responses sign in, and start-up says so with a WARNING naming the
 * integration. (Refused without the setting: {@code SamlSignInAttacksTest}.)
 */
class SamlLegacySha1Test {
  @TempDir Path dir;

  @Test
  void allow_sha1_accepts_rsa_sha1_and_warns_at_start_up() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LogCapture log = new LogCapture()) {
      SamlTestIdp idp = new SamlTestIdp(dir);
      JsonObject integration = idp.integration("REF30", "LegacySaml", "http://127.0.0.1:9/authz");
      integration.getJsonObject("login").getJsonObject("saml").put("allowSha1", true);
      JsonObject config =
          TestGateway.withMvpdSessions(
              TestGateway.with(TestGateway.config(), integration), "REF30");
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      idp.gatewayPort(gateway.port());
      assertTrue(
          log.warnings().stream()
              .anyMatch(l -> l.contains("REF30/LegacySaml") && l.contains("SHA-1")),
          log.warnings().toString());

      SamlTestIdp.Pending pending = idp.start("REF30", "LegacySaml");
      Document response = idp.response(pending, "legacy-subscriber");
      IdpMessages.sign(
          IdpMessages.assertion(response),
          idp.idp,
          XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1,
          MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1);
      assertEquals(302, idp.post(response, pending.relayState()).statusCode());
      assertNotNull(idp.profileOf("REF30", "LegacySaml", pending));
      gateway.stop().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
