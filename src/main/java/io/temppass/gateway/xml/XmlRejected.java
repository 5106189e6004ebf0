package io.temppass.gateway.xml;

/**
 * An XML message was refused: malformed, too large, with a DOCTYPE, or with a signature that does
 * not hold. The message says why, fit for a log line; it never quotes the input.
 */
public final class XmlRejected extends RuntimeException {
  public XmlRejected(String message) {
    super(message, null, false, false);
  }
}
