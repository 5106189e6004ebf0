package io.temppass.gateway.saml;

import io.temppass.gateway.xml.XmlRejected;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The SAML HTTP-Redirect binding (SAML bindings §3.4): the message raw-DEFLATEd, Base64 and
 * URL-encoded in the query, signed over {@code SAMLRequest|SAMLResponse=..&RelayState=..&SigAlg=..}
 * as the query spells them. Verification rebuilds that string from the raw query, never from
 * decoded and re-encoded values, which could differ in their percent-encoding.
 */
public final class RedirectBinding {
  public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
  public static final String RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
  public static final String RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
  public static final String RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
  public static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

  private static final Map<String, String> JCA =
      Map.of(
          RSA_SHA256, "SHA256withRSA",
          RSA_SHA384, "SHA384withRSA",
          RSA_SHA512, "SHA512withRSA",
          ECDSA_SHA256, "SHA256withECDSA",
          RSA_SHA1, "SHA1withRSA");

  private RedirectBinding() {}

  /**
   * {@code destination} with the signed query carrying {@code xml} as {@code parameter} ({@code
   * SAMLRequest} or {@code SAMLResponse}).
   */
  public static String signedUrl(
      String destination, String parameter, byte[] xml, String relayState, PrivateKey key) {
    String sigAlg = "EC".equals(key.getAlgorithm()) ? ECDSA_SHA256 : RSA_SHA256;
    StringBuilder query = new StringBuilder(parameter).append('=').append(encode(deflate(xml)));
    if (relayState != null) query.append("&RelayState=").append(encode(relayState));
    query.append("&SigAlg=").append(encode(sigAlg));
    try {
      Signature signer = Signature.getInstance(JCA.get(sigAlg));
      signer.initSign(key);
      signer.update(query.toString().getBytes(StandardCharsets.UTF_8));
      query.append("&Signature=").append(encode(Base64.getEncoder().encodeToString(signer.sign())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a redirect-binding message", e);
    }
    return destination + (destination.contains("?") ? '&' : '?') + query;
  }

  /** A message received over the redirect binding: the inflated XML and the RelayState. */
  public record Received(byte[] xml, String relayState, boolean signed) {}

  /**
   * Reads {@code parameter} from {@code rawQuery}, checking its signature with one of {@code
   * certificates} when {@code certificates} is not null (then a missing signature is refused).
   */
  public static Received read(
      String rawQuery,
      String parameter,
      List<X509Certificate> certificates,
      boolean allowSha1,
      int maxBytes) {
    Map<String, String> raw = rawParameters(rawQuery);
    String message = raw.get(parameter);
    if (message == null) throw new XmlRejected("no " + parameter + " in the query");
    String relayState = raw.containsKey("RelayState") ? decode(raw.get("RelayState")) : null;
    boolean signed = raw.containsKey("Signature");
    if (certificates != null) {
      if (!signed || !raw.containsKey("SigAlg"))
        throw new XmlRejected("the redirect-binding message is not signed");
      String sigAlg = decode(raw.get("SigAlg"));
      String jca = JCA.get(sigAlg);
      if (jca == null || (RSA_SHA1.equals(sigAlg) && !allowSha1))
        throw new XmlRejected("signature algorithm " + sigAlg + " is not accepted");
      StringBuilder signedPart = new StringBuilder(parameter).append('=').append(message);
      if (raw.containsKey("RelayState"))
        signedPart.append("&RelayState=").append(raw.get("RelayState"));
      signedPart.append("&SigAlg=").append(raw.get("SigAlg"));
      byte[] signature;
      try {
        signature = Base64.getMimeDecoder().decode(decode(raw.get("Signature")));
      } catch (IllegalArgumentException e) {
        throw new XmlRejected("the redirect-binding signature is not Base64");
      }
      boolean valid = false;
      for (X509Certificate certificate : certificates) {
        try {
          Signature verifier = Signature.getInstance(jca);
          verifier.initVerify(certificate.getPublicKey());
          verifier.update(signedPart.toString().getBytes(StandardCharsets.UTF_8));
          if (verifier.verify(signature)) {
            valid = true;
            break;
          }
        } catch (GeneralSecurityException e) {
          // a certificate of another key type: try the next one
        }
      }
      if (!valid)
        throw new XmlRejected(
            "the redirect-binding signature does not verify with a configured certificate");
    }
    byte[] deflated;
    try {
      deflated = Base64.getMimeDecoder().decode(decode(message));
    } catch (IllegalArgumentException e) {
      throw new XmlRejected(parameter + " is not Base64");
    }
    return new Received(inflate(deflated, maxBytes), relayState, signed);
  }

  /** The query's parameters, still percent-encoded; a repeated one is refused. */
  private static Map<String, String> rawParameters(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null) return out;
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (out.put(name, value) != null) throw new XmlRejected("the query repeats " + name);
    }
    return out;
  }

  public static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.DEFLATED, true);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!deflater.finished()) out.write(buffer, 0, deflater.deflate(buffer));
    deflater.end();
    return out.toByteArray();
  }

  /** Raw INFLATE bounded by {@code maxBytes}: a deflate bomb stops at the bound. */
  public static byte[] inflate(byte[] data, int maxBytes) {
    Inflater inflater = new Inflater(true);
    inflater.setInput(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary()))
          throw new XmlRejected("the redirect-binding message is truncated");
        out.write(buffer, 0, n);
        if (out.size() > maxBytes)
          throw new XmlRejected(
              "the redirect-binding message inflates beyond " + maxBytes + " bytes");
      }
    } catch (DataFormatException e) {
      throw new XmlRejected("the redirect-binding message is not DEFLATE data");
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String encode(byte[] deflated) {
    return encode(Base64.getEncoder().encodeToString(deflated));
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new XmlRejected("the query is not valid percent-encoding");
    }
  }
}
