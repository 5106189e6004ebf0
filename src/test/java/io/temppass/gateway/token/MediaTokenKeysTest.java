package io.temppass.gateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.pem.Pem;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaTokenKeysTest {

  private final SigningKey first = SigningKey.generate("first");
  private final SigningKey second = SigningKey.generate("second");

  @Test
  void exactlyOneActiveKeyIsRequired() {
    SigningKey secondInactive =
        new SigningKey("second", second.privateKey(), second.publicKey(), false);
    SigningKey firstInactive = new SigningKey("first", null, first.publicKey(), false);

    assertEquals("first", MediaTokenKeys.of(List.of(first, secondInactive)).active().kid());
    assertThrows(IllegalArgumentException.class, () -> MediaTokenKeys.of(List.of(first, second)));
    assertThrows(
        IllegalArgumentException.class,
        () -> MediaTokenKeys.of(List.of(firstInactive, secondInactive)));
    assertThrows(IllegalArgumentException.class, () -> MediaTokenKeys.of(List.of()));
  }

  @Test
  void activeKeyNeedsPrivateKey() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SigningKey("k", null, first.publicKey(), true));
    assertTrue(error.getMessage().contains("no private key"), error.getMessage());
  }

  @Test
  void duplicateAndEmptyKidsAreRejected() {
    SigningKey sameKid = new SigningKey("first", null, second.publicKey(), false);

    assertThrows(IllegalArgumentException.class, () -> MediaTokenKeys.of(List.of(first, sameKid)));
    assertThrows(IllegalArgumentException.class, () -> SigningKey.generate(""));
  }

  @Test
  void pemRoundTrip() {
    String privatePem = first.privateKeyPem();
    String publicPem = first.publicKeyPem();

    SigningKey parsed = SigningKey.fromPem("first", privatePem, publicPem, true);

    assertTrue(privatePem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(publicPem.startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertTrue(publicPem.lines().allMatch(line -> line.length() <= 64));
    assertEquals(first.privateKey().getS(), parsed.privateKey().getS());
    assertEquals(first.publicKey().getW(), parsed.publicKey().getW());
    assertNull(SigningKey.fromPem("first", null, publicPem, false).privateKey());
  }

  @Test
  void mismatchedKeyPairIsRejected() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> SigningKey.fromPem("k", first.privateKeyPem(), second.publicKeyPem(), true));
    assertEquals("private key does not match public key", error.getMessage());
  }

  @Test
  void nonP256KeyIsRejected() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = generator.generateKeyPair();
    String privatePem = Pem.encode("PRIVATE KEY", p384.getPrivate().getEncoded());
    String publicPem = Pem.encode("PUBLIC KEY", p384.getPublic().getEncoded());

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> SigningKey.fromPem("k", privatePem, publicPem, true));
    assertTrue(error.getMessage().contains("P-256"), error.getMessage());
  }

  @Test
  void malformedPemIsRejectedWithHint() {
    String sec1 = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----";

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> SigningKey.fromPem("k", sec1, first.publicKeyPem(), true));
    assertTrue(error.getMessage().contains("pkcs8"), error.getMessage());
  }

  @Test
  void jwksHasFixedWidthCoordinates() {
    JsonObject jwk = MediaTokenKeys.of(List.of(first)).jwks().getJsonArray("keys").getJsonObject(0);

    assertEquals("EC", jwk.getString("kty"));
    assertEquals("P-256", jwk.getString("crv"));
    assertEquals("first", jwk.getString("kid"));
    assertEquals("sig", jwk.getString("use"));
    assertEquals("ES256", jwk.getString("alg"));
    assertEquals(43, jwk.getString("x").length());
    assertEquals(
        first.publicKey().getW().getAffineX(),
        new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("x"))));
  }
}
