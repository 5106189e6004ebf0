package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.temppass.gateway.saml.IdpMessages;
import io.temppass.gateway.support.SamlTestIdp;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The IdP's metadata is read again every {@code metadataRefresh}: a signing certificate the MVPD
 * adds for a key rotation is trusted without a restart, and an IdP whose metadata names no single
 * logout service has its logout end at the profile's deletion ({@code complete}).
 */
class SamlMetadataRefreshTest {
  @TempDir Path dir;

  @Test
  void a_certificate_added_to_the_metadata_is_trusted_after_the_next_read() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SamlTestIdp idp = new SamlTestIdp(dir);
      SigningCredential rotated = SigningCredential.generate("idp.mvpd.example-2027");
      JsonObject integration =
          idp.integration("REF30", "SAMLReference", "http://127.0.0.1:9/authz");
      integration.getJsonObject("login").getJsonObject("saml").put("metadataRefresh", "10s");
      JsonObject config =
          TestGateway.withMvpdSessions(
              TestGateway.with(TestGateway.config(), integration), "REF30");
      Gateway gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
      idp.gatewayPort(gateway.port());

      SamlTestIdp.Pending before = idp.start("REF30", "SAMLReference");
      assertEquals(400, idp.post(signed(idp, before, rotated), before.relayState()).statusCode());
      assertEquals(
          "logout",
          idp.logout("REF30", "SAMLReference", signIn(idp, idp.idp)).getString("actionName"),
          "the first metadata names a single logout service");

      idp.writeMetadata(List.of(idp.idp, rotated), false);
      long deadline = System.currentTimeMillis() + 40_000;
      SamlTestIdp.Pending signedIn = null;
      while (signedIn == null && System.currentTimeMillis() < deadline) {
        SamlTestIdp.Pending attempt = idp.start("REF30", "SAMLReference");
        HttpResponse<String> answer = idp.post(signed(idp, attempt, rotated), attempt.relayState());
        if (answer.statusCode() == 302) signedIn = attempt;
        else Thread.sleep(500);
      }
      assertNotNull(signedIn, "the rotated certificate was never trusted");
      assertNotNull(idp.profileOf("REF30", "SAMLReference", signedIn));
      JsonObject logout = idp.logout("REF30", "SAMLReference", signedIn);
      assertEquals("complete", logout.getString("actionName"), logout.encode());
      assertNull(logout.getString("url"));
      assertNull(idp.profileOf("REF30", "SAMLReference", signedIn));
      gateway.stop().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static SamlTestIdp.Pending signIn(SamlTestIdp idp, SigningCredential key)
      throws Exception {
    SamlTestIdp.Pending pending = idp.start("REF30", "SAMLReference");
    assertEquals(302, idp.post(signed(idp, pending, key), pending.relayState()).statusCode());
    return pending;
  }

  private static Document signed(
      SamlTestIdp idp, SamlTestIdp.Pending pending, SigningCredential key) {
    Document r = idp.response(pending, "subscriber-1");
    IdpMessages.sign(
        IdpMessages.assertion(r),
        key,
        XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
        MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    return r;
  }
}
