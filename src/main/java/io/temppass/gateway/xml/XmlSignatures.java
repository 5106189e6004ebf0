package io.temppass.gateway.xml;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.xml.security.Init;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.Reference;
import org.apache.xml.security.signature.SignedInfo;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.Constants;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The one XML signature validator (and signer) of the gateway, on Apache Santuario. It answers a
 * single question: is <em>this</em> element signed, by an enveloped signature that is its own
 * child, over nothing but itself, by one of the configured certificates? It returns the element it
 * validated, and callers read only from what it returns, which is what defeats signature wrapping:
 * a second, unsigned copy of the element elsewhere in the document is never looked at.
 *
 * <p>What is refused, beyond a wrong signature value: a key carried in the message ({@code KeyInfo}
 * is never read; only configured certificates are tried), any algorithm outside the allow-list (RSA
 * or ECDSA with SHA-256/384/512; RSA-SHA1 and SHA-1 digests only when the policy allows them, for
 * legacy MVPDs), anything but exactly one {@code Reference}, a reference to anything but the
 * element's own {@code ID}, transforms other than enveloped-signature and exclusive or inclusive
 * canonicalisation without comments, and an {@code ID} value that occurs more than once in the
 * document.
 */
public final class XmlSignatures {
  public static final String DSIG_NS = Constants.SignatureSpecNS;

  static {
    // Without this Santuario wraps base64 at 76 characters with &#13; entities in the output.
    System.setProperty("org.apache.xml.security.ignoreLineBreaks", "true");
    Init.init();
  }

  private static final Set<String> STRONG_SIGNATURES =
      Set.of(
          XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
          XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA384,
          XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA512,
          XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA256,
          XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA384,
          XMLSignature.ALGO_ID_SIGNATURE_ECDSA_SHA512);
  private static final Set<String> STRONG_DIGESTS =
      Set.of(
          MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256,
          MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA384,
          MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA512);
  private static final Set<String> CANONICALISATIONS =
      Set.of(
          Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS,
          Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS,
          Canonicalizer.ALGO_ID_C14N11_OMIT_COMMENTS);

  private XmlSignatures() {}

  /**
   * Which certificates are trusted and whether SHA-1 is tolerated. {@code certificates}: the ones
   * configured for the signer (several during a key rotation); never one taken from the message.
   */
  public record Policy(List<X509Certificate> certificates, boolean allowSha1) {
    public Policy {
      certificates = List.copyOf(certificates);
    }
  }

  /** True when {@code element} has a {@code ds:Signature} child (signed or not, valid or not). */
  public static boolean hasSignature(Element element) {
    return !signatureChildren(element).isEmpty();
  }

  /**
   * Verifies {@code element}'s enveloped signature, its attribute {@code idAttribute} naming what
   * the single reference points at, and returns {@code element}: read nothing else of the document
   * as signed.
   *
   * @throws XmlRejected saying which check failed
   */
  public static Element verify(Element element, String idAttribute, Policy policy) {
    List<Element> signatures = signatureChildren(element);
    if (signatures.isEmpty()) throw new XmlRejected(name(element) + " is not signed");
    if (signatures.size() > 1)
      throw new XmlRejected(name(element) + " carries more than one signature");
    String id = element.getAttributeNS(null, idAttribute);
    if (id.isEmpty()) throw new XmlRejected(name(element) + " has no " + idAttribute);
    if (countIdValues(element.getOwnerDocument().getDocumentElement(), id) != 1)
      throw new XmlRejected("the ID " + idAttribute + " of " + name(element) + " is not unique");
    element.setIdAttributeNS(null, idAttribute, true);
    try {
      XMLSignature signature = new XMLSignature(signatures.get(0), "", true);
      SignedInfo info = signature.getSignedInfo();
      String method = info.getSignatureMethodURI();
      boolean sha1Signature = XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA1.equals(method);
      if (!STRONG_SIGNATURES.contains(method) && !(sha1Signature && policy.allowSha1()))
        throw new XmlRejected(
            "signature algorithm " + method + " is not accepted" + sha1Hint(sha1Signature));
      if (!CANONICALISATIONS.contains(info.getCanonicalizationMethodURI()))
        throw new XmlRejected(
            "canonicalisation " + info.getCanonicalizationMethodURI() + " is not accepted");
      if (info.getLength() != 1)
        throw new XmlRejected("the signature must have exactly one Reference");
      Reference reference = info.item(0);
      if (!("#" + id).equals(reference.getURI()))
        throw new XmlRejected("the signature does not reference " + name(element) + " itself");
      String digest = reference.getMessageDigestAlgorithm().getAlgorithmURI();
      boolean sha1Digest = MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA1.equals(digest);
      if (!STRONG_DIGESTS.contains(digest) && !(sha1Digest && policy.allowSha1()))
        throw new XmlRejected(
            "digest algorithm " + digest + " is not accepted" + sha1Hint(sha1Digest));
      checkTransforms(reference.getTransforms());
      boolean valid = false;
      for (X509Certificate certificate : policy.certificates()) {
        if (signature.checkSignatureValue(certificate.getPublicKey())) {
          valid = true;
          break;
        }
      }
      if (!valid)
        throw new XmlRejected(
            "the signature of " + name(element) + " does not verify with a configured certificate");
      Node signed = reference.getContentsBeforeTransformation().getSubNode();
      if (signed != element)
        throw new XmlRejected("the signature covers another element than " + name(element));
      return element;
    } catch (XMLSecurityException e) {
      throw new XmlRejected("the signature of " + name(element) + " is invalid: " + e.getMessage());
    }
  }

