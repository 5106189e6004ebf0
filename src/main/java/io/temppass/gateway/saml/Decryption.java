package io.temppass.gateway.saml;

import io.temppass.gateway.xml.XmlRejected;
import java.security.PrivateKey;
import org.w3c.dom.Element;

/** Encrypted assertions: not decrypted yet; refused with a clear reason. */
final class Decryption {
  private Decryption() {}

  static Element decrypt(Element encryptedAssertion, PrivateKey key) {
    throw new XmlRejected("encrypted assertions are not supported yet");
  }
}
