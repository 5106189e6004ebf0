package io.temppass.gateway.dev;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.xml.XMLConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The reference MVPD's XACML policy decision point: reads an {@code XACMLAuthzDecisionQuery} in a
 * SOAP 1.1 envelope (its signature checked when a gateway certificate is trusted), applies {@link
 * ReferenceAuthorizationRules} to every {@code Resource} by its resource-id, and answers a SAML
 * {@code Response} whose {@code Assertion}, signed with a key generated at start, carries an {@code
 * XACMLAuthzDecisionStatement}: one {@code Result} per resource, {@code restrict-pc} on a
 * parental-controls deny, {@code re-authz} with the permit's TTL.
 */
final class ReferenceXacmlPdp {
  static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
  static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
  static final String SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
  static final String XACML_SAMLP =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:protocol";
  static final String XACML_SAML =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:assertion";
  static final String CONTEXT = "urn:oasis:names:tc:xacml:2.0:context:schema:os";
  static final String POLICY = "urn:oasis:names:tc:xacml:2.0:policy:schema:os";
  static final String SUBJECT_ID = "urn:oasis:names:tc:xacml:1.0:subject:subject-id";
  static final String RESOURCE_ID = "urn:oasis:names:tc:xacml:1.0:resource:resource-id";

  private final ReferenceAuthorizationRules rules;
  private final String issuer;
  private final SigningCredential key;
  private volatile X509Certificate trustedQuerySigner;

  ReferenceXacmlPdp(ReferenceAuthorizationRules rules, String issuer, SigningCredential key) {
    this.rules = rules;
    this.issuer = issuer;
    this.key = key;
  }

  /** From now on, queries must be signed by this certificate's key. */
  void requireSignedQueries(X509Certificate gateway) {
    this.trustedQuerySigner = gateway;
  }

  SigningCredential key() {
    return key;
  }

  /**
   * The SOAP answer to {@code query}.
   *
   * @throws XmlRejected when the query is not one this PDP reads (the caller answers a SOAP Fault)
   */
  byte[] answer(byte[] query) {
    Document in = SecureXml.parse(query);
    Element envelope = in.getDocumentElement();
    if (!is(envelope, SOAP11, "Envelope")) throw new XmlRejected("not a SOAP 1.1 Envelope");
    Element body = only(envelope, SOAP11, "Body");
    Element decisionQuery = only(body, XACML_SAMLP, "XACMLAuthzDecisionQuery");
    if (trustedQuerySigner != null)
      decisionQuery =
          XmlSignatures.verify(
              decisionQuery, "ID", new XmlSignatures.Policy(List.of(trustedQuerySigner), false));
    Element request = only(decisionQuery, CONTEXT, "Request");
    String userId = attributeValue(only(request, CONTEXT, "Subject"), SUBJECT_ID);
    List<String> resourceIds = new ArrayList<>();
    for (Element resource : children(request, CONTEXT, "Resource"))
      resourceIds.add(attributeValue(resource, RESOURCE_ID));
    if (userId == null || resourceIds.isEmpty() || resourceIds.contains(null))
      throw new XmlRejected("the query needs a subject-id and a resource-id per Resource");
    return respond(decisionQuery.getAttributeNS(null, "ID"), userId, resourceIds);
  }

  /** A SOAP 1.1 Fault for a query that could not be read. */
  static byte[] fault(String reason) {
    Document doc = SecureXml.newDocument();
    Element envelope = doc.createElementNS(SOAP11, "soap11:Envelope");
    envelope.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:soap11", SOAP11);
    doc.appendChild(envelope);
    Element fault = add(add(envelope, SOAP11, "soap11:Body"), SOAP11, "soap11:Fault");
    add(fault, null, "faultcode").setTextContent("soap11:Client");
    add(fault, null, "faultstring").setTextContent(reason);
    return SecureXml.serialize(doc);
  }

