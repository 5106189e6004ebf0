package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The identity provider's side of the messages, for the reference IdP of development mode and for
 * tests that play an MVPD: reading an AuthnRequest or LogoutRequest, writing a Response with one
 * assertion (signed as asked) and a LogoutResponse.
 */
public final class IdpMessages {
  private IdpMessages() {}

  /** What an SP asked for: the request's ID, Issuer and where the answer goes. */
  public record Request(
      String id, String issuer, String destination, String acsUrl, String nameId) {}

  /** Reads an AuthnRequest or LogoutRequest received over the redirect binding. */
  public static Request readRequest(byte[] xml) {
    Element root = SecureXml.parse(xml).getDocumentElement();
    if (!Saml.PROTOCOL.equals(root.getNamespaceURI()))
      throw new XmlRejected("not a SAML protocol message");
    Element nameId = Saml.optionalChild(root, Saml.ASSERTION, "NameID");
    return new Request(
        root.getAttributeNS(null, "ID"),
        Saml.text(Saml.child(root, Saml.ASSERTION, "Issuer")),
        root.getAttributeNS(null, "Destination"),
        root.getAttributeNS(null, "AssertionConsumerServiceURL"),
        nameId == null ? null : Saml.text(nameId));
  }

  /**
   * A Response to write: to {@code acsUrl}, for {@code audience}, answering {@code inResponseTo}.
   */
  public record ResponseSpec(
      String idpEntityId,
      String acsUrl,
      String inResponseTo,
      String audience,
      String nameId,
      Map<String, List<String>> attributes,
      Instant now,
      Duration validity) {}

