package io.temppass.gateway.support;

import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.Constants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * An MVPD policy decision point for tests, over real HTTP: a Vert.x server that reads each
 * XACMLAuthzDecisionQuery with the JDK's own DOM parser (recording what it received, and checking
 * the query's signature against the gateway's certificate with Santuario directly), and answers as
 * told, signing its SAML answers with Santuario directly under its own generated key. It shares no
 * code with the gateway's XACML connector, so it checks the connector rather than agreeing with it.
 */
public final class TestXacmlPdp implements AutoCloseable {
  public static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
  public static final String SAML = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String XACML_SAMLP =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:protocol";
  public static final String XACML_SAML =
      "urn:oasis:names:tc:xacml:2.0:profile:saml2.0:v2:schema:assertion";
  public static final String CONTEXT = "urn:oasis:names:tc:xacml:2.0:context:schema:os";
  public static final String POLICY = "urn:oasis:names:tc:xacml:2.0:policy:schema:os";
  public static final String RESOURCE_ID = "urn:oasis:names:tc:xacml:1.0:resource:resource-id";

  /** How the answer is shaped (or broken). */
  public enum Answer {
    /** SOAP > samlp:Response > signed saml:Assertion > XACMLAuthzDecisionStatement. */
    SIGNED_ASSERTION,
    /** The same with the signature on the samlp:Response instead. */
    SIGNED_RESPONSE,
    /** SOAP > signed saml:Assertion with a saml:Statement xsi:type'd as the decision statement. */
    SIGNED_TYPED_STATEMENT,
    /** The same SAML answer, unsigned. */
    UNSIGNED,
    /** A plain XACML context Response, unsigned (the simple form of Adobe's docs). */
    PLAIN_XACML,
    /** Signed by a key that is not the configured one. */
    OTHER_KEY,
    /**
     * XSW: the signed assertion says Deny for everything; an unsigned Permit assertion sits first
     * in the Response beside it.
     */
    WRAPPED_BESIDE,
    /** XSW: the unsigned Permit assertion holds the signed Deny assertion inside it. */
    WRAPPED_INSIDE,
    /** XSW: the signed Deny Response is wrapped in an unsigned Permit Response's Extensions. */
    WRAPPED_RESPONSE,
    /** A DOCTYPE with an external entity reading a local file into the Decision. */
    DOCTYPE,
    /** Not well-formed. */
    MALFORMED,
    /** A valid signed answer padded past 256 KiB. */
    HUGE,
    /** Decision Indeterminate. */
    INDETERMINATE,
    /** HTTP 500 with a SOAP Fault. */
    ERROR_500
  }

  /** A query as the PDP read it. */
  public record Query(
      String raw,
      String subjectId,
      List<Map<String, String>> resources,
      String action,
      String ipAddress,
      boolean signatureValid) {}

  private final Vertx vertx;
  private final SigningCredential key = SigningCredential.generate("test-pdp");
  private final SigningCredential otherKey = SigningCredential.generate("not-the-pdp");
  private HttpServer server;
  private final AtomicReference<Answer> answer = new AtomicReference<>(Answer.SIGNED_ASSERTION);
  private final AtomicLong delayMillis = new AtomicLong();
  private final AtomicLong reAuthzSeconds = new AtomicLong(-1);
  private final Map<String, String> denied = new ConcurrentHashMap<>();
  private final Map<String, String> parental = new ConcurrentHashMap<>();
  private final List<Query> queries = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private volatile PublicKey gatewayKey;

  static {
    org.apache.xml.security.Init.init();
  }

  private TestXacmlPdp(Vertx vertx) {
    this.vertx = vertx;
  }

  public static TestXacmlPdp start(Vertx vertx) throws Exception {
    TestXacmlPdp pdp = new TestXacmlPdp(vertx);
    pdp.server =
        vertx
            .createHttpServer()
            .requestHandler(pdp::handle)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return pdp;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/pdp";
  }

  /** The PDP's signing certificate, for the gateway's {@code certificates}. */
  public String certificatePem() {
    return key.certificatePem();
  }

  /** Queries are checked against this key (recorded in {@link Query#signatureValid}). */
  public void trustGateway(PublicKey gateway) {
    this.gatewayKey = gateway;
  }

  public void answer(Answer a) {
    answer.set(a);
  }

  public void slow(long millis) {
    delayMillis.set(millis);
  }

  public void reAuthzSeconds(long seconds) {
    reAuthzSeconds.set(seconds);
  }

