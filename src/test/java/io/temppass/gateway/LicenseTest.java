package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The repository says under which licence it may be used: the full Apache License 2.0 text in
 * LICENSE, and the same licence in pom.xml, where Maven tooling and the published POM read it.
 * Breakage caught: a missing or truncated LICENSE, or a pom.xml without its licenses element.
 */
class LicenseTest {
  @Test
  void the_license_file_is_the_full_apache_2_0_text() throws Exception {
    Path license = Path.of("LICENSE");
    assertTrue(Files.isRegularFile(license), "LICENSE is missing at the repository root");
    String text = Files.readString(license);
    assertTrue(text.contains("Apache License") && text.contains("Version 2.0, January 2004"));
    assertTrue(text.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"));
    assertTrue(text.contains("END OF TERMS AND CONDITIONS"), "LICENSE is truncated");
    assertTrue(text.contains("APPENDIX: How to apply the Apache License to your work."));
  }

  @Test
  void the_pom_declares_apache_2_0() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    Element project = pom.getDocumentElement();
    Element licenses = child(project, "licenses");
    Element license = child(licenses, "license");
    assertEquals("Apache-2.0", child(license, "name").getTextContent().strip());
    assertEquals(
        "https://www.apache.org/licenses/LICENSE-2.0.txt",
        child(license, "url").getTextContent().strip());
  }

  private static Element child(Element parent, String name) {
    for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) return e;
    }
    throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
  }
}
