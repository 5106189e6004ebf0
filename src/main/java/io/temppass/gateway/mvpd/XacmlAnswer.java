package io.temppass.gateway.mvpd;

import static io.temppass.gateway.mvpd.XacmlQuery.CONTEXT_NS;
import static io.temppass.gateway.mvpd.XacmlQuery.POLICY_NS;
import static io.temppass.gateway.mvpd.XacmlQuery.SAMLP_NS;
import static io.temppass.gateway.mvpd.XacmlQuery.SAML_NS;
import static io.temppass.gateway.mvpd.XacmlQuery.SOAP11_NS;
import static io.temppass.gateway.mvpd.XacmlQuery.XACML_SAML_NS;

import io.temppass.gateway.mvpd.MvpdAuthorizer.Verdict;
import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reads an MVPD's answer to an {@link XacmlQuery}: a plain XACML {@code Response}, or a SAML {@code
 * Response}/{@code Assertion} carrying an {@code XACMLAuthzDecisionStatement} (both forms of the
 * integration digest §4), in a SOAP 1.1 envelope or bare. When the integration requires a
 * signature, only the SAML forms can carry one: the signed element is verified by {@link
 * XmlSignatures#verify}, which returns it, and the decision is read from inside that element only.
 * Anything else than a clear {@code Permit} or {@code Deny} is refused with an {@link XmlRejected}
 * that the caller turns into an MVPD failure: never a permit.
 */
final class XacmlAnswer {
  static final String STATUS_OK = "urn:oasis:names:tc:xacml:1.0:status:ok";
  static final String SAML_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  static final String RESTRICT_PC = "urn:tve:xacml:2.0:obligations:restrict-pc";
  static final String UPGRADE = "urn:tve:xacml:2.0:obligations:upgrade";
  static final String LOG = "urn:cablelabs:olca:1.0:obligations:log";
  static final String RE_AUTHZ = "urn:cablelabs:olca:1.0:obligations:re-authz";
  private static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

  /** Clock difference tolerated on an assertion's validity window. */
  static final long SKEW_MILLIS = 120_000;

  private static final int MAX_MESSAGE_CHARS = 512;

  private XacmlAnswer() {}

  /**
   * The verdicts for {@code resourceIds} (the resource-id values the query sent, in its order).
   *
   * @param queryId the query's {@code ID}: a SAML {@code InResponseTo} must name it
   * @param policy the MVPD's certificates, or null when its answers are not signed
   */
  static List<Verdict> read(
      byte[] answer,
      String queryId,
      List<String> resourceIds,
      XmlSignatures.Policy policy,
      long nowMillis) {
    Document doc = SecureXml.parse(answer, CappedBody.MAX_BYTES);
    Element message = unwrapSoap(doc.getDocumentElement());
    long notOnOrAfter = -1;
    List<Element> results;
    if (is(message, CONTEXT_NS, "Response")) {
      if (policy != null)
        throw new XmlRejected(
            "the answer is a plain XACML Response, which cannot carry the signature this integration requires");
      results = children(message, CONTEXT_NS, "Result");
    } else {
      Element assertion;
      if (is(message, SAMLP_NS, "Response")) {
        samlStatus(message, queryId);
        // Either the Response is signed (and covers the one assertion it holds) or the assertion
        // is; whichever it is, what is read next comes from the element verify returned.
        Element signedResponse =
            policy != null && XmlSignatures.hasSignature(message)
                ? XmlSignatures.verify(message, "ID", policy)
                : null;
        assertion = single(signedResponse != null ? signedResponse : message, SAML_NS, "Assertion");
        if (policy != null && signedResponse == null)
          assertion = XmlSignatures.verify(assertion, "ID", policy);
      } else if (is(message, SAML_NS, "Assertion")) {
        assertion = policy != null ? XmlSignatures.verify(message, "ID", policy) : message;
      } else {
        throw new XmlRejected(
            "the answer is neither an XACML Response nor a SAML Response or Assertion");
      }
      notOnOrAfter = conditions(assertion, nowMillis);
      results = results(decisionStatement(assertion));
    }
    if (results.isEmpty()) throw new XmlRejected("the answer has no XACML Result");
    List<Verdict> out = new ArrayList<>(resourceIds.size());
    if (resourceIds.size() == 1) {
      // One resource asked, one Result: its ResourceId is not required to repeat ours (Adobe's own
      // sample answers ResourceId="TBS").
      if (results.size() != 1)
        throw new XmlRejected("the answer has " + results.size() + " Results for one resource");
      out.add(verdict(results.get(0), notOnOrAfter, nowMillis));
      return out;
    }
    Map<String, Element> byResource = new HashMap<>();
    for (Element result : results) {
      String id = result.getAttributeNS(null, "ResourceId");
      if (byResource.put(id, result) != null)
        throw new XmlRejected("the answer has two Results for one ResourceId");
    }
    for (String resourceId : resourceIds) {
      Element result = byResource.get(resourceId);
      if (result == null)
        throw new XmlRejected("the answer has no Result for one of the resources asked");
      out.add(verdict(result, notOnOrAfter, nowMillis));
    }
    return out;
  }

  private static Element unwrapSoap(Element root) {
    if (!SOAP11_NS.equals(root.getNamespaceURI())) return root;
    if (!"Envelope".equals(root.getLocalName()))
      throw new XmlRejected("the answer's root is not a SOAP Envelope");
    Element body = single(root, SOAP11_NS, "Body");
    List<Element> content = elementChildren(body);
    if (content.size() != 1) throw new XmlRejected("the SOAP Body must hold exactly one element");
    Element message = content.get(0);
    if (is(message, SOAP11_NS, "Fault")) {
      Element faultString = first(message, null, "faultstring");
      throw new XmlRejected(
          "the MVPD answered a SOAP Fault"
              + (faultString == null ? "" : ": " + cap(faultString.getTextContent().strip())));
    }
    return message;
  }

  private static void samlStatus(Element response, String queryId) {
    String inResponseTo = response.getAttributeNS(null, "InResponseTo");
    if (!inResponseTo.isEmpty() && !inResponseTo.equals(queryId))
      throw new XmlRejected("the SAML Response answers another query (InResponseTo)");
    Element status = single(response, SAMLP_NS, "Status");
    Element code = single(status, SAMLP_NS, "StatusCode");
    if (!SAML_SUCCESS.equals(code.getAttributeNS(null, "Value")))
      throw new XmlRejected(
          "the SAML Response status is " + cap(code.getAttributeNS(null, "Value")));
  }

  /** The assertion's NotOnOrAfter in millis (-1 when none); refuses one outside its window. */
  private static long conditions(Element assertion, long now) {
    Element conditions = optional(assertion, SAML_NS, "Conditions");
    if (conditions == null) return -1;
    long notBefore = instant(conditions, "NotBefore");
    long notOnOrAfter = instant(conditions, "NotOnOrAfter");
    if (notBefore >= 0 && now + SKEW_MILLIS < notBefore)
      throw new XmlRejected("the assertion is not valid yet (NotBefore)");
    if (notOnOrAfter >= 0 && now - SKEW_MILLIS >= notOnOrAfter)
      throw new XmlRejected("the assertion has expired (NotOnOrAfter)");
    return notOnOrAfter;
  }

  private static long instant(Element e, String attribute) {
    String value = e.getAttributeNS(null, attribute);
    if (value.isEmpty()) return -1;
    try {
      return Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException ex) {
      throw new XmlRejected("the assertion's " + attribute + " is not a date-time");
    }
  }

  /**
   * The one decision statement: {@code xacml-saml:XACMLAuthzDecisionStatement}, or {@code
   * saml:Statement} typed as one ({@code xsi:type}).
   */
  private static Element decisionStatement(Element assertion) {
    List<Element> statements = new ArrayList<>();
    for (Element e : elementChildren(assertion)) {
      if (is(e, XACML_SAML_NS, "XACMLAuthzDecisionStatement")) statements.add(e);
      else if (is(e, SAML_NS, "Statement") && typedAsDecisionStatement(e)) statements.add(e);
    }
    if (statements.size() != 1)
      throw new XmlRejected("the assertion must hold exactly one XACMLAuthzDecisionStatement");
    return statements.get(0);
  }

  private static boolean typedAsDecisionStatement(Element statement) {
    String type = statement.getAttributeNS(XSI_NS, "type");
    int colon = type.indexOf(':');
    String local = colon < 0 ? type : type.substring(colon + 1);
    String ns = statement.lookupNamespaceURI(colon < 0 ? null : type.substring(0, colon));
    return "XACMLAuthzDecisionStatementType".equals(local) && XACML_SAML_NS.equals(ns);
  }

  /** Results directly in the statement, or in its XACML {@code Response}. */
  private static List<Element> results(Element statement) {
    List<Element> results = new ArrayList<>(children(statement, CONTEXT_NS, "Result"));
    for (Element response : children(statement, CONTEXT_NS, "Response"))
      results.addAll(children(response, CONTEXT_NS, "Result"));
    return results;
  }

  private static Verdict verdict(Element result, long notOnOrAfter, long now) {
    String decision = single(result, CONTEXT_NS, "Decision").getTextContent().strip();
    Element status = optional(result, CONTEXT_NS, "Status");
    String statusCode = null;
    String message = null;
    if (status != null) {
      Element code = optional(status, CONTEXT_NS, "StatusCode");
      statusCode = code == null ? null : code.getAttributeNS(null, "Value");
      Element text = optional(status, CONTEXT_NS, "StatusMessage");
      message = text == null ? null : cap(text.getTextContent().strip());
      if (message != null && (message.isEmpty() || message.equalsIgnoreCase("ok"))) message = null;
    }
    boolean permit;
    if (decision.equals("Permit")) permit = true;
    else if (decision.equals("Deny")) permit = false;
    else throw new XmlRejected("the XACML decision is " + cap(decision) + ", not Permit or Deny");
    if (permit && statusCode != null && !STATUS_OK.equals(statusCode))
      throw new XmlRejected("a Permit with status " + cap(statusCode));
    boolean parentalControls = false;
    String unknownObligation = null;
    long ttl = notOnOrAfter >= 0 ? Math.max(0, notOnOrAfter - now) : -1;
    for (Element obligation : obligations(result, decision)) {
      String id = obligation.getAttributeNS(null, "ObligationId");
      switch (id) {
        case RESTRICT_PC -> parentalControls = true;
        case RE_AUTHZ -> {
          long seconds = reAuthzSeconds(obligation);
          ttl = ttl < 0 ? seconds * 1000 : Math.min(ttl, seconds * 1000);
        }
        case LOG, UPGRADE -> {}
        default -> unknownObligation = id;
      }
    }
    if (permit && parentalControls)
      // restrict-pc is a deny obligation; on a Permit it still means the title is restricted.
      return new Verdict(false, true, message, ttl);
    if (permit && unknownObligation != null)
      // XACML 2.0 §7.14: a PEP that does not understand an obligation of a Permit must deny.
      return new Verdict(
          false, false, "The MVPD's permit carries an obligation the gateway cannot fulfil.", ttl);
    return new Verdict(permit, !permit && parentalControls, message, ttl);
  }

  /** The obligations that apply to {@code decision} ({@code FulfillOn} absent or equal). */
  private static List<Element> obligations(Element result, String decision) {
    List<Element> out = new ArrayList<>();
    for (Element obligations : children(result, POLICY_NS, "Obligations"))
      for (Element o : children(obligations, POLICY_NS, "Obligation")) {
        String fulfillOn = o.getAttributeNS(null, "FulfillOn");
        if (fulfillOn.isEmpty() || fulfillOn.equals(decision)) out.add(o);
      }
    return out;
  }

  /** The whole seconds of the first AttributeAssignment of a {@code re-authz} obligation. */
  private static long reAuthzSeconds(Element obligation) {
    Element assignment = first(obligation, POLICY_NS, "AttributeAssignment");
    if (assignment == null)
      throw new XmlRejected("the re-authz obligation has no AttributeAssignment");
    String value = assignment.getTextContent().strip();
    if (!value.matches("\\d{1,9}"))
      throw new XmlRejected("the re-authz obligation's value is not a number of seconds");
    return Long.parseLong(value);
  }

  private static boolean is(Element e, String ns, String localName) {
    return localName.equals(e.getLocalName()) && Objects.equals(ns, e.getNamespaceURI());
  }

  private static List<Element> elementChildren(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
      if (n instanceof Element e) out.add(e);
    return out;
  }

  private static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Element e : elementChildren(parent)) if (is(e, ns, localName)) out.add(e);
    return out;
  }

  private static Element single(Element parent, String ns, String localName) {
    List<Element> found = children(parent, ns, localName);
    if (found.size() != 1)
      throw new XmlRejected(
          parent.getLocalName() + " must hold exactly one " + localName + ", has " + found.size());
    return found.get(0);
  }

  private static Element optional(Element parent, String ns, String localName) {
    List<Element> found = children(parent, ns, localName);
    if (found.size() > 1)
      throw new XmlRejected(parent.getLocalName() + " holds more than one " + localName);
    return found.isEmpty() ? null : found.get(0);
  }

  private static Element first(Element parent, String ns, String localName) {
    List<Element> found = children(parent, ns, localName);
    return found.isEmpty() ? null : found.get(0);
  }

  private static String cap(String text) {
    return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text;
  }
}
