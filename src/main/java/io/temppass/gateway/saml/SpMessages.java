package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import java.time.Instant;
import java.util.Collection;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The messages the gateway writes as a SAML service provider: its metadata, the {@code
 * AuthnRequest} and the {@code LogoutRequest}. Requests travel over the HTTP-Redirect binding,
 * where the signature is over the query ({@link RedirectBinding}), so they carry none inside.
 */
public final class SpMessages {
  private SpMessages() {}

  /**
   * The SP's identity as an MVPD sees it: {@code issuer} the Issuer it sends (the entity id, or
   * Adobe's {@code <entityId>/on-behalf-of/<serviceProvider>}), {@code requesterId} the {@code
   * Scoping/RequesterID} (null: none).
   */
  public record Requester(String entityId, String issuer, String requesterId) {}

  /**
   * {@code samlp:AuthnRequest} asking for a persistent NameID, answered by POST to {@code acsUrl}.
   */
  public static byte[] authnRequest(
      String id, Requester requester, String destination, String acsUrl, Instant now) {
    Document doc = SecureXml.newDocument();
    Element request = Saml.root(doc, Saml.PROTOCOL, "samlp:AuthnRequest");
    request.setAttributeNS(Saml.XMLNS, "xmlns:saml", Saml.ASSERTION);
    request.setAttributeNS(null, "ID", id);
    request.setAttributeNS(null, "Version", "2.0");
    request.setAttributeNS(null, "IssueInstant", Saml.instant(now));
    request.setAttributeNS(null, "Destination", destination);
    request.setAttributeNS(null, "AssertionConsumerServiceURL", acsUrl);
    request.setAttributeNS(null, "ProtocolBinding", Saml.POST_BINDING);
    request.setAttributeNS(null, "ForceAuthn", "false");
    request.setAttributeNS(null, "IsPassive", "false");
    Saml.add(request, Saml.ASSERTION, "saml:Issuer", requester.issuer());
    Element policy = Saml.add(request, Saml.PROTOCOL, "samlp:NameIDPolicy", null);
    policy.setAttributeNS(null, "Format", Saml.PERSISTENT);
    policy.setAttributeNS(null, "AllowCreate", "true");
    policy.setAttributeNS(null, "SPNameQualifier", requester.entityId());
    if (requester.requesterId() != null) {
      Element scoping = Saml.add(request, Saml.PROTOCOL, "samlp:Scoping", null);
      Saml.add(scoping, Saml.PROTOCOL, "samlp:RequesterID", requester.requesterId());
    }
    return SecureXml.serialize(doc);
  }

  /** {@code samlp:LogoutRequest} for the subscriber {@code nameId} and the IdP's session. */
  public static byte[] logoutRequest(
      String id,
      Requester requester,
      String destination,
      String nameId,
      String nameIdFormat,
      String sessionIndex,
      Instant now) {
    Document doc = SecureXml.newDocument();
    Element request = Saml.root(doc, Saml.PROTOCOL, "samlp:LogoutRequest");
    request.setAttributeNS(Saml.XMLNS, "xmlns:saml", Saml.ASSERTION);
    request.setAttributeNS(null, "ID", id);
    request.setAttributeNS(null, "Version", "2.0");
    request.setAttributeNS(null, "IssueInstant", Saml.instant(now));
    request.setAttributeNS(null, "Destination", destination);
    request.setAttributeNS(null, "Reason", Saml.LOGOUT_USER);
    Saml.add(request, Saml.ASSERTION, "saml:Issuer", requester.issuer());
    Element name = Saml.add(request, Saml.ASSERTION, "saml:NameID", nameId);
    if (nameIdFormat != null && !nameIdFormat.isEmpty())
      name.setAttributeNS(null, "Format", nameIdFormat);
    if (sessionIndex != null && !sessionIndex.isEmpty())
      Saml.add(request, Saml.PROTOCOL, "samlp:SessionIndex", sessionIndex);
    return SecureXml.serialize(doc);
  }

  /**
   * The SP metadata an MVPD loads: its entity id, the signing (and encryption) certificate, signed
   * requests and assertions wanted, persistent NameIDs, the assertion consumer service (HTTP-POST)
   * and the single-logout endpoint its LogoutResponses return to (HTTP-Redirect).
   */
  public static byte[] metadata(
      String entityId, Collection<SigningCredential> credentials, String acsUrl, String sloUrl) {
    Document doc = SecureXml.newDocument();
    Element root = Saml.root(doc, Saml.METADATA, "md:EntityDescriptor");
    root.setAttributeNS(Saml.XMLNS, "xmlns:ds", "http://www.w3.org/2000/09/xmldsig#");
    root.setAttributeNS(null, "entityID", entityId);
    Element sp = Saml.add(root, Saml.METADATA, "md:SPSSODescriptor", null);
    sp.setAttributeNS(null, "AuthnRequestsSigned", "true");
    sp.setAttributeNS(null, "WantAssertionsSigned", "true");
    sp.setAttributeNS(null, "protocolSupportEnumeration", Saml.PROTOCOL);
    for (SigningCredential credential : credentials) {
      for (String use : new String[] {"signing", "encryption"}) {
        Element key = Saml.add(sp, Saml.METADATA, "md:KeyDescriptor", null);
        key.setAttributeNS(null, "use", use);
        Element info = Saml.add(key, "http://www.w3.org/2000/09/xmldsig#", "ds:KeyInfo", null);
        Element data = Saml.add(info, "http://www.w3.org/2000/09/xmldsig#", "ds:X509Data", null);
        Saml.add(
            data,
            "http://www.w3.org/2000/09/xmldsig#",
            "ds:X509Certificate",
            credential.certificateBase64());
      }
    }
    Element slo = Saml.add(sp, Saml.METADATA, "md:SingleLogoutService", null);
    slo.setAttributeNS(null, "Binding", Saml.REDIRECT_BINDING);
    slo.setAttributeNS(null, "Location", sloUrl);
    Saml.add(sp, Saml.METADATA, "md:NameIDFormat", Saml.PERSISTENT);
    Element acs = Saml.add(sp, Saml.METADATA, "md:AssertionConsumerService", null);
    acs.setAttributeNS(null, "Binding", Saml.POST_BINDING);
    acs.setAttributeNS(null, "Location", acsUrl);
    acs.setAttributeNS(null, "index", "0");
    acs.setAttributeNS(null, "isDefault", "true");
    return SecureXml.serialize(doc);
  }
}
