package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Checks an MVPD's {@code samlp:Response} to an AuthnRequest of ours (SAML core and profiles
 * §4.1.4) and returns what its one assertion says. Every check a forged, replayed or misdirected
 * response would fail is here; replay across sessions is stopped by {@code InResponseTo} naming
 * this session's request, and within a session by the session's one-use claim.
 *
 * <p>Signature wrapping: the document must hold exactly one assertion, a child of the response, and
 * it is read only when it is the element {@link XmlSignatures#verify} returned, or a child of the
 * response that did. Comments inside a value are refused ({@link Saml#text}).
 */
public final class ResponseValidator {
  /** A SAML response larger than this is refused unparsed (a real one is a few KiB). */
  public static final int MAX_BYTES = 128 * 1024;

  private ResponseValidator() {}

  /**
   * What must hold. {@code audiences}: the SP entity ids an assertion may be addressed to. {@code
   * decryptionKey}: the SP key for encrypted assertions (null: they are refused).
   */
  public record Expected(
      String idpEntityId,
      String acsUrl,
      Set<String> audiences,
      String requestId,
      XmlSignatures.Policy signatures,
      Duration clockSkew,
      Instant now,
      PrivateKey decryptionKey) {}

  /** The validated assertion: the subscriber and what the IdP said about them. */
  public record Assertion(
      String nameId,
      String nameIdFormat,
      String sessionIndex,
      Map<String, List<String>> attributes) {}

  /** The IdP answered with a status other than Success: the viewer did not sign in. */
  public static final class NotSuccess extends RuntimeException {
    public final String status;

    NotSuccess(String status) {
      super("the IdP answered status " + status, null, false, false);
      this.status = status;
    }
  }

  /**
   * @throws XmlRejected when the response cannot be trusted, saying which check failed
   * @throws NotSuccess when it is a trustworthy refusal
   */
  public static Assertion validate(byte[] xml, Expected expected) {
    Document doc = SecureXml.parse(xml, MAX_BYTES);
    Element response = doc.getDocumentElement();
    if (!Saml.PROTOCOL.equals(response.getNamespaceURI())
        || !"Response".equals(response.getLocalName()))
      throw new XmlRejected("the message is not a samlp:Response");
    if (!"2.0".equals(response.getAttributeNS(null, "Version")))
      throw new XmlRejected("the Response is not SAML 2.0");
    if (!expected.acsUrl().equals(response.getAttributeNS(null, "Destination")))
      throw new XmlRejected("the Response's Destination is not this assertion consumer service");
    if (!expected.requestId().equals(response.getAttributeNS(null, "InResponseTo")))
      throw new XmlRejected("the Response's InResponseTo is not this session's request");
    Element responseIssuer = Saml.optionalChild(response, Saml.ASSERTION, "Issuer");
    if (responseIssuer != null && !expected.idpEntityId().equals(Saml.text(responseIssuer)))
      throw new XmlRejected("the Response's Issuer is not the IdP");
    boolean responseSigned = XmlSignatures.hasSignature(response);
    if (responseSigned) XmlSignatures.verify(response, "ID", expected.signatures());
    Element status = Saml.child(response, Saml.PROTOCOL, "Status");
    String code = Saml.child(status, Saml.PROTOCOL, "StatusCode").getAttributeNS(null, "Value");
    if (!Saml.SUCCESS.equals(code)) throw new NotSuccess(code);

    decryptAssertion(doc, response, expected.decryptionKey());
    NodeList all = doc.getElementsByTagNameNS(Saml.ASSERTION, "Assertion");
    if (all.getLength() != 1)
      throw new XmlRejected("the Response holds " + all.getLength() + " assertions, not one");
    Element assertion = (Element) all.item(0);
    if (assertion.getParentNode() != response)
      throw new XmlRejected("the assertion is not a child of the Response");
    if (XmlSignatures.hasSignature(assertion))
      assertion = XmlSignatures.verify(assertion, "ID", expected.signatures());
    else if (!responseSigned)
      throw new XmlRejected("neither the Response nor the assertion is signed");
    return read(assertion, expected);
  }

  private static Assertion read(Element assertion, Expected expected) {
    Instant now = expected.now();
    Duration skew = expected.clockSkew();
    if (!"2.0".equals(assertion.getAttributeNS(null, "Version")))
      throw new XmlRejected("the assertion is not SAML 2.0");
    if (!expected.idpEntityId().equals(Saml.text(Saml.child(assertion, Saml.ASSERTION, "Issuer"))))
      throw new XmlRejected("the assertion's Issuer is not the IdP");

    Element subject = Saml.child(assertion, Saml.ASSERTION, "Subject");
    Element nameId = Saml.child(subject, Saml.ASSERTION, "NameID");
    String name = Saml.text(nameId);
    boolean confirmed = false;
    for (Element confirmation : Saml.children(subject, Saml.ASSERTION, "SubjectConfirmation")) {
      if (!Saml.BEARER.equals(confirmation.getAttributeNS(null, "Method"))) continue;
      Element data = Saml.child(confirmation, Saml.ASSERTION, "SubjectConfirmationData");
      if (!expected.acsUrl().equals(data.getAttributeNS(null, "Recipient")))
        throw new XmlRejected(
            "the SubjectConfirmationData's Recipient is not this assertion consumer service");
      if (!expected.requestId().equals(data.getAttributeNS(null, "InResponseTo")))
        throw new XmlRejected(
            "the SubjectConfirmationData's InResponseTo is not this session's request");
      Instant notOnOrAfter = Saml.instantAttribute(data, "NotOnOrAfter");
      if (notOnOrAfter == null || !now.isBefore(notOnOrAfter.plus(skew)))
        throw new XmlRejected("the subject confirmation has expired or has no NotOnOrAfter");
      Instant notBefore = Saml.instantAttribute(data, "NotBefore");
      if (notBefore != null && now.plus(skew).isBefore(notBefore))
        throw new XmlRejected("the subject confirmation is not yet valid");
      confirmed = true;
    }
    if (!confirmed) throw new XmlRejected("the assertion has no bearer SubjectConfirmation");

    Element conditions = Saml.child(assertion, Saml.ASSERTION, "Conditions");
    Instant notBefore = Saml.instantAttribute(conditions, "NotBefore");
    if (notBefore != null && now.plus(skew).isBefore(notBefore))
      throw new XmlRejected("the assertion is not yet valid (Conditions NotBefore)");
    Instant notOnOrAfter = Saml.instantAttribute(conditions, "NotOnOrAfter");
    if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(skew)))
      throw new XmlRejected("the assertion has expired (Conditions NotOnOrAfter)");
    List<Element> restrictions = Saml.children(conditions, Saml.ASSERTION, "AudienceRestriction");
    if (restrictions.isEmpty()) throw new XmlRejected("the assertion has no AudienceRestriction");
    for (Element restriction : restrictions) {
      boolean ours = false;
      for (Element audience : Saml.children(restriction, Saml.ASSERTION, "Audience"))
        ours |= expected.audiences().contains(Saml.text(audience));
      if (!ours) throw new XmlRejected("the assertion's Audience is not this service provider");
    }

    List<Element> authn = Saml.children(assertion, Saml.ASSERTION, "AuthnStatement");
    if (authn.isEmpty()) throw new XmlRejected("the assertion has no AuthnStatement");
    Instant sessionEnd = Saml.instantAttribute(authn.get(0), "SessionNotOnOrAfter");
    if (sessionEnd != null && !now.isBefore(sessionEnd.plus(skew)))
      throw new XmlRejected("the IdP session has ended (SessionNotOnOrAfter)");
    String sessionIndex = authn.get(0).getAttributeNS(null, "SessionIndex");

    Map<String, List<String>> attributes = new LinkedHashMap<>();
    for (Element statement : Saml.children(assertion, Saml.ASSERTION, "AttributeStatement")) {
      for (Element attribute : Saml.children(statement, Saml.ASSERTION, "Attribute")) {
        List<String> values = new ArrayList<>();
        for (Element value : Saml.children(attribute, Saml.ASSERTION, "AttributeValue"))
          values.add(Saml.text(value));
        attributes
            .computeIfAbsent(attribute.getAttributeNS(null, "Name"), k -> new ArrayList<>())
            .addAll(values);
      }
    }
    return new Assertion(
        name,
        nameId.getAttributeNS(null, "Format"),
        sessionIndex.isEmpty() ? null : sessionIndex,
        attributes);
  }

  /** Replaces a {@code saml:EncryptedAssertion} child of the response by the assertion it holds. */
  private static void decryptAssertion(Document doc, Element response, PrivateKey key) {
    List<Element> encrypted = Saml.children(response, Saml.ASSERTION, "EncryptedAssertion");
    if (encrypted.isEmpty()) return;
    if (encrypted.size() > 1)
      throw new XmlRejected("the Response holds several encrypted assertions");
    if (key == null)
      throw new XmlRejected("the assertion is encrypted and no SP key is configured");
    Element assertion = Decryption.decrypt(encrypted.get(0), key);
    response.replaceChild(assertion, encrypted.get(0));
  }
}
