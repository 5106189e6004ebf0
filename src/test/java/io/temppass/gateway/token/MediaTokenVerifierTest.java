package io.temppass.gateway.token;

import static io.temppass.gateway.token.MediaTokenSignerTest.clockAt;
import static io.temppass.gateway.token.TokenFixtures.claims;
import static io.temppass.gateway.token.TokenFixtures.compactParts;
import static io.temppass.gateway.token.TokenFixtures.segment;
import static io.temppass.gateway.token.TokenFixtures.serialize;
import static io.temppass.gateway.token.TokenFixtures.singleKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import io.temppass.gateway.token.MediaTokenVerifier.Result;
import io.temppass.gateway.token.MediaTokenVerifier.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class MediaTokenVerifierTest {

  private static final String RESOURCE = "urn:resource";
  private static final long INSIDE_WINDOW = TokenFixtures.NOT_BEFORE + 1;

  private final SigningKey key = SigningKey.generate("k1");
  private final MediaTokenKeys keys = singleKey(key);
  private final String token = new MediaTokenSigner(keys).sign(claims(RESOURCE));

  @Test
  void validToken() {
    Result result = verifierAt(INSIDE_WINDOW).verify(token, "REQ-1", RESOURCE);

    assertEquals(Status.VALID_TOKEN, result.status());
    assertEquals(claims(RESOURCE), result.claimsOrNull());
  }

  @Test
  void validTokenWithoutResourceCheck() {
    assertEquals(
        Status.VALID_TOKEN, verifierAt(INSIDE_WINDOW).verify(token, "REQ-1", null).status());
  }

  @Test
  void invalidResourceId() {
    Result result = verifierAt(INSIDE_WINDOW).verify(token, "REQ-1", "urn:other");

    assertEquals(Status.INVALID_RESOURCE_ID, result.status());
  }

  @Test
  void requestorMismatchIsErrorUnknown() {
    Result result = verifierAt(INSIDE_WINDOW).verify(token, "REQ-2", RESOURCE);

    assertEquals(Status.ERROR_UNKNOWN, result.status());
    assertEquals("requestor mismatch", result.detail());
  }

  @Test
  void tokenExpiredOutsideWindow() {
    assertEquals(
        Status.TOKEN_EXPIRED,
        verifierAt(TokenFixtures.EXPIRES_AT).verify(token, "REQ-1", RESOURCE).status());
    assertEquals(
        Status.TOKEN_EXPIRED,
        verifierAt(TokenFixtures.NOT_BEFORE - 1).verify(token, "REQ-1", RESOURCE).status());
    assertEquals(
        Status.VALID_TOKEN,
        verifierAt(TokenFixtures.NOT_BEFORE).verify(token, "REQ-1", RESOURCE).status());
    assertEquals(
        Status.VALID_TOKEN,
        verifierAt(TokenFixtures.EXPIRES_AT - 1).verify(token, "REQ-1", RESOURCE).status());
  }

  @Test
  void invalidSignature() {
    String forgedWithSameKid =
        new MediaTokenSigner(singleKey(SigningKey.generate("k1"))).sign(claims(RESOURCE));
    String unknownKid =
        new MediaTokenSigner(singleKey(SigningKey.generate("k9"))).sign(claims(RESOURCE));
    String[] parts = compactParts(token);
    byte[] signature = Base64URL.from(parts[2]).decode();
    signature[10] ^= 0x01;
    String flipped = serialize(parts[0], parts[1], Base64URL.encode(signature).toString());
    String rOutOfRange = serialize(parts[0], parts[1], Base64URL.encode(new byte[64]).toString());

    MediaTokenVerifier verifier = verifierAt(INSIDE_WINDOW);
    assertInvalidSignature(
        verifier.verify(forgedWithSameKid, "REQ-1", RESOURCE), "does not verify");
    assertInvalidSignature(verifier.verify(flipped, "REQ-1", RESOURCE), "does not verify");
    assertInvalidSignature(verifier.verify(unknownKid, "REQ-1", RESOURCE), "unknown kid");
    assertInvalidSignature(verifier.verify(rOutOfRange, "REQ-1", RESOURCE), "out of range");
  }

  @Test
  void invalidTokenFormat() {
    String[] parts = compactParts(token);
    String algNone = serialize(segment("{\"alg\":\"none\",\"kid\":\"k1\"}"), parts[1], parts[2]);
    String missingClaim = serialize(parts[0], segment("{\"iss\":\"temppass-gateway\"}"), parts[2]);

    MediaTokenVerifier verifier = verifierAt(INSIDE_WINDOW);
    assertFormat(verifier.verify("garbage", "REQ-1", RESOURCE));
    assertFormat(verifier.verify("not base64!", "REQ-1", RESOURCE));
    assertFormat(verifier.verify(serialize(parts[0], parts[1]), "REQ-1", RESOURCE));
    assertFormat(verifier.verify(algNone, "REQ-1", RESOURCE));
    assertFormat(verifier.verify(missingClaim, "REQ-1", RESOURCE));
    assertFormat(verifier.verify("", "REQ-1", RESOURCE));
    assertFormat(verifier.verify(null, "REQ-1", RESOURCE));
  }

  @Test
  void rotatedKeyVerifiesWhilePublishedAndFailsOnceRemoved() throws Exception {
    SigningKey retired = new SigningKey(key.kid(), null, key.publicKey(), false);
    SigningKey successor = SigningKey.generate("k2");
    MediaTokenKeys duringRotation = MediaTokenKeys.of(List.of(successor, retired));
    MediaTokenKeys afterRotation = MediaTokenKeys.of(List.of(successor));

    Result whilePublished =
        new MediaTokenVerifier(JWKSet.parse(duringRotation.jwks().encode()), clockAt(INSIDE_WINDOW))
            .verify(token, "REQ-1", RESOURCE);
    Result afterRemoval =
        new MediaTokenVerifier(JWKSet.parse(afterRotation.jwks().encode()), clockAt(INSIDE_WINDOW))
            .verify(token, "REQ-1", RESOURCE);

    assertEquals(Status.VALID_TOKEN, whilePublished.status());
    assertEquals(Status.INVALID_SIGNATURE, afterRemoval.status());
  }

  @Test
  void jwksRoundTripKeepsKidsAndPublicKeys() throws Exception {
    SigningKey old = new SigningKey("old", null, SigningKey.generate("x").publicKey(), false);
    MediaTokenKeys twoKeys = MediaTokenKeys.of(List.of(key, old));

    JWKSet imported = JWKSet.parse(twoKeys.jwks().encode());

    assertEquals(2, imported.getKeys().size());
    for (SigningKey original : List.of(key, old)) {
      com.nimbusds.jose.jwk.ECKey copy =
          (com.nimbusds.jose.jwk.ECKey) imported.getKeyByKeyId(original.kid());
      assertEquals(original.publicKey().getW(), copy.toECPublicKey().getW());
      assertFalse(copy.isPrivate());
    }
  }

  private MediaTokenVerifier verifierAt(long epochMillis) {
    return new MediaTokenVerifier(keys.jwkSet(), clockAt(epochMillis));
  }

  private static void assertInvalidSignature(Result result, String detailFragment) {
    assertEquals(Status.INVALID_SIGNATURE, result.status(), result.detail());
    assertTrue(result.detail().contains(detailFragment), result.detail());
    assertNull(result.claimsOrNull());
  }

  private static void assertFormat(Result result) {
    assertEquals(Status.INVALID_TOKEN_FORMAT, result.status(), result.detail());
    assertNull(result.claimsOrNull());
  }
}