  private byte[] respond(String inResponseTo, String userId, List<String> resourceIds) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Document doc = SecureXml.newDocument();
    Element envelope = doc.createElementNS(SOAP11, "soap11:Envelope");
    envelope.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:soap11", SOAP11);
    doc.appendChild(envelope);
    Element response = add(add(envelope, SOAP11, "soap11:Body"), SAMLP, "samlp:Response");
    declare(response, "samlp", SAMLP);
    declare(response, "saml", SAML);
    response.setAttributeNS(null, "ID", "_" + UUID.randomUUID());
    response.setAttributeNS(null, "Version", "2.0");
    response.setAttributeNS(null, "IssueInstant", now.toString());
    if (!inResponseTo.isEmpty()) response.setAttributeNS(null, "InResponseTo", inResponseTo);
    add(response, SAML, "saml:Issuer").setTextContent(issuer);
    add(add(response, SAMLP, "samlp:Status"), SAMLP, "samlp:StatusCode")
        .setAttributeNS(null, "Value", "urn:oasis:names:tc:SAML:2.0:status:Success");
    Element assertion = add(response, SAML, "saml:Assertion");
    declare(assertion, "saml", SAML);
    declare(assertion, "xacml-saml", XACML_SAML);
    declare(assertion, "xacml-context", CONTEXT);
    declare(assertion, "xacml", POLICY);
    assertion.setAttributeNS(null, "ID", "_" + UUID.randomUUID());
    assertion.setAttributeNS(null, "Version", "2.0");
    assertion.setAttributeNS(null, "IssueInstant", now.toString());
    add(assertion, SAML, "saml:Issuer").setTextContent(issuer);
    Element conditions = add(assertion, SAML, "saml:Conditions");
    conditions.setAttributeNS(null, "NotBefore", now.minusSeconds(60).toString());
    conditions.setAttributeNS(null, "NotOnOrAfter", now.plus(1, ChronoUnit.DAYS).toString());
    Element statement = add(assertion, XACML_SAML, "xacml-saml:XACMLAuthzDecisionStatement");
    Element xacmlResponse = add(statement, CONTEXT, "xacml-context:Response");
    for (String resourceId : resourceIds)
      result(xacmlResponse, resourceId, rules.decide(userId, resourceId));
    XmlSignatures.sign(
        assertion,
        "ID",
        conditions,
        key.privateKey(),
        key.certificate(),
        XmlSignatures.rsaSha256());
    return SecureXml.serialize(doc);
  }

  /** One Result from the JSON rules' decision document: the same rule, in XACML. */
  private static void result(Element parent, String resourceId, JsonObject decision) {
    Element result = add(parent, CONTEXT, "xacml-context:Result");
    result.setAttributeNS(null, "ResourceId", resourceId);
    String verdict = decision.getString("decision");
    add(result, CONTEXT, "xacml-context:Decision").setTextContent(verdict);
    Element status = add(result, CONTEXT, "xacml-context:Status");
    add(status, CONTEXT, "xacml-context:StatusCode")
        .setAttributeNS(null, "Value", "urn:oasis:names:tc:xacml:1.0:status:ok");
    if (decision.getString("message") != null)
      add(status, CONTEXT, "xacml-context:StatusMessage")
          .setTextContent(decision.getString("message"));
    JsonArray obligations = decision.getJsonArray("obligations", new JsonArray());
    boolean restrict = false;
    for (Object o : obligations)
      if (o instanceof JsonObject ob && "restrict-pc".equals(ob.getString("id"))) restrict = true;
    Integer ttl = decision.getInteger("ttl");
    if (!restrict && ttl == null) return;
    Element list = add(result, POLICY, "xacml:Obligations");
    if (restrict) {
      Element ob = add(list, POLICY, "xacml:Obligation");
      ob.setAttributeNS(null, "ObligationId", "urn:tve:xacml:2.0:obligations:restrict-pc");
      ob.setAttributeNS(null, "FulfillOn", "Deny");
    }
    if (ttl != null) {
      Element ob = add(list, POLICY, "xacml:Obligation");
      ob.setAttributeNS(null, "ObligationId", "urn:cablelabs:olca:1.0:obligations:re-authz");
      ob.setAttributeNS(null, "FulfillOn", verdict);
      Element assignment = add(ob, POLICY, "xacml:AttributeAssignment");
      assignment.setAttributeNS(
          null, "AttributeId", "urn:cablelabs:olca:1.0:attribute:re-authz:seconds");
      assignment.setAttributeNS(null, "DataType", "http://www.w3.org/2001/XMLSchema#integer");
      assignment.setTextContent(String.valueOf(ttl));
    }
  }

  private static String attributeValue(Element parent, String attributeId) {
    for (Element a : children(parent, CONTEXT, "Attribute"))
      if (attributeId.equals(a.getAttributeNS(null, "AttributeId"))) {
        List<Element> values = children(a, CONTEXT, "AttributeValue");
        return values.size() == 1 ? values.get(0).getTextContent().strip() : null;
      }
    return null;
  }

  private static void declare(Element e, String prefix, String ns) {
    e.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:" + prefix, ns);
  }

  private static Element add(Element parent, String ns, String name) {
    Element e = parent.getOwnerDocument().createElementNS(ns, name);
    parent.appendChild(e);
    return e;
  }

  private static boolean is(Element e, String ns, String localName) {
    return localName.equals(e.getLocalName()) && ns.equals(e.getNamespaceURI());
  }

  private static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
      if (n instanceof Element e && is(e, ns, localName)) out.add(e);
    return out;
  }

  private static Element only(Element parent, String ns, String localName) {
    List<Element> found = children(parent, ns, localName);
    if (found.size() != 1)
      throw new XmlRejected(parent.getLocalName() + " must hold exactly one " + localName);
    return found.get(0);
  }
}
