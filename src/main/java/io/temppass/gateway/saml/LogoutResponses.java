package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.XmlRejected;
import org.w3c.dom.Element;

/** Checks an IdP's {@code samlp:LogoutResponse}, its redirect-binding signature already checked. */
public final class LogoutResponses {
  private LogoutResponses() {}

  /**
   * True when the IdP answered Success to {@code requestId}.
   *
   * @throws XmlRejected when it is not a LogoutResponse of this IdP to this request at this
   *     endpoint
   */
  public static boolean success(
      byte[] xml, String idpEntityId, String requestId, String destination) {
    Element response = SecureXml.parse(xml).getDocumentElement();
    if (!Saml.PROTOCOL.equals(response.getNamespaceURI())
        || !"LogoutResponse".equals(response.getLocalName()))
      throw new XmlRejected("the message is not a samlp:LogoutResponse");
    if (!requestId.equals(response.getAttributeNS(null, "InResponseTo")))
      throw new XmlRejected("the LogoutResponse does not answer this logout");
    String to = response.getAttributeNS(null, "Destination");
    if (!to.isEmpty() && !to.equals(destination))
      throw new XmlRejected("the LogoutResponse's Destination is not this endpoint");
    if (!idpEntityId.equals(Saml.text(Saml.child(response, Saml.ASSERTION, "Issuer"))))
      throw new XmlRejected("the LogoutResponse's Issuer is not the IdP");
    Element status = Saml.child(response, Saml.PROTOCOL, "Status");
    return Saml.SUCCESS.equals(
        Saml.child(status, Saml.PROTOCOL, "StatusCode").getAttributeNS(null, "Value"));
  }
}
