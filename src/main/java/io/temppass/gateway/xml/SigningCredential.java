package io.temppass.gateway.xml;

import io.temppass.gateway.pem.Pem;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private key and the certificate that publishes its public half: the gateway's SAML service
 * provider key, and the throw-away keys of development mode and tests.
 */
public record SigningCredential(PrivateKey privateKey, X509Certificate certificate) {

  /**
   * A fresh RSA-2048 key with a self-signed certificate for {@code commonName}, valid ten years.
   */
  public static SigningCredential generate(String commonName) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              pair.getPublic());
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
      return new SigningCredential(pair.getPrivate(), certificate);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a signing key", e);
    }
  }

  /**
   * A PKCS#8 PEM private key and a PEM certificate, as settings carry them.
   *
   * @throws IllegalArgumentException with a message to put after the setting's name
   */
  public static SigningCredential fromPem(String privateKeyPem, String certificatePem) {
    X509Certificate certificate = certificates(certificatePem).get(0);
    byte[] der = Pem.decode(privateKeyPem, Pem.PRIVATE_KEY);
    try {
      String algorithm = certificate.getPublicKey().getAlgorithm();
      PrivateKey key =
          KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      return new SigningCredential(key, certificate);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the private key does not match the certificate's key type: " + e.getMessage());
    }
  }

  /**
   * Every certificate in {@code pem} (PEM blocks, or bare Base64 DER as SAML metadata holds it).
   *
   * @throws IllegalArgumentException when there is none or one cannot be read
   */
  public static List<X509Certificate> certificates(String pem) {
    if (pem == null || pem.isBlank()) throw new IllegalArgumentException("holds no certificate");
    String text = pem.replace("\\n", "\n").strip();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      if (!text.contains("-----BEGIN")) {
        byte[] der = Base64.getMimeDecoder().decode(text);
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      } else {
        for (var c :
            factory.generateCertificates(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))))
          out.add((X509Certificate) c);
      }
      if (out.isEmpty()) throw new IllegalArgumentException("holds no certificate");
      return out;
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "must be an X.509 certificate in PEM (-----BEGIN CERTIFICATE-----): " + e.getMessage());
    }
  }

  /** The certificate as Base64 DER, the form of {@code ds:X509Certificate} in SAML metadata. */
  public String certificateBase64() {
    try {
      return Base64.getEncoder().encodeToString(certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate in PEM. */
  public String certificatePem() {
    try {
      return Pem.encode("CERTIFICATE", certificate.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key in PKCS#8 PEM. */
  public String privateKeyPem() {
    return Pem.encode(Pem.PRIVATE_KEY, privateKey.getEncoded());
  }
}