  public void deny(String resourceId, String message) {
    denied.put(resourceId, message);
  }

  public void parentalControls(String resourceId) {
    parental.put(resourceId, "Parental controls restrict this title.");
  }

  public List<Query> queries() {
    return List.copyOf(queries);
  }

  public Query lastQuery() {
    return queries.isEmpty() ? null : queries.get(queries.size() - 1);
  }

  public int calls(String resourceId) {
    AtomicInteger n = calls.get(resourceId);
    return n == null ? 0 : n.get();
  }

  public int totalCalls() {
    return queries.size();
  }

  /** The {@code authorization} settings of an integration asking this PDP. */
  public JsonObject authorization(boolean signed) {
    JsonObject a = new JsonObject().put("type", "xacml").put("url", url());
    if (signed) a.put("signed", true).put("certificates", new JsonArray().add(certificatePem()));
    return a;
  }

  private void handle(HttpServerRequest req) {
    req.body()
        .onSuccess(
            body -> {
              Query q;
              try {
                q = read(body);
              } catch (Exception e) {
                req.response().setStatusCode(400).end("unreadable query: " + e);
                return;
              }
              queries.add(q);
              for (Map<String, String> r : q.resources())
                calls
                    .computeIfAbsent(r.get(RESOURCE_ID), k -> new AtomicInteger())
                    .incrementAndGet();
              Runnable respond =
                  () -> {
                    try {
                      respond(req, q);
                    } catch (Exception e) {
                      req.response().setStatusCode(599).end(e.toString());
                    }
                  };
              if (delayMillis.get() > 0) vertx.setTimer(delayMillis.get(), t -> respond.run());
              else respond.run();
            });
  }

