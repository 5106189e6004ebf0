package io.temppass.gateway.saml;

import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.XmlRejected;
import java.security.Key;
import java.security.PrivateKey;
import java.util.Set;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Decrypts a {@code saml:EncryptedAssertion} with the SP key (XML Encryption on Apache Santuario).
 * Only RSA-OAEP key transport (RSA 1.5 is open to Bleichenbacher's attack) and AES content
 * encryption are accepted. The decrypted bytes are parsed by {@link SecureXml}, like everything
 * else, and must be one {@code saml:Assertion}.
 */
final class Decryption {
  static final String XMLENC = "http://www.w3.org/2001/04/xmlenc#";

  private static final Set<String> KEY_TRANSPORT =
      Set.of(XMLCipher.RSA_OAEP, XMLCipher.RSA_OAEP_11);
  private static final Set<String> CONTENT =
      Set.of(
          XMLCipher.AES_128_GCM,
          XMLCipher.AES_192_GCM,
          XMLCipher.AES_256_GCM,
          XMLCipher.AES_128,
          XMLCipher.AES_192,
          XMLCipher.AES_256);

  private Decryption() {}

  static Element decrypt(Element encryptedAssertion, PrivateKey spKey) {
    Element data = Saml.child(encryptedAssertion, XMLENC, "EncryptedData");
    Element method = Saml.child(data, XMLENC, "EncryptionMethod");
    String contentAlgorithm = method.getAttributeNS(null, "Algorithm");
    if (!CONTENT.contains(contentAlgorithm))
      throw new XmlRejected("assertion encryption " + contentAlgorithm + " is not accepted");
    NodeList keys = encryptedAssertion.getElementsByTagNameNS(XMLENC, "EncryptedKey");
    if (keys.getLength() != 1)
      throw new XmlRejected("the encrypted assertion must carry exactly one EncryptedKey");
    Element keyElement = (Element) keys.item(0);
    String transport =
        Saml.child(keyElement, XMLENC, "EncryptionMethod").getAttributeNS(null, "Algorithm");
    if (!KEY_TRANSPORT.contains(transport))
      throw new XmlRejected("key transport " + transport + " is not accepted (use RSA-OAEP)");
    byte[] plain;
    try {
      XMLCipher unwrap = XMLCipher.getInstance();
      unwrap.init(XMLCipher.UNWRAP_MODE, spKey);
      EncryptedKey encryptedKey =
          unwrap.loadEncryptedKey(keyElement.getOwnerDocument(), keyElement);
      Key contentKey = unwrap.decryptKey(encryptedKey, contentAlgorithm);
      XMLCipher decrypt = XMLCipher.getInstance();
      decrypt.init(XMLCipher.DECRYPT_MODE, contentKey);
      plain = decrypt.decryptToByteArray(data);
    } catch (XMLSecurityException | RuntimeException e) {
      throw new XmlRejected("the assertion could not be decrypted with the SP key");
    }
    Element assertion = SecureXml.parse(plain).getDocumentElement();
    if (!Saml.ASSERTION.equals(assertion.getNamespaceURI())
        || !"Assertion".equals(assertion.getLocalName()))
      throw new XmlRejected("the encrypted content is not a saml:Assertion");
    return (Element) encryptedAssertion.getOwnerDocument().importNode(assertion, true);
  }
}
