package io.temppass.gateway.saml;

import io.temppass.gateway.xml.XmlRejected;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** SAML 2.0 names and the few DOM steps every SAML message needs, read strictly. */
public final class Saml {
  public static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
  public static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
  public static final String METADATA = "urn:oasis:names:tc:SAML:2.0:metadata";
  public static final String XMLNS = "http://www.w3.org/2000/xmlns/";
  public static final String REDIRECT_BINDING =
      "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
  public static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
  public static final String PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";
  public static final String SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
  public static final String BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
  public static final String LOGOUT_USER = "urn:oasis:names:tc:SAML:2.0:logout:user";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Saml() {}

  /** A fresh message ID: an XML NCName (starts with '_') with 160 random bits. */
  public static String newId() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return "_" + HexFormat.of().formatHex(bytes);
  }

  /** Now, to the second, as SAML writes instants. */
  public static String instant(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** An xs:dateTime attribute, or null when absent; malformed is refused. */
  public static Instant instantAttribute(Element e, String name) {
    String value = e.getAttributeNS(null, name);
    if (value.isEmpty()) return null;
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException ex) {
      throw new XmlRejected(e.getLocalName() + "@" + name + " is not a UTC dateTime");
    }
  }

  /** A document whose root element is {@code ns:localName}, with the namespace declared. */
  public static Element root(Document doc, String ns, String qualifiedName) {
    Element root = doc.createElementNS(ns, qualifiedName);
    declare(root, qualifiedName, ns);
    doc.appendChild(root);
    return root;
  }

  /**
   * Declares the element's prefix: Santuario's signatures only survive serialise and parse when
   * prefixes are declared as attributes, not left implied by createElementNS.
   */
  public static void declare(Element e, String qualifiedName, String ns) {
    int colon = qualifiedName.indexOf(':');
    if (colon > 0) e.setAttributeNS(XMLNS, "xmlns:" + qualifiedName.substring(0, colon), ns);
  }

  /** Appends {@code <qualifiedName>text</qualifiedName>} (text may be null) and returns it. */
  public static Element add(Element parent, String ns, String qualifiedName, String text) {
    Element e = parent.getOwnerDocument().createElementNS(ns, qualifiedName);
    if (text != null) e.setTextContent(text);
    parent.appendChild(e);
    return e;
  }

  /** The element's child elements named {@code ns:localName}, in order. */
  public static List<Element> children(Element parent, String ns, String localName) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && ns.equals(e.getNamespaceURI())
          && localName.equals(e.getLocalName())) out.add(e);
    }
    return out;
  }

  /** The single child {@code ns:localName}, null when absent; two are refused. */
  public static Element optionalChild(Element parent, String ns, String localName) {
    List<Element> found = children(parent, ns, localName);
    if (found.size() > 1)
      throw new XmlRejected(parent.getLocalName() + " has more than one " + localName);
    return found.isEmpty() ? null : found.get(0);
  }

  /** The single child {@code ns:localName}; absent or repeated is refused. */
  public static Element child(Element parent, String ns, String localName) {
    Element e = optionalChild(parent, ns, localName);
    if (e == null) throw new XmlRejected(parent.getLocalName() + " has no " + localName);
    return e;
  }

  /**
   * The element's text when it is text only. A comment or element inside is refused: a value split
   * by a comment ({@code user@example.com<!---->.evil.com}) is read differently by different
   * libraries, and canonicalisation without comments signs both readings.
   */
  public static String text(Element e) {
    StringBuilder out = new StringBuilder();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE)
        out.append(n.getNodeValue());
      else
        throw new XmlRejected(e.getLocalName() + " holds something other than text (a comment?)");
    }
    return out.toString().strip();
  }
}