  private static String sha1Hint(boolean sha1) {
    return sha1 ? " (SHA-1 is refused unless the integration allows it)" : "";
  }

  private static void checkTransforms(Transforms transforms) throws XMLSecurityException {
    if (transforms == null) return;
    boolean enveloped = false;
    for (int i = 0; i < transforms.getLength(); i++) {
      String uri = transforms.item(i).getURI();
      if (Transforms.TRANSFORM_ENVELOPED_SIGNATURE.equals(uri) && !enveloped) enveloped = true;
      else if (!CANONICALISATIONS.contains(uri))
        throw new XmlRejected("transform " + uri + " is not accepted");
    }
    if (!enveloped) throw new XmlRejected("the signature is not an enveloped signature");
  }

  /** Signature algorithm URIs by name, for the signer. */
  public static String rsaSha256() {
    return XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256;
  }

  /**
   * Signs {@code element} with an enveloped signature over its {@code idAttribute} value (exclusive
   * canonicalisation, SHA-256 digest), inserted before {@code before} (null: as the last child),
   * carrying {@code certificate} in {@code KeyInfo} for the receiver's information.
   */
  public static void sign(
      Element element,
      String idAttribute,
      Node before,
      PrivateKey key,
      X509Certificate certificate,
      String signatureAlgorithm) {
    sign(
        element,
        idAttribute,
        before,
        key,
        certificate,
        signatureAlgorithm,
        MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
  }

  /** {@link #sign} with a chosen digest (tests sign with SHA-1 to check it is refused). */
  public static void sign(
      Element element,
      String idAttribute,
      Node before,
      PrivateKey key,
      X509Certificate certificate,
      String signatureAlgorithm,
      String digestAlgorithm) {
    Document doc = element.getOwnerDocument();
    String id = element.getAttributeNS(null, idAttribute);
    if (id.isEmpty()) throw new IllegalArgumentException("element has no " + idAttribute);
    try {
      element.setIdAttributeNS(null, idAttribute, true);
      XMLSignature signature =
          new XMLSignature(
              doc, "", signatureAlgorithm, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
      element.insertBefore(signature.getElement(), before);
      Transforms transforms = new Transforms(doc);
      transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
      transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
      signature.addDocument("#" + id, transforms, digestAlgorithm);
      if (certificate != null) signature.addKeyInfo(certificate);
      signature.sign(key);
    } catch (XMLSecurityException e) {
      throw new IllegalStateException("cannot sign " + name(element), e);
    }
  }

  private static List<Element> signatureChildren(Element element) {
    List<Element> out = new ArrayList<>(1);
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && DSIG_NS.equals(e.getNamespaceURI())
          && "Signature".equals(e.getLocalName())) out.add(e);
    }
    return out;
  }

  /**
   * How many attributes in the document that could be taken for an ID ({@code ID}, {@code Id},
   * {@code id}, {@code xml:id}) hold {@code value}: a signature resolver that finds a decoy first
   * must be impossible, whatever attribute it would look at.
   */
  private static int countIdValues(Element root, String value) {
    int count = 0;
    NodeList all = root.getElementsByTagNameNS("*", "*");
    for (int i = -1; i < all.getLength(); i++) {
      Element e = i < 0 ? root : (Element) all.item(i);
      NamedNodeMap attributes = e.getAttributes();
      for (int a = 0; a < attributes.getLength(); a++) {
        Attr attr = (Attr) attributes.item(a);
        String local = attr.getLocalName() != null ? attr.getLocalName() : attr.getName();
        if (("ID".equals(local) || "Id".equals(local) || "id".equals(local))
            && value.equals(attr.getValue())) count++;
      }
    }
    return count;
  }

  private static String name(Element element) {
    return element.getLocalName() != null ? element.getLocalName() : element.getTagName();
  }
}