  /** An unsigned Response with one assertion; sign it with {@link #sign}. */
  public static Document response(ResponseSpec spec) {
    Document doc = SecureXml.newDocument();
    Element response = Saml.root(doc, Saml.PROTOCOL, "samlp:Response");
    response.setAttributeNS(Saml.XMLNS, "xmlns:saml", Saml.ASSERTION);
    response.setAttributeNS(null, "ID", Saml.newId());
    response.setAttributeNS(null, "Version", "2.0");
    response.setAttributeNS(null, "IssueInstant", Saml.instant(spec.now()));
    response.setAttributeNS(null, "Destination", spec.acsUrl());
    response.setAttributeNS(null, "InResponseTo", spec.inResponseTo());
    Saml.add(response, Saml.ASSERTION, "saml:Issuer", spec.idpEntityId());
    Element status = Saml.add(response, Saml.PROTOCOL, "samlp:Status", null);
    Saml.add(status, Saml.PROTOCOL, "samlp:StatusCode", null)
        .setAttributeNS(null, "Value", Saml.SUCCESS);

    Element assertion = Saml.add(response, Saml.ASSERTION, "saml:Assertion", null);
    // Declared on the assertion too, so that it stands alone once encrypted and decrypted.
    Saml.declare(assertion, "saml:Assertion", Saml.ASSERTION);
    assertion.setAttributeNS(null, "ID", Saml.newId());
    assertion.setAttributeNS(null, "Version", "2.0");
    assertion.setAttributeNS(null, "IssueInstant", Saml.instant(spec.now()));
    Saml.add(assertion, Saml.ASSERTION, "saml:Issuer", spec.idpEntityId());
    Element subject = Saml.add(assertion, Saml.ASSERTION, "saml:Subject", null);
    Element nameId = Saml.add(subject, Saml.ASSERTION, "saml:NameID", spec.nameId());
    nameId.setAttributeNS(null, "Format", Saml.PERSISTENT);
    Element confirmation = Saml.add(subject, Saml.ASSERTION, "saml:SubjectConfirmation", null);
    confirmation.setAttributeNS(null, "Method", Saml.BEARER);
    Element data = Saml.add(confirmation, Saml.ASSERTION, "saml:SubjectConfirmationData", null);
    data.setAttributeNS(null, "InResponseTo", spec.inResponseTo());
    data.setAttributeNS(null, "NotOnOrAfter", Saml.instant(spec.now().plus(spec.validity())));
    data.setAttributeNS(null, "Recipient", spec.acsUrl());
    Element conditions = Saml.add(assertion, Saml.ASSERTION, "saml:Conditions", null);
    conditions.setAttributeNS(null, "NotBefore", Saml.instant(spec.now().minusSeconds(30)));
    conditions.setAttributeNS(null, "NotOnOrAfter", Saml.instant(spec.now().plus(spec.validity())));
    Element restriction = Saml.add(conditions, Saml.ASSERTION, "saml:AudienceRestriction", null);
    Saml.add(restriction, Saml.ASSERTION, "saml:Audience", spec.audience());
    Element authn = Saml.add(assertion, Saml.ASSERTION, "saml:AuthnStatement", null);
    authn.setAttributeNS(null, "AuthnInstant", Saml.instant(spec.now()));
    authn.setAttributeNS(null, "SessionIndex", Saml.newId());
    Element context = Saml.add(authn, Saml.ASSERTION, "saml:AuthnContext", null);
    Saml.add(
        context,
        Saml.ASSERTION,
        "saml:AuthnContextClassRef",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport");
    if (!spec.attributes().isEmpty()) {
      Element statement = Saml.add(assertion, Saml.ASSERTION, "saml:AttributeStatement", null);
      spec.attributes()
          .forEach(
              (name, values) -> {
                Element attribute = Saml.add(statement, Saml.ASSERTION, "saml:Attribute", null);
                attribute.setAttributeNS(null, "Name", name);
                for (String value : values)
                  Saml.add(attribute, Saml.ASSERTION, "saml:AttributeValue", value);
              });
    }
    return doc;
  }

  /** The response's one assertion. */
  public static Element assertion(Document response) {
    return Saml.child(response.getDocumentElement(), Saml.ASSERTION, "Assertion");
  }

  /**
   * Signs {@code element} (a Response or an Assertion) with an enveloped signature placed after its
   * Issuer, as the schema orders it.
   */
  public static void sign(
      Element element, SigningCredential credential, String signatureAlgorithm, String digest) {
    Element issuer = Saml.child(element, Saml.ASSERTION, "Issuer");
    XmlSignatures.sign(
        element,
        "ID",
        issuer.getNextSibling(),
        credential.privateKey(),
        credential.certificate(),
        signatureAlgorithm,
        digest);
  }

  /**
   * Replaces the response's (signed) assertion by a {@code saml:EncryptedAssertion} for the SP's
   * certificate: AES-256-GCM content, the key transported with RSA-OAEP inside the EncryptedData.
   */
  public static void encryptAssertion(Document response, java.security.cert.X509Certificate sp) {
    Element assertion = assertion(response);
    try {
      javax.crypto.KeyGenerator generator = javax.crypto.KeyGenerator.getInstance("AES");
      generator.init(256);
      javax.crypto.SecretKey key = generator.generateKey();
      org.apache.xml.security.encryption.XMLCipher wrap =
          org.apache.xml.security.encryption.XMLCipher.getInstance(
              org.apache.xml.security.encryption.XMLCipher.RSA_OAEP);
      wrap.init(org.apache.xml.security.encryption.XMLCipher.WRAP_MODE, sp.getPublicKey());
      org.apache.xml.security.encryption.EncryptedKey encryptedKey = wrap.encryptKey(response, key);
      org.apache.xml.security.encryption.XMLCipher cipher =
          org.apache.xml.security.encryption.XMLCipher.getInstance(
              org.apache.xml.security.encryption.XMLCipher.AES_256_GCM);
      cipher.init(org.apache.xml.security.encryption.XMLCipher.ENCRYPT_MODE, key);
      org.apache.xml.security.keys.KeyInfo info =
          new org.apache.xml.security.keys.KeyInfo(response);
      info.add(encryptedKey);
      cipher.getEncryptedData().setKeyInfo(info);
      Element wrapper = response.createElementNS(Saml.ASSERTION, "saml:EncryptedAssertion");
      response.getDocumentElement().replaceChild(wrapper, assertion);
      wrapper.appendChild(assertion);
      cipher.doFinal(response, assertion, false);
    } catch (Exception e) {
      throw new IllegalStateException("cannot encrypt the assertion", e);
    }
  }

  /** A LogoutResponse to {@code destination} answering {@code inResponseTo}, status Success. */
  public static byte[] logoutResponse(
      String idpEntityId, String destination, String inResponseTo, Instant now) {
    Document doc = SecureXml.newDocument();
    Element response = Saml.root(doc, Saml.PROTOCOL, "samlp:LogoutResponse");
    response.setAttributeNS(Saml.XMLNS, "xmlns:saml", Saml.ASSERTION);
    response.setAttributeNS(null, "ID", Saml.newId());
    response.setAttributeNS(null, "Version", "2.0");
    response.setAttributeNS(null, "IssueInstant", Saml.instant(now));
    response.setAttributeNS(null, "Destination", destination);
    response.setAttributeNS(null, "InResponseTo", inResponseTo);
    Saml.add(response, Saml.ASSERTION, "saml:Issuer", idpEntityId);
    Element status = Saml.add(response, Saml.PROTOCOL, "samlp:Status", null);
    Saml.add(status, Saml.PROTOCOL, "samlp:StatusCode", null)
        .setAttributeNS(null, "Value", Saml.SUCCESS);
    return SecureXml.serialize(doc);
  }

  /** An SAML IdP's metadata: entity id, redirect-binding SSO and SLO, the signing certificates. */
  public static byte[] metadata(
      String entityId, String ssoUrl, String sloUrl, List<SigningCredential> signing) {
    Document doc = SecureXml.newDocument();
    Element root = Saml.root(doc, Saml.METADATA, "md:EntityDescriptor");
    root.setAttributeNS(Saml.XMLNS, "xmlns:ds", XmlSignatures.DSIG_NS);
    root.setAttributeNS(null, "entityID", entityId);
    Element idp = Saml.add(root, Saml.METADATA, "md:IDPSSODescriptor", null);
    idp.setAttributeNS(null, "WantAuthnRequestsSigned", "true");
    idp.setAttributeNS(null, "protocolSupportEnumeration", Saml.PROTOCOL);
    for (SigningCredential credential : signing) {
      Element key = Saml.add(idp, Saml.METADATA, "md:KeyDescriptor", null);
      key.setAttributeNS(null, "use", "signing");
      Element info = Saml.add(key, XmlSignatures.DSIG_NS, "ds:KeyInfo", null);
      Element x509 = Saml.add(info, XmlSignatures.DSIG_NS, "ds:X509Data", null);
      Saml.add(x509, XmlSignatures.DSIG_NS, "ds:X509Certificate", credential.certificateBase64());
    }
    if (sloUrl != null) {
      Element slo = Saml.add(idp, Saml.METADATA, "md:SingleLogoutService", null);
      slo.setAttributeNS(null, "Binding", Saml.REDIRECT_BINDING);
      slo.setAttributeNS(null, "Location", sloUrl);
    }
    Saml.add(idp, Saml.METADATA, "md:NameIDFormat", Saml.PERSISTENT);
    Element sso = Saml.add(idp, Saml.METADATA, "md:SingleSignOnService", null);
    sso.setAttributeNS(null, "Binding", Saml.REDIRECT_BINDING);
    sso.setAttributeNS(null, "Location", ssoUrl);
    return SecureXml.serialize(doc);
  }
}
