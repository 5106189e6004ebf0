package io.temppass.gateway.xml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one XML parser of the gateway. Everything XML that arrives from outside (SAML responses, IdP
 * metadata, XACML answers) is read here: namespace-aware, no DOCTYPE at all (which refuses external
 * entities, XXE, and entity expansion such as billion laughs in one rule: no SAML or XACML message
 * carries a DTD), no external DTD or schema loading, JAXP secure processing, no XInclude, and a
 * size cap checked before a byte is parsed.
 */
public final class SecureXml {
  /** A generous bound for any SAML or XACML message; a larger one is refused unparsed. */
  public static final int DEFAULT_MAX_BYTES = 256 * 1024;

  private static final DocumentBuilderFactory FACTORY = factory();

  private static final ErrorHandler STRICT =
      new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
          throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
          throw e;
        }
      };

  private SecureXml() {}

  private static DocumentBuilderFactory factory() {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    try {
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      f.setValidating(false);
      // Comments stay in the tree: a comment inside a NameID must not silently shorten the value
      // read (the "comment injection" trick), so readers take text from whole elements only.
      f.setIgnoringComments(false);
      f.setCoalescing(false);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
    }
    return f;
  }

  private static DocumentBuilder builder() {
    try {
      // A factory's newDocumentBuilder is not documented as thread-safe; builders are cheap.
      synchronized (FACTORY) {
        DocumentBuilder b = FACTORY.newDocumentBuilder();
        b.setErrorHandler(STRICT);
        b.setEntityResolver(
            (publicId, systemId) -> {
              throw new SAXException("external entities are not read");
            });
        return b;
      }
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An empty namespace-aware document to build a message in. */
  public static Document newDocument() {
    return builder().newDocument();
  }

  /** Parses {@code xml}, refusing more than {@link #DEFAULT_MAX_BYTES}. */
  public static Document parse(byte[] xml) {
    return parse(xml, DEFAULT_MAX_BYTES);
  }

  /**
   * Parses {@code xml}, refusing more than {@code maxBytes}, any DOCTYPE and anything malformed.
   *
   * @throws XmlRejected with a message fit for a log line (never the input itself)
   */
  public static Document parse(byte[] xml, int maxBytes) {
    if (xml == null || xml.length == 0) throw new XmlRejected("the XML document is empty");
    if (xml.length > maxBytes)
      throw new XmlRejected(
          "the XML document is " + xml.length + " bytes, more than the " + maxBytes + " accepted");
    try {
      return builder().parse(new ByteArrayInputStream(xml));
    } catch (SAXParseException e) {
      throw new XmlRejected(
          "the XML document is refused at line "
              + e.getLineNumber()
              + ": "
              + firstLine(e.getMessage()));
    } catch (SAXException | IOException e) {
      throw new XmlRejected("the XML document is refused: " + firstLine(e.getMessage()));
    }
  }

  /** Serialises {@code node} as UTF-8 without an XML declaration and without reformatting. */
  public static byte[] serialize(Node node) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
      t.setOutputProperty(OutputKeys.INDENT, "no");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      t.transform(new DOMSource(node), new StreamResult(out));
      return out.toByteArray();
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialise XML", e);
    }
  }

  /** {@link #serialize} as a string. */
  public static String toString(Node node) {
    return new String(serialize(node), StandardCharsets.UTF_8);
  }

  private static String firstLine(String message) {
    if (message == null) return "malformed";
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