  private Query read(Buffer body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes()));
    Element query =
        (Element) doc.getElementsByTagNameNS(XACML_SAMLP, "XACMLAuthzDecisionQuery").item(0);
    boolean signatureValid = false;
    if (gatewayKey != null) {
      NodeList sigs = query.getElementsByTagNameNS(Constants.SignatureSpecNS, "Signature");
      if (sigs.getLength() == 1) {
        query.setIdAttributeNS(null, "ID", true);
        XMLSignature sig = new XMLSignature((Element) sigs.item(0), "");
        signatureValid =
            sig.checkSignatureValue(gatewayKey)
                && sig.getSignedInfo().item(0).getURI().equals("#" + query.getAttribute("ID"));
      }
    }
    Element request = (Element) query.getElementsByTagNameNS(CONTEXT, "Request").item(0);
    List<Map<String, String>> resources = new ArrayList<>();
    for (Element r : children(request, CONTEXT, "Resource")) resources.add(attributes(r));
    Map<String, String> subject = attributes(children(request, CONTEXT, "Subject").get(0));
    Map<String, String> action = attributes(children(request, CONTEXT, "Action").get(0));
    Map<String, String> environment = attributes(children(request, CONTEXT, "Environment").get(0));
    return new Query(
        body.toString(StandardCharsets.UTF_8),
        subject.get("urn:oasis:names:tc:xacml:1.0:subject:subject-id"),
        resources,
        action.get("urn:oasis:names:tc:xacml:1.0:action:action-id"),
        environment.get("urn:oasis:names:tc:xacml:1.0:subject:authn-locality:ip-address"),
        signatureValid);
  }

  private static Map<String, String> attributes(Element parent) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Element a : children(parent, CONTEXT, "Attribute"))
      out.put(
          a.getAttribute("AttributeId"),
          children(a, CONTEXT, "AttributeValue").get(0).getTextContent());
    return out;
  }

  private void respond(HttpServerRequest req, Query q) throws Exception {
    Answer a = answer.get();
    String xml =
        switch (a) {
          case MALFORMED -> "<soap11:Envelope xmlns:soap11=\"" + SOAP11 + "\"><soap11:Body><Resp";
          case DOCTYPE ->
              "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                  + "<Response xmlns=\""
                  + CONTEXT
                  + "\"><Result><Decision>&x;Permit</Decision></Result></Response>";
          case ERROR_500 ->
              "<soap11:Envelope xmlns:soap11=\""
                  + SOAP11
                  + "\"><soap11:Body><soap11:Fault><faultcode>soap11:Server</faultcode>"
                  + "<faultstring>PDP down</faultstring></soap11:Fault></soap11:Body></soap11:Envelope>";
          case PLAIN_XACML -> plain(q);
          default -> saml(q, a);
        };
    req.response()
        .setStatusCode(a == Answer.ERROR_500 ? 500 : 200)
        .putHeader("Content-Type", "text/xml; charset=utf-8")
        .end(xml);
  }

  private String plain(Query q) throws Exception {
    Document doc = newDocument();
    Element response = doc.createElementNS(CONTEXT, "xacml-context:Response");
    response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xacml-context", CONTEXT);
    response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xacml", POLICY);
    doc.appendChild(response);
    for (Map<String, String> r : q.resources())
      result(response, r.get(RESOURCE_ID), "xacml-context:", null);
    return serialize(doc);
  }

  private String saml(Query q, Answer a) throws Exception {
    Document doc = newDocument();
    Element envelope = doc.createElementNS(SOAP11, "soap11:Envelope");
    envelope.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:soap11", SOAP11);
    doc.appendChild(envelope);
    Element body = add(envelope, SOAP11, "soap11:Body");
    boolean wrapped =
        a == Answer.WRAPPED_BESIDE || a == Answer.WRAPPED_INSIDE || a == Answer.WRAPPED_RESPONSE;
    // Wrapped answers: what is signed denies everything; only the unsigned copy permits.
    String signedDecision = wrapped ? "Deny" : null;
    if (a == Answer.SIGNED_TYPED_STATEMENT) {
      Element assertion = assertion(body, q, null, true);
      sign(assertion, key);
      return serialize(doc);
    }
    Element response = response(body, q);
    if (a == Answer.WRAPPED_RESPONSE) {
      // The evil, unsigned Response is what the Body holds; the genuine signed Response (Deny)
      // hides in its Extensions.
      Element extensions = add(response, SAMLP, "samlp:Extensions");
      Element genuine = response(extensions, q);
      assertion(genuine, q, "Deny", false);
      sign(genuine, key);
      assertion(response, q, "Permit", false);
      return serialize(doc);
    }
    if (a == Answer.WRAPPED_BESIDE) assertion(response, q, "Permit", false);
    Element assertion = assertion(response, q, signedDecision, false);
    if (a == Answer.WRAPPED_INSIDE) {
      response.removeChild(assertion);
      Element evil = assertion(response, q, "Permit", false);
      evil.appendChild(assertion);
    }
    switch (a) {
      case SIGNED_RESPONSE -> sign(response, key);
      case OTHER_KEY -> sign(assertion, otherKey);
      case UNSIGNED -> {}
      default -> sign(assertion, key);
    }
    if (a == Answer.HUGE) {
      Element pad = add(body, null, "padding");
      pad.setTextContent("x".repeat(300 * 1024));
      // Padding inside the Body would make it two elements; put it in a SOAP Header instead.
      body.removeChild(pad);
      Element header = doc.createElementNS(SOAP11, "soap11:Header");
      envelope.insertBefore(header, body);
      header.appendChild(pad);
    }
    return serialize(doc);
  }

  private Element response(Element parent, Query q) {
    Element response = add(parent, SAMLP, "samlp:Response");
    response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:samlp", SAMLP);
    response.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SAML);
    response.setAttribute("ID", "_" + UUID.randomUUID());
    response.setAttribute("Version", "2.0");
    response.setAttribute("IssueInstant", Instant.now().toString());
    add(response, SAML, "saml:Issuer").setTextContent("test-pdp");
    add(add(response, SAMLP, "samlp:Status"), SAMLP, "samlp:StatusCode")
        .setAttribute("Value", "urn:oasis:names:tc:SAML:2.0:status:Success");
    return response;
  }

  /**
   * An assertion with one decision statement; {@code decision} forces every Result's decision
   * (null: the configured rules).
   */
  private Element assertion(Element parent, Query q, String decision, boolean typedStatement) {
    Element assertion = add(parent, SAML, "saml:Assertion");
    assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SAML);
    assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xacml-saml", XACML_SAML);
    assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xacml-context", CONTEXT);
    assertion.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xacml", POLICY);
    assertion.setAttribute("ID", "_" + UUID.randomUUID());
    assertion.setAttribute("Version", "2.0");
    assertion.setAttribute("IssueInstant", Instant.now().toString());
    add(assertion, SAML, "saml:Issuer").setTextContent("test-pdp");
    Element conditions = add(assertion, SAML, "saml:Conditions");
    conditions.setAttribute("NotBefore", Instant.now().minusSeconds(60).toString());
    conditions.setAttribute("NotOnOrAfter", Instant.now().plusSeconds(86_400).toString());
    Element statement;
    if (typedStatement) {
      statement = add(assertion, SAML, "saml:Statement");
      statement.setAttributeNS(
          "http://www.w3.org/2000/xmlns/",
          "xmlns:xsi",
          "http://www.w3.org/2001/XMLSchema-instance");
      statement.setAttributeNS(
          "http://www.w3.org/2001/XMLSchema-instance",
          "xsi:type",
          "xacml-saml:XACMLAuthzDecisionStatementType");
    } else {
      statement = add(assertion, XACML_SAML, "xacml-saml:XACMLAuthzDecisionStatement");
    }
    Element response = add(statement, CONTEXT, "xacml-context:Response");
    for (Map<String, String> r : q.resources())
      result(response, r.get(RESOURCE_ID), "xacml-context:", decision);
    return assertion;
  }

  private void result(Element parent, String resourceId, String prefix, String forced) {
    Element result = add(parent, CONTEXT, prefix + "Result");
    result.setAttribute("ResourceId", resourceId);
    String decision;
    String message = null;
    boolean restrict = false;
    if (answer.get() == Answer.INDETERMINATE) decision = "Indeterminate";
    else if (forced != null) decision = forced;
    else if (parental.containsKey(resourceId)) {
      decision = "Deny";
      message = parental.get(resourceId);
      restrict = true;
    } else if (denied.containsKey(resourceId)) {
      decision = "Deny";
      message = denied.get(resourceId);
    } else decision = "Permit";
    add(result, CONTEXT, prefix + "Decision").setTextContent(decision);
    Element status = add(result, CONTEXT, prefix + "Status");
    add(status, CONTEXT, prefix + "StatusCode")
        .setAttribute("Value", "urn:oasis:names:tc:xacml:1.0:status:ok");
    if (message != null) add(status, CONTEXT, prefix + "StatusMessage").setTextContent(message);
    String policyPrefix = "xacml:";
    if (restrict || reAuthzSeconds.get() >= 0) {
      Element obligations = add(result, POLICY, policyPrefix + "Obligations");
      if (restrict) {
        Element o = add(obligations, POLICY, policyPrefix + "Obligation");
        o.setAttribute("ObligationId", "urn:tve:xacml:2.0:obligations:restrict-pc");
        o.setAttribute("FulfillOn", "Deny");
      }
      if (reAuthzSeconds.get() >= 0) {
        Element o = add(obligations, POLICY, policyPrefix + "Obligation");
        o.setAttribute("ObligationId", "urn:cablelabs:olca:1.0:obligations:re-authz");
        o.setAttribute("FulfillOn", decision);
        Element assignment = add(o, POLICY, policyPrefix + "AttributeAssignment");
        assignment.setAttribute("AttributeId", "urn:cablelabs:olca:1.0:attribute:re-authz");
        assignment.setAttribute("DataType", "http://www.w3.org/2001/XMLSchema#integer");
        assignment.setTextContent(String.valueOf(reAuthzSeconds.get()));
      }
    }
  }

  /** An enveloped RSA-SHA256 signature after the Issuer, with Santuario's API directly. */
  private static void sign(Element element, SigningCredential with) throws Exception {
    Document doc = element.getOwnerDocument();
    element.setIdAttributeNS(null, "ID", true);
    XMLSignature sig =
        new XMLSignature(
            doc,
            "",
            XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
            Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
    Node issuer = children(element, SAML, "Issuer").get(0);
    element.insertBefore(sig.getElement(), issuer.getNextSibling());
    Transforms transforms = new Transforms(doc);
    transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
    transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
    sig.addDocument(
        "#" + element.getAttribute("ID"),
        transforms,
        org.apache.xml.security.algorithms.MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    sig.addKeyInfo(with.certificate());
    sig.sign(with.privateKey());
  }

  private static Document newDocument() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().newDocument();
  }

  private static String serialize(Document doc) throws Exception {
    var t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
    t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
    var out = new java.io.StringWriter();
    t.transform(
        new javax.xml.transform.dom.DOMSource(doc),
        new javax.xml.transform.stream.StreamResult(out));
    return out.toString();
  }

  private static Element add(Element parent, String ns, String name) {
    Element e = parent.getOwnerDocument().createElementNS(ns, name);
    parent.appendChild(e);
    return e;
  }

  private static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
      if (n instanceof Element e
          && localName.equals(e.getLocalName())
          && java.util.Objects.equals(ns, e.getNamespaceURI())) out.add(e);
    return out;
  }

  @Override
  public void close() {
    if (server != null) server.close();
  }
}
