package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.saml.IdpMessages;
import io.temppass.gateway.saml.Saml;
import io.temppass.gateway.support.LogCapture;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.SamlTestIdp;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The SAML assertion consumer service against forged, replayed and misdirected responses, over real
 * HTTP with real signatures: the test plays the MVPD's IdP (its key in the metadata file the
 * gateway reads) and posts what an attacker would. Each attack gets an error page and leaves no
 * profile; the control case with the same steps signs in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamlSignInAttacksTest {
  static final String SP = "REF30";
  static final String MVPD = "SAMLReference";
  static final String SHA256 = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
  static final String DIGEST = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256;

  Vertx vertx;
  Gateway gateway;
  String prefix;
  SamlTestIdp idp;
  final SigningCredential attacker = SigningCredential.generate("idp.mvpd.example");

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("saml-attacks");
    idp = new SamlTestIdp(dir);
    int authzPort =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.response()
                        .putHeader("Content-Type", "application/json")
                        .end("{\"decision\":\"Permit\"}"))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .actualPort();
    JsonObject config =
        TestGateway.withMvpdSessions(
            TestGateway.with(
                TestGateway.config(),
                idp.integration(SP, MVPD, "http://127.0.0.1:" + authzPort + "/authz")),
            SP);
    prefix = TestGateway.keyPrefix(config);
    gateway =
        TestGateway.start(vertx, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    idp.gatewayPort(gateway.port());
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  // ---- the control: the same steps with an honest response sign in ----------------------------

  @Test
  void a_signed_assertion_signs_in_and_maps_the_attributes() throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    assertEquals(idp.audience() + "/on-behalf-of/" + SP, pending.issuer());
    Document response = idp.response(pending, "subscriber-7");
    IdpMessages.sign(IdpMessages.assertion(response), idp.idp, SHA256, DIGEST);
    HttpResponse<String> answer = idp.post(response, pending.relayState());
    assertEquals(302, answer.statusCode(), answer.body());
    assertEquals(MvpdSignIn.REDIRECT_URL, answer.headers().firstValue("Location").orElse(null));
    JsonObject profile = idp.profileOf(SP, MVPD, pending);
    assertNotNull(profile);
    JsonObject attributes = profile.getJsonObject("attributes");
    assertEquals("subscriber-7", attributes.getJsonObject("userID").getString("value"));
    assertEquals("HH-7", attributes.getJsonObject("householdID").getString("value"));
    assertEquals("10001", attributes.getJsonObject("zip").getString("value"));
  }

  @Test
  void a_signed_response_around_an_unsigned_assertion_signs_in() throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    Document response = idp.response(pending, "subscriber-8");
    IdpMessages.sign(response.getDocumentElement(), idp.idp, SHA256, DIGEST);
    assertEquals(302, idp.post(response, pending.relayState()).statusCode());
    assertNotNull(idp.profileOf(SP, MVPD, pending));
  }

  @Test
  void an_encrypted_signed_assertion_is_decrypted_with_the_sp_key_and_signs_in() throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    Document response = signedAssertion(pending, "subscriber-9");
    IdpMessages.encryptAssertion(response, idp.sp.certificate());
    assertTrue(SecureXml.toString(response).contains("EncryptedAssertion"));
    assertEquals(302, idp.post(response, pending.relayState()).statusCode());
    JsonObject profile = idp.profileOf(SP, MVPD, pending);
    assertEquals(
        "subscriber-9",
        profile.getJsonObject("attributes").getJsonObject("userID").getString("value"));
  }

  @Test
  void an_assertion_encrypted_for_another_key_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-9");
          IdpMessages.encryptAssertion(r, attacker.certificate());
          return r;
        },
        "could not be decrypted");
  }

  @Test
  void an_encrypted_unsigned_assertion_is_still_refused() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-evil");
          IdpMessages.encryptAssertion(r, idp.sp.certificate());
          return r;
        },
        "is signed");
  }

  /**
   * Memory per SAML sign-in, measured as for OIDC ({@code MEMORY USAGE … SAMPLES 0}): the session
   * holds the same fields (state, nonce as the request ID), and the profile's sealed part adds the
   * NameID, its format and the IdP's SessionIndex for single logout.
   */
  @Test
  void a_saml_session_and_profile_each_take_at_most_one_kib() throws Exception {
    io.temppass.gateway.support.RedisProbe redis =
        new io.temppass.gateway.support.RedisProbe(vertx);
    try {
      SamlTestIdp.Pending pending = idp.start(SP, MVPD);
      long session =
          redis
              .send(
                  io.vertx.redis.client.Command.MEMORY,
                  "USAGE",
                  prefix + ":s:{" + pending.code() + "}",
                  "SAMPLES",
                  "0")
              .await(10, TimeUnit.SECONDS)
              .toLong();
      assertTrue(session > 0 && session <= 1024, "session: " + session + " bytes");
      assertEquals(
          302,
          idp.post(signedAssertion(pending, "subscriber-" + "x".repeat(64)), pending.relayState())
              .statusCode());
      long largest = 0;
      for (String key : redis.keys(prefix + ":a:").await(10, TimeUnit.SECONDS)) {
        long bytes =
            redis
                .send(io.vertx.redis.client.Command.MEMORY, "USAGE", key, "SAMPLES", "0")
                .await(10, TimeUnit.SECONDS)
                .toLong();
        largest = Math.max(largest, bytes);
      }
      assertTrue(largest > 0 && largest <= 1024, "profile: " + largest + " bytes");
    } finally {
      redis.close();
    }
  }

  // ---- signatures ----------------------------------------------------------------------------

  @Test
  void an_unsigned_response_and_assertion_are_refused() throws Exception {
    refused(pending -> idp.response(pending, "subscriber-evil"), "is signed");
  }

  @Test
  void a_signature_by_another_key_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-evil");
          IdpMessages.sign(IdpMessages.assertion(r), attacker, SHA256, DIGEST);
          return r;
        },
        "configured certificate");
  }

  @Test
  void a_key_carried_only_in_key_info_is_never_used() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-evil");
          Element assertion = IdpMessages.assertion(r);
          IdpMessages.sign(assertion, attacker, SHA256, DIGEST);
          // Replace the certificate by the bare public key: a validator that trusts KeyInfo would
          // verify with it.
          Element signature = signature(assertion);
          Element keyInfo =
              (Element) signature.getElementsByTagNameNS(XmlSignatures.DSIG_NS, "KeyInfo").item(0);
          signature.removeChild(keyInfo);
          try {
            org.apache.xml.security.keys.KeyInfo info = new org.apache.xml.security.keys.KeyInfo(r);
            info.addKeyValue(attacker.certificate().getPublicKey());
            signature.appendChild(info.getElement());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return r;
        },
        "configured certificate");
  }

  @Test
  void sha1_is_refused_when_the_integration_does_not_allow_it() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-7");
          IdpMessages.sign(
              IdpMessages.assertion(r),
              idp.idp,
              XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1,
              MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1);
          return r;
        },
        "SHA-1");
  }

  @Test
  void a_changed_name_id_after_signing_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          nameId(IdpMessages.assertion(r)).setTextContent("subscriber-evil");
          return r;
        },
        "does not verify");
  }

  @Test
  void a_comment_injected_into_the_name_id_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-7");
          Element name = nameId(IdpMessages.assertion(r));
          name.setTextContent("victim");
          name.appendChild(r.createComment("x"));
          name.appendChild(r.createTextNode(".attacker"));
          IdpMessages.sign(IdpMessages.assertion(r), idp.idp, SHA256, DIGEST);
          return r;
        },
        "comment");
  }

  // ---- XML signature wrapping: the eight classic variants (Somorovsky et al., 2012) -----------

  /** XSW1: a forged Response at the root; the signed original inside the forged one's Signature. */
  @Test
  void xsw1_signed_response_moved_into_the_signature_of_a_forged_one() throws Exception {
    refused(
        pending -> {
          Document original = signedResponse(pending);
          Document evil = idp.response(pending, "subscriber-evil");
          Element signature = signature(original.getDocumentElement());
          Element copied = (Element) evil.importNode(signature, true);
          Element root = evil.getDocumentElement();
          root.insertBefore(copied, issuer(root).getNextSibling());
          copied.appendChild(evil.importNode(original.getDocumentElement(), true));
          return evil;
        },
        "not permitted in this location");
  }

  /** XSW2: as XSW1 with the signed original beside the forged Signature (detached). */
  @Test
  void xsw2_signed_response_placed_before_a_forged_one_s_signature() throws Exception {
    refused(
        pending -> {
          Document original = signedResponse(pending);
          Document evil = idp.response(pending, "subscriber-evil");
          Element signature = signature(original.getDocumentElement());
          Element root = evil.getDocumentElement();
          Element copied = (Element) evil.importNode(signature, true);
          root.insertBefore(copied, issuer(root).getNextSibling());
          Element inner = (Element) evil.importNode(original.getDocumentElement(), true);
          inner.removeChild(signature(inner));
          root.insertBefore(inner, copied);
          return evil;
        },
        "does not reference Response itself");
  }

  /** XSW3: a forged assertion (new ID) before the signed one. */
  @Test
  void xsw3_forged_assertion_before_the_signed_one() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element evil = forgedAssertion(r, signed, "_evil");
          r.getDocumentElement().insertBefore(evil, signed);
          return r;
        },
        "assertions, not one");
  }

  /** XSW4: a forged assertion wraps the signed one. */
  @Test
  void xsw4_forged_assertion_wraps_the_signed_one() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element evil = forgedAssertion(r, signed, "_evil");
          r.getDocumentElement().replaceChild(evil, signed);
          evil.appendChild(signed);
          return r;
        },
        "assertions, not one");
  }

  /** XSW5: the forged assertion carries the signature; the signed original is appended unsigned. */
  @Test
  void xsw5_forged_assertion_carries_the_signature_original_appended() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element evil = (Element) signed.cloneNode(true);
          nameId(evil).setTextContent("subscriber-evil");
          signed.removeChild(signature(signed));
          r.getDocumentElement().replaceChild(evil, signed);
          r.getDocumentElement().appendChild(signed);
          return r;
        },
        "assertions, not one");
  }

  /** XSW6: the forged assertion carries the signature; the original sits inside that signature. */
  @Test
  void xsw6_original_assertion_inside_the_forged_one_s_signature() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element evil = (Element) signed.cloneNode(true);
          nameId(evil).setTextContent("subscriber-evil");
          Element evilSignature = signature(evil);
          signed.removeChild(signature(signed));
          r.getDocumentElement().replaceChild(evil, signed);
          evilSignature.appendChild(signed);
          return r;
        },
        "assertions, not one");
  }

  /** XSW7: a forged assertion inside an Extensions element; the signed one untouched. */
  @Test
  void xsw7_forged_assertion_in_extensions() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element extensions = r.createElementNS(Saml.PROTOCOL, "samlp:Extensions");
          extensions.appendChild(forgedAssertion(r, signed, "_evil"));
          Element root = r.getDocumentElement();
          root.insertBefore(extensions, issuer(root).getNextSibling());
          return r;
        },
        "assertions, not one");
  }

  /** XSW8: the forged assertion carries the signature; the original is in a ds:Object inside it. */
  @Test
  void xsw8_original_assertion_in_an_object_of_the_forged_signature() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          Element signed = IdpMessages.assertion(r);
          Element evil = (Element) signed.cloneNode(true);
          nameId(evil).setTextContent("subscriber-evil");
          Element evilSignature = signature(evil);
          signed.removeChild(signature(signed));
          r.getDocumentElement().replaceChild(evil, signed);
          Element object = r.createElementNS(XmlSignatures.DSIG_NS, "ds:Object");
          object.appendChild(signed);
          evilSignature.appendChild(object);
          return r;
        },
        "assertions, not one");
  }

  // ---- addressing, time, replay --------------------------------------------------------------

  @Test
  void a_wrong_audience_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-7");
          Element audience = (Element) r.getElementsByTagNameNS(Saml.ASSERTION, "Audience").item(0);
          audience.setTextContent("https://another-sp.example/saml");
          IdpMessages.sign(IdpMessages.assertion(r), idp.idp, SHA256, DIGEST);
          return r;
        },
        "Audience");
  }

  @Test
  void a_wrong_destination_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = signedAssertion(pending, "subscriber-7");
          r.getDocumentElement()
              .setAttributeNS(null, "Destination", "https://another-sp.example/acs");
          return r;
        },
        "Destination");
  }

  @Test
  void a_wrong_recipient_is_refused() throws Exception {
    refused(
        pending -> {
          Document r = idp.response(pending, "subscriber-7");
          ((Element) r.getElementsByTagNameNS(Saml.ASSERTION, "SubjectConfirmationData").item(0))
              .setAttributeNS(null, "Recipient", "https://another-sp.example/acs");
          IdpMessages.sign(IdpMessages.assertion(r), idp.idp, SHA256, DIGEST);
          return r;
        },
        "Recipient");
  }

  @Test
  void an_expired_assertion_is_refused() throws Exception {
    refused(pending -> at(pending, Instant.now().minus(Duration.ofHours(1))), "expired");
  }

  @Test
  void a_not_yet_valid_assertion_is_refused() throws Exception {
    refused(pending -> at(pending, Instant.now().plus(Duration.ofHours(1))), "not yet valid");
  }

  @Test
  void a_response_to_another_session_s_request_is_refused() throws Exception {
    SamlTestIdp.Pending other = idp.start(SP, MVPD);
    refused(pending -> signedAssertion(other, "subscriber-7"), "InResponseTo");
    assertNull(idp.profileOf(SP, MVPD, other));
  }

  @Test
  void a_replayed_response_is_refused() throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    byte[] once = SecureXml.serialize(signedAssertion(pending, "subscriber-7"));
    assertEquals(302, idp.post(once, pending.relayState()).statusCode());
    HttpResponse<String> again = idp.post(once, pending.relayState());
    assertErrorPage(again);
    // The same response posted into a fresh session: its InResponseTo is the old request's.
    SamlTestIdp.Pending fresh = idp.start(SP, MVPD);
    assertErrorPage(idp.post(once, fresh.relayState()));
    assertNull(idp.profileOf(SP, MVPD, fresh));
  }

  // ---- the parser ----------------------------------------------------------------------------

  @Test
  void a_doctype_with_an_external_entity_is_refused() throws Exception {
    Path secret = Files.writeString(Files.createTempFile("secret", ".txt"), "TOP-SECRET");
    refusedBytes(
        pending -> {
          String xml = SecureXml.toString(signedAssertion(pending, "&xxe;"));
          return ("<?xml version=\"1.0\"?><!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \""
                  + secret.toUri()
                  + "\">]>"
                  + xml.replace("&amp;xxe;", "&xxe;"))
              .getBytes(StandardCharsets.UTF_8);
        },
        "DOCTYPE");
  }

  @Test
  void billion_laughs_is_refused() throws Exception {
    refusedBytes(
        pending -> {
          StringBuilder dtd = new StringBuilder("<!DOCTYPE samlp:Response [<!ENTITY l0 \"ha\">");
          for (int i = 1; i < 10; i++)
            dtd.append("<!ENTITY l")
                .append(i)
                .append(" \"")
                .append(("&l" + (i - 1) + ";").repeat(10))
                .append("\">");
          dtd.append("]>");
          String xml = SecureXml.toString(signedAssertion(pending, "&l9;"));
          return (dtd + xml.replace("&amp;l9;", "&l9;")).getBytes(StandardCharsets.UTF_8);
        },
        "DOCTYPE");
  }

  @Test
  void a_one_mebibyte_response_is_refused() throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    Document r = signedAssertion(pending, "subscriber-7");
    Element padding = r.createElementNS(Saml.PROTOCOL, "samlp:Extensions");
    padding.setTextContent("x".repeat(1024 * 1024));
    r.getDocumentElement().appendChild(padding);
    assertErrorPage(idp.post(r, pending.relayState()));
    assertNull(idp.profileOf(SP, MVPD, pending));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  interface Forge {
    Document forge(SamlTestIdp.Pending pending) throws Exception;
  }

  interface ForgeBytes {
    byte[] forge(SamlTestIdp.Pending pending) throws Exception;
  }

  /** Posts the forged response into a fresh session: an error page, no profile. */
  void refused(Forge forge, String logged) throws Exception {
    refusedBytes(pending -> SecureXml.serialize(forge.forge(pending)), logged);
  }

  /** {@code logged}: what the WARNING line must say about why (null: any refusal). */
  void refusedBytes(ForgeBytes forge, String logged) throws Exception {
    SamlTestIdp.Pending pending = idp.start(SP, MVPD);
    HttpResponse<String> answer;
    try (LogCapture log = new LogCapture()) {
      answer = idp.post(forge.forge(pending), pending.relayState());
      List<String> refusals =
          log.warnings().stream().filter(l -> l.contains("SAML response refused")).toList();
      assertEquals(1, refusals.size(), log.lines().toString());
      if (logged != null) assertTrue(refusals.get(0).contains(logged), refusals.get(0));
    }
    assertErrorPage(answer);
    assertNull(idp.profileOf(SP, MVPD, pending), "no profile");
  }

  static void assertErrorPage(HttpResponse<String> answer) {
    assertEquals(400, answer.statusCode(), answer.body());
    assertTrue(
        answer.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
        answer.headers().toString());
    assertTrue(answer.headers().firstValue("Location").isEmpty());
  }

  Document signedAssertion(SamlTestIdp.Pending pending, String nameId) {
    Document r = idp.response(pending, nameId);
    IdpMessages.sign(IdpMessages.assertion(r), idp.idp, SHA256, DIGEST);
    return r;
  }

  Document signedResponse(SamlTestIdp.Pending pending) {
    Document r = idp.response(pending, "subscriber-7");
    IdpMessages.sign(r.getDocumentElement(), idp.idp, SHA256, DIGEST);
    return r;
  }

  Document at(SamlTestIdp.Pending pending, Instant when) {
    Document r =
        IdpMessages.response(
            new IdpMessages.ResponseSpec(
                SamlTestIdp.ENTITY_ID,
                idp.acsUrl(),
                pending.requestId(),
                idp.audience(),
                "subscriber-7",
                Map.of(),
                when,
                Duration.ofMinutes(5)));
    IdpMessages.sign(IdpMessages.assertion(r), idp.idp, SHA256, DIGEST);
    return r;
  }

  /** An unsigned copy of {@code signed} naming another subscriber, with its own ID. */
  static Element forgedAssertion(Document doc, Element signed, String id) {
    Element evil = (Element) signed.cloneNode(true);
    evil.removeChild(signature(evil));
    evil.setAttributeNS(null, "ID", id);
    nameId(evil).setTextContent("subscriber-evil");
    return evil;
  }

  static Element signature(Element e) {
    return Saml.child(e, XmlSignatures.DSIG_NS, "Signature");
  }

  static Element issuer(Element e) {
    return Saml.child(e, Saml.ASSERTION, "Issuer");
  }

  static Element nameId(Element assertion) {
    return Saml.child(Saml.child(assertion, Saml.ASSERTION, "Subject"), Saml.ASSERTION, "NameID");
  }

  @SuppressWarnings("unused")
  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @SuppressWarnings("unused")
  private static void unused(Consumer<Node> n) {}
}
