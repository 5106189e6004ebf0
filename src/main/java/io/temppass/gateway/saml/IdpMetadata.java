package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * What the gateway needs from an MVPD's SAML IdP metadata: its entity id, its single sign-on and
 * single logout endpoints for the HTTP-Redirect binding, and every signing certificate it lists
 * (several during a rotation: a response signed by any of them is accepted). The metadata is
 * trusted by how it is obtained (a file the operator placed, or an https URL of the MVPD), as
 * Adobe's onboarding exchanges it; its own signature, if any, is not checked.
 */
public record IdpMetadata(
    String entityId,
    String singleSignOnUrl,
    String singleLogoutUrl,
    List<X509Certificate> signingCertificates) {

  public IdpMetadata {
    signingCertificates = List.copyOf(signingCertificates);
  }

  /** At most this much metadata is read; an IdP's metadata is a few KiB. */
  public static final int MAX_BYTES = 1024 * 1024;

  /**
   * Reads an {@code md:EntityDescriptor} with an {@code md:IDPSSODescriptor}.
   *
   * @throws XmlRejected naming what is missing
   */
  public static IdpMetadata parse(byte[] xml) {
    Element root = SecureXml.parse(xml, MAX_BYTES).getDocumentElement();
    if (!Saml.METADATA.equals(root.getNamespaceURI())
        || !"EntityDescriptor".equals(root.getLocalName()))
      throw new XmlRejected("the IdP metadata's root is not an md:EntityDescriptor");
    String entityId = root.getAttributeNS(null, "entityID");
    if (entityId.isBlank()) throw new XmlRejected("the IdP metadata has no entityID");
    Element idp = Saml.child(root, Saml.METADATA, "IDPSSODescriptor");
    String sso = endpoint(idp, "SingleSignOnService");
    if (sso == null)
      throw new XmlRejected(
          "the IdP metadata has no SingleSignOnService with the HTTP-Redirect binding");
    List<X509Certificate> certificates = new ArrayList<>();
    for (Element key : Saml.children(idp, Saml.METADATA, "KeyDescriptor")) {
      String use = key.getAttributeNS(null, "use");
      if (!use.isEmpty() && !"signing".equals(use)) continue;
      var found = key.getElementsByTagNameNS(XmlSignatures.DSIG_NS, "X509Certificate");
      for (int i = 0; i < found.getLength(); i++) {
        try {
          certificates.addAll(SigningCredential.certificates(Saml.text((Element) found.item(i))));
        } catch (IllegalArgumentException e) {
          throw new XmlRejected(
              "the IdP metadata holds an unreadable certificate: " + e.getMessage());
        }
      }
    }
    if (certificates.isEmpty())
      throw new XmlRejected("the IdP metadata lists no signing certificate");
    return new IdpMetadata(
        entityId.strip(), sso, endpoint(idp, "SingleLogoutService"), certificates);
  }

  private static String endpoint(Element idp, String name) {
    for (Element e : Saml.children(idp, Saml.METADATA, name)) {
      if (Saml.REDIRECT_BINDING.equals(e.getAttributeNS(null, "Binding"))) {
        String location = e.getAttributeNS(null, "Location").strip();
        if (!location.isEmpty()) return location;
      }
    }
    return null;
  }
}
