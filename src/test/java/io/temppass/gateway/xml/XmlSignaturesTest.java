package io.temppass.gateway.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.signature.XMLSignature;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Real signatures made and checked by Santuario, each refusal by the rule it names; every signed
 * document goes through serialise and parse first, as it would over the wire.
 */
class XmlSignaturesTest {
  private static final String NS = "urn:test";
  private static final SigningCredential SIGNER = SigningCredential.generate("signer");
  private static final SigningCredential OTHER = SigningCredential.generate("other");
  private static final XmlSignatures.Policy TRUST_SIGNER =
      new XmlSignatures.Policy(List.of(SIGNER.certificate()), false);

  /** {@code <t:Root><t:Item ID="_item"><t:Issuer/><t:Value>v</t:Value></t:Item></t:Root>}. */
  private static Document unsigned(String value) {
    Document doc = SecureXml.newDocument();
    Element root = doc.createElementNS(NS, "t:Root");
    root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:t", NS);
    doc.appendChild(root);
    Element item = doc.createElementNS(NS, "t:Item");
    item.setAttributeNS(null, "ID", "_item");
    root.appendChild(item);
    Element issuer = doc.createElementNS(NS, "t:Issuer");
    issuer.setTextContent("idp");
    item.appendChild(issuer);
    Element v = doc.createElementNS(NS, "t:Value");
    v.setTextContent(value);
    item.appendChild(v);
    return doc;
  }

  private static Document signed(SigningCredential by, String algorithm, String digest) {
    Document doc = unsigned("v");
    Element item = item(doc, 0);
    XmlSignatures.sign(
        item,
        "ID",
        item.getFirstChild().getNextSibling(),
        by.privateKey(),
        by.certificate(),
        algorithm,
        digest);
    return wire(doc);
  }

  private static Document signed() {
    return signed(
        SIGNER,
        XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
        MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
  }

  private static Document wire(Document doc) {
    return SecureXml.parse(SecureXml.serialize(doc));
  }

  private static Element item(Document doc, int n) {
    return (Element) doc.getElementsByTagNameNS(NS, "Item").item(n);
  }

  private static String value(Element item) {
    return item.getElementsByTagNameNS(NS, "Value").item(0).getTextContent();
  }

  @Test
  void a_signature_by_a_configured_certificate_returns_the_element_it_covers() {
    Document doc = signed();
    Element item = item(doc, 0);
    assertSame(item, XmlSignatures.verify(item, "ID", TRUST_SIGNER));
    assertEquals("v", value(item));
  }

  @Test
  void any_of_several_configured_certificates_may_have_signed() {
    Document doc = signed();
    XmlSignatures.Policy rotation =
        new XmlSignatures.Policy(List.of(OTHER.certificate(), SIGNER.certificate()), false);
    XmlSignatures.verify(item(doc, 0), "ID", rotation);
  }

  @Test
  void a_changed_value_breaks_the_signature() {
    Document doc = signed();
    item(doc, 0).getElementsByTagNameNS(NS, "Value").item(0).setTextContent("changed");
    assertRefused(doc, TRUST_SIGNER, "does not verify");
  }

  @Test
  void an_unsigned_element_is_refused() {
    assertRefused(wire(unsigned("v")), TRUST_SIGNER, "not signed");
  }

  @Test
  void a_signature_by_another_key_is_refused_although_its_certificate_rides_in_key_info() {
    Document doc =
        signed(
            OTHER,
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    assertTrue(SecureXml.toString(doc).contains("X509Certificate"));
    assertRefused(doc, TRUST_SIGNER, "does not verify");
  }

  @Test
  void sha1_is_refused_unless_the_policy_allows_it() {
    Document doc =
        signed(
            SIGNER,
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1);
    assertRefused(doc, TRUST_SIGNER, "SHA-1");
    XmlSignatures.verify(
        item(doc, 0), "ID", new XmlSignatures.Policy(List.of(SIGNER.certificate()), true));
    Document sha1Digest =
        signed(
            SIGNER,
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1);
    assertRefused(sha1Digest, TRUST_SIGNER, "SHA-1");
  }

  @Test
  void ecdsa_sha256_is_accepted() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    var pair = g.generateKeyPair();
    X500Name name = new X500Name("CN=ec");
    var cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        java.math.BigInteger.ONE,
                        new java.util.Date(System.currentTimeMillis() - 60_000),
                        new java.util.Date(System.currentTimeMillis() + 3_600_000),
                        name,
                        pair.getPublic())
                    .build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    Document doc =
        signed(
            new SigningCredential(pair.getPrivate(), cert),
            XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
            MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    XmlSignatures.verify(item(doc, 0), "ID", new XmlSignatures.Policy(List.of(cert), false));
  }

  @Test
  void a_copy_with_the_same_id_elsewhere_in_the_document_is_refused() {
    Document doc = signed();
    Element copy = (Element) item(doc, 0).cloneNode(true);
    copy.removeChild(copy.getElementsByTagNameNS(XmlSignatures.DSIG_NS, "Signature").item(0));
    doc.getDocumentElement().appendChild(copy);
    assertRefused(wire(doc), TRUST_SIGNER, "not unique");
  }

  @Test
  void a_signature_moved_onto_another_element_does_not_vouch_for_it() {
    // XSW: the signed item is hidden inside an evil item that carries the signature; the evil
    // item's ID differs, so its signature's single reference points elsewhere.
    Document doc = signed();
    Element original = item(doc, 0);
    Element signature =
        (Element) original.getElementsByTagNameNS(XmlSignatures.DSIG_NS, "Signature").item(0);
    Element evil = (Element) unsigned("evil").getDocumentElement().getFirstChild();
    evil = (Element) doc.importNode(evil, true);
    evil.setAttributeNS(null, "ID", "_evil");
    doc.getDocumentElement().replaceChild(evil, original);
    original.removeChild(signature);
    evil.appendChild(signature);
    Element object = doc.createElementNS(XmlSignatures.DSIG_NS, "ds:Object");
    object.appendChild(original);
    signature.appendChild(object);
    Document received = wire(doc);
    assertRefused(received, TRUST_SIGNER, "does not reference");
  }

  @Test
  void a_signature_with_two_references_is_refused() {
    Document doc = unsigned("v");
    Element item = item(doc, 0);
    XmlSignatures.sign(
        item, "ID", null, SIGNER.privateKey(), SIGNER.certificate(), XmlSignatures.rsaSha256());
    Element ref = (Element) item.getElementsByTagNameNS(XmlSignatures.DSIG_NS, "Reference").item(0);
    ref.getParentNode().appendChild(ref.cloneNode(true));
    assertRefused(wire(doc), TRUST_SIGNER, "exactly one Reference");
  }

  @Test
  void the_signature_survives_the_wire_when_prefixes_are_declared() {
    byte[] bytes = SecureXml.serialize(signed());
    Document again = SecureXml.parse(bytes);
    XmlSignatures.verify(item(again, 0), "ID", TRUST_SIGNER);
    assertTrue(new String(bytes, StandardCharsets.UTF_8).indexOf("&#13;") < 0);
  }

  private static void assertRefused(Document doc, XmlSignatures.Policy policy, String why) {
    XmlRejected refused =
        assertThrows(XmlRejected.class, () -> XmlSignatures.verify(item(doc, 0), "ID", policy));
    assertTrue(refused.getMessage().contains(why), refused.getMessage());
  }
}
