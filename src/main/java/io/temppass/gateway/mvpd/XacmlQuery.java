package io.temppass.gateway.mvpd;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlSignatures;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The {@code XACMLAuthzDecisionQuery} Adobe sends an MVPD's policy decision point (integration
 * digest §4, SAML 2.0 profile of XACML 2.0) in a SOAP 1.1 envelope: the subscriber as {@code
 * subject-id}, one {@code Resource} per resource (several only for a multi-resource
 * preauthorization), action {@code VIEW}, the client address as {@code authn-locality:ip-address},
 * signed with the gateway's key when one is configured.
 */
final class XacmlQuery {
  static final String SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String SAMLP_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String XACML_SAMLP_NS =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:protocol";
  static final String XACML_SAML_NS =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:assertion";
  static final String CONTEXT_NS = "urn:oasis:names:tc:xacml:2.0:context:schema:os";
  static final String POLICY_NS = "urn:oasis:names:tc:xacml:2.0:policy:schema:os";

  static final String SUBJECT_ID = "urn:oasis:names:tc:xacml:1.0:subject:subject-id";
  static final String ACTION_ID = "urn:oasis:names:tc:xacml:1.0:action:action-id";
  static final String IP_ADDRESS = "urn:oasis:names:tc:xacml:1.0:subject:authn-locality:ip-address";
  static final String STRING = "http://www.w3.org/2001/XMLSchema#string";
  static final String IP_ADDRESS_TYPE = "urn:oasis:names:tc:xacml:2.0:data-type:ipAddress";

  private XacmlQuery() {}

  /**
   * The SOAP message, serialised. {@code resources}: per resource its attributes, resource-id first
   * ({@link MrssResource#attributesOf}).
   */
  static byte[] build(
      String id,
      String issuer,
      String userId,
      List<Map<String, String>> resources,
      String clientIp,
      SigningCredential signer) {
    Document doc = SecureXml.newDocument();
    Element envelope = doc.createElementNS(SOAP11_NS, "soap11:Envelope");
    declare(envelope, "soap11", SOAP11_NS);
    doc.appendChild(envelope);
    Element body = child(envelope, SOAP11_NS, "soap11:Body");
    Element query = child(body, XACML_SAMLP_NS, "xacml-samlp:XACMLAuthzDecisionQuery");
    // Prefixes declared on the signed element itself, so its exclusive canonical form is the same
    // before serialisation and after the MVPD parses it.
    declare(query, "xacml-samlp", XACML_SAMLP_NS);
    declare(query, "saml", SAML_NS);
    declare(query, "xacml-context", CONTEXT_NS);
    query.setAttributeNS(null, "ID", id);
    query.setAttributeNS(null, "Version", "2.0");
    query.setAttributeNS(
        null, "IssueInstant", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    child(query, SAML_NS, "saml:Issuer").setTextContent(issuer);
    Element request = child(query, CONTEXT_NS, "xacml-context:Request");
    attribute(child(request, CONTEXT_NS, "xacml-context:Subject"), SUBJECT_ID, STRING, userId);
    for (Map<String, String> resource : resources) {
      Element r = child(request, CONTEXT_NS, "xacml-context:Resource");
      resource.forEach((attributeId, value) -> attribute(r, attributeId, STRING, value));
    }
    attribute(child(request, CONTEXT_NS, "xacml-context:Action"), ACTION_ID, STRING, "VIEW");
    Element environment = child(request, CONTEXT_NS, "xacml-context:Environment");
    if (clientIp != null) attribute(environment, IP_ADDRESS, IP_ADDRESS_TYPE, clientIp);
    if (signer != null)
      XmlSignatures.sign(
          query,
          "ID",
          request,
          signer.privateKey(),
          signer.certificate(),
          XmlSignatures.rsaSha256());
    return SecureXml.serialize(doc);
  }

  private static void declare(Element e, String prefix, String ns) {
    e.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:" + prefix, ns);
  }

  private static Element child(Element parent, String ns, String qualifiedName) {
    Element e = parent.getOwnerDocument().createElementNS(ns, qualifiedName);
    parent.appendChild(e);
    return e;
  }

  private static void attribute(Element parent, String attributeId, String dataType, String v) {
    Element a = child(parent, CONTEXT_NS, "xacml-context:Attribute");
    a.setAttributeNS(null, "AttributeId", attributeId);
    a.setAttributeNS(null, "DataType", dataType);
    child(a, CONTEXT_NS, "xacml-context:AttributeValue").setTextContent(v);
  }
}
