package io.temppass.gateway.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The one parser refuses what an attacker would send inside a SAML or XACML message. */
class SecureXmlTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parses_a_namespaced_document_and_keeps_comments_in_the_tree() {
    Document doc = SecureXml.parse(utf8("<a:r xmlns:a=\"urn:a\"><a:n>us<!-- x -->er</a:n></a:r>"));
    assertEquals("urn:a", doc.getDocumentElement().getNamespaceURI());
    assertEquals(3, doc.getDocumentElement().getFirstChild().getChildNodes().getLength());
  }

  @Test
  void refuses_an_external_entity_that_would_read_a_local_file(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]><r>&x;</r>";
    XmlRejected refused = assertThrows(XmlRejected.class, () -> SecureXml.parse(utf8(xxe)));
    assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
    assertTrue(!refused.getMessage().contains("TOP-SECRET"));
  }

  @Test
  void refuses_billion_laughs() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE r [<!ENTITY l0 \"ha\">");
    for (int i = 1; i < 10; i++)
      dtd.append("<!ENTITY l")
          .append(i)
          .append(" \"")
          .append(("&l" + (i - 1) + ";").repeat(10))
          .append("\">");
    dtd.append("]>");
    String bomb = dtd + "<r>&l9;</r>";
    XmlRejected refused = assertThrows(XmlRejected.class, () -> SecureXml.parse(utf8(bomb)));
    assertTrue(refused.getMessage().contains("DOCTYPE"), refused.getMessage());
  }

  @Test
  void refuses_a_document_over_the_size_cap_before_parsing() {
    byte[] big = utf8("<r>" + "a".repeat(1024 * 1024) + "</r>");
    XmlRejected refused = assertThrows(XmlRejected.class, () -> SecureXml.parse(big));
    assertTrue(refused.getMessage().contains("more than the"), refused.getMessage());
    assertThrows(XmlRejected.class, () -> SecureXml.parse(utf8("<r>abc</r>"), 5));
  }

  @Test
  void refuses_malformed_and_empty_input() {
    assertThrows(XmlRejected.class, () -> SecureXml.parse(utf8("<r><unclosed></r>")));
    assertThrows(XmlRejected.class, () -> SecureXml.parse(new byte[0]));
  }
}
