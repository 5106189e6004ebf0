package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.temppass.gateway.CryptoProviders.Signer;
import java.nio.file.Path;
import java.security.Provider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Who signs media tokens on each platform. The choice is a pure function of {@code os.name}, {@code
 * os.arch} and which providers load, so x86_64 and arm64 nodes are both covered on any machine; the
 * last test loads the real providers on the machine that runs it. Breakage caught: Corretto not
 * tried on aarch64 (arm64 nodes signing with BouncyCastle), Conscrypt tried where its jar has no
 * library, a fallback order that is not fastest first, pom.xml bundling a Corretto classifier other
 * than the platform's, and a build whose bundled Corretto does not load here.
 */
class CryptoProvidersTest {

  @Test
  void x86_64_linux_tries_corretto_then_conscrypt_then_bouncy_castle() {
    for (String arch : List.of("amd64", "x86_64")) {
      assertEquals(
          List.of(Signer.CORRETTO, Signer.CONSCRYPT, Signer.BOUNCY_CASTLE, Signer.JDK),
          CryptoProviders.candidates("Linux", arch));
      assertEquals("linux-x86_64", CryptoProviders.correttoClassifier("Linux", arch));
    }
    assertEquals(Signer.CORRETTO, choose("Linux", "amd64", Signer.values()));
    assertEquals(
        Signer.CONSCRYPT, choose("Linux", "amd64", Signer.CONSCRYPT, Signer.BOUNCY_CASTLE));
    assertEquals(Signer.BOUNCY_CASTLE, choose("Linux", "amd64", Signer.BOUNCY_CASTLE));
    assertEquals(Signer.JDK, choose("Linux", "amd64"));
  }

  @Test
  void arm64_linux_tries_corretto_then_bouncy_castle() {
    for (String arch : List.of("aarch64", "arm64")) {
      // Conscrypt's jar has no Linux aarch64 library: trying it would only cost a failed load.
      assertEquals(
          List.of(Signer.CORRETTO, Signer.BOUNCY_CASTLE, Signer.JDK),
          CryptoProviders.candidates("Linux", arch));
      assertEquals("linux-aarch_64", CryptoProviders.correttoClassifier("Linux", arch));
    }
    assertEquals(Signer.CORRETTO, choose("Linux", "aarch64", Signer.values()));
    assertEquals(
        Signer.BOUNCY_CASTLE, choose("Linux", "aarch64", Signer.CONSCRYPT, Signer.BOUNCY_CASTLE));
  }

  @Test
  void other_platforms_never_try_corretto() {
    assertEquals(
        List.of(Signer.CONSCRYPT, Signer.BOUNCY_CASTLE, Signer.JDK),
        CryptoProviders.candidates("Mac OS X", "x86_64"));
    assertEquals(
        List.of(Signer.BOUNCY_CASTLE, Signer.JDK),
        CryptoProviders.candidates("Mac OS X", "aarch64"));
    assertEquals(
        List.of(Signer.CONSCRYPT, Signer.BOUNCY_CASTLE, Signer.JDK),
        CryptoProviders.candidates("Windows 11", "amd64"));
    assertEquals(
        List.of(Signer.BOUNCY_CASTLE, Signer.JDK), CryptoProviders.candidates("Linux", "s390x"));
    assertNull(CryptoProviders.correttoClassifier("Mac OS X", "aarch64"));
    assertNull(CryptoProviders.correttoClassifier("Linux", "ppc64le"));
  }

  /** Loading stops at the first provider that loads: Corretto registers itself when loaded. */
  @Test
  void providers_are_loaded_in_order_and_no_further_than_the_first_that_loads() {
    List<Signer> asked = new ArrayList<>();
    Signer chosen =
        CryptoProviders.choose(
            "Linux",
            "amd64",
            s -> {
              asked.add(s);
              return s == Signer.CONSCRYPT;
            });
    assertEquals(Signer.CONSCRYPT, chosen);
    assertEquals(List.of(Signer.CORRETTO, Signer.CONSCRYPT), asked);
  }

  /**
   * pom.xml bundles Corretto's classifier for the building machine: linux-x86_64 by default and
   * linux-aarch_64 when the build runs on aarch64 (an arm64 Docker build), the classifiers {@link
   * CryptoProviders#correttoClassifier} names for those platforms.
   */
  @Test
  void the_pom_bundles_the_corretto_classifier_of_each_architecture() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Element project =
        factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
    assertEquals(
        CryptoProviders.correttoClassifier("Linux", "amd64"),
        text(child(project, "properties"), "accp.classifier"),
        "the default classifier");
    String aarch64 = null;
    for (Element profile : children(child(project, "profiles"), "profile")) {
      Element os = child(child(profile, "activation"), "os");
      if (os != null && "aarch64".equals(text(os, "arch")))
        aarch64 = text(child(profile, "properties"), "accp.classifier");
    }
    assertEquals(
        CryptoProviders.correttoClassifier("Linux", "aarch64"),
        aarch64,
        "the classifier of the profile activated on os.arch aarch64");
    boolean usesProperty = false;
    for (Element dependency : children(child(project, "dependencies"), "dependency")) {
      if ("AmazonCorrettoCryptoProvider".equals(text(dependency, "artifactId")))
        usesProperty = "${accp.classifier}".equals(text(dependency, "classifier"));
    }
    assertEquals(true, usesProperty, "the Corretto dependency's classifier is ${accp.classifier}");
  }

  /** On this machine: where Corretto has a library for the platform, the bundled one loads. */
  @Test
  void the_bundled_corretto_loads_on_this_platform_when_it_has_a_library_for_it() {
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    Provider provider = CryptoProviders.install();
    if (CryptoProviders.correttoClassifier(os, arch) != null) {
      assertNotNull(provider, "no provider on " + os + "/" + arch);
      assertEquals(
          "AmazonCorrettoCryptoProvider",
          provider.getName(),
          "Corretto should sign on " + os + "/" + arch + ": the build bundled another classifier?");
    }
  }

  private static Signer choose(String os, String arch, Signer... loading) {
    Set<Signer> loads =
        loading.length == 0 ? EnumSet.noneOf(Signer.class) : EnumSet.of(loading[0], loading);
    return CryptoProviders.choose(os, arch, loads::contains);
  }

  private static Element child(Element parent, String name) {
    if (parent == null) return null;
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) return out;
    for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
    }
    return out;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().strip();
  }
}
