package io.temppass.gateway.token;

import static io.temppass.gateway.token.TokenFixtures.claims;
import static io.temppass.gateway.token.TokenFixtures.compactParts;
import static io.temppass.gateway.token.TokenFixtures.singleKey;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MediaTokenSignerTest {

  private final MediaTokenKeys keys = singleKey(SigningKey.generate("k-2024"));
  private final MediaTokenSigner signer = new MediaTokenSigner(keys);

  @Test
  void tokenIsStandardBase64OfCompactJwsWithActiveKid() {
    String token = signer.sign(claims("urn:resource"));

    String compact = new String(Base64.getDecoder().decode(token), UTF_8);
    assertTrue(compact.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), compact);
    String[] parts = compactParts(token);
    JsonObject header = new JsonObject(new String(Base64URL.from(parts[0]).decode(), UTF_8));
    assertEquals(
        new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", "k-2024"), header);
    assertEquals(64, Base64URL.from(parts[2]).decode().length);
  }

  @Test
  void payloadCarriesJwtDatesAndExactMilliseconds() {
    JsonObject payload = payloadOf(signer.sign(claims("urn:resource")));

    assertEquals("temppass-gateway", payload.getString("iss"));
    assertEquals(1_700_000_000L, payload.getLong("iat"));
    assertEquals(1_700_000_000L, payload.getLong("nbf"));
    // Rounded down: a verifier that reads only exp must not accept the token after expMs (rounding
    // up
    // accepted it for up to a second after the pass ended).
    assertEquals(
        1_700_001_800L, payload.getLong("exp"), "exp rounds down so it never outlives expMs");
    assertTrue(payload.getLong("exp") * 1000 <= payload.getLong("expMs"));
    assertEquals(TokenFixtures.NOT_BEFORE, payload.getLong("nbfMs"));
    assertEquals(TokenFixtures.EXPIRES_AT, payload.getLong("expMs"));
    assertEquals("jti-42", payload.getString("jti"));
    assertEquals("dev-hash", payload.getString("dev"));
  }

  @Test
  void claimsRoundTripThroughVerifier() {
    MediaTokenClaims claims = claims("urn:resource");
    MediaTokenVerifier verifier =
        new MediaTokenVerifier(keys.jwkSet(), clockAt(TokenFixtures.NOT_BEFORE));

    MediaTokenVerifier.Result result =
        verifier.verify(signer.sign(claims), "REQ-1", "urn:resource");

    assertEquals(MediaTokenVerifier.Status.VALID_TOKEN, result.status());
    assertEquals(claims, result.claimsOrNull());
  }

  @Test
  void resourceWithSpecialCharactersIsEscapedAndRoundTrips() {
    String resource = "<rss title=\"Q\\\"uote\">\\path\nline2\ttab \u00e9\u4e2d\uD83C\uDFAC\u0001";
    String token = signer.sign(claims(resource));

    assertEquals(resource, payloadOf(token).getString("resource"));
    MediaTokenVerifier.Result result =
        new MediaTokenVerifier(keys.jwkSet(), clockAt(TokenFixtures.NOT_BEFORE))
            .verify(token, "REQ-1", resource);
    assertEquals(MediaTokenVerifier.Status.VALID_TOKEN, result.status());
  }

  @Test
  void reportsTheProviderThatSigns() {
    assertFalse(signer.signerProvider().isBlank());
  }

  static JsonObject payloadOf(String token) {
    return new JsonObject(new String(Base64URL.from(compactParts(token)[1]).decode(), UTF_8));
  }

  static Clock clockAt(long epochMillis) {
    return Clock.fixed(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  /**
   * The signer writes the compact JWS itself into reused buffers; its tokens are byte for byte
   * those Nimbus's own {@code JWSObject} signing writes (standard Base64 of the compact
   * serialisation), given the same key and the same random numbers for ECDSA's per-signature
   * secret. SunEC takes them from the {@code SecureRandom} each side is given, so a deterministic
   * one makes both signatures equal. Breakage caught: any byte of the header, payload, signature
   * encoding, the dots or the outer Base64 written differently.
   */
  @Test
  void tokensAreByteForByteThoseNimbusSigningWrites() throws Exception {
    java.security.Provider sunEc = java.security.Security.getProvider("SunEC");
    String[] resources = {
      "urn:resource",
      "",
      "a",
      "ab",
      "<rss title=\"Q\\\"uote\">\\path\nline2\ttab \u00e9\u4e2d\uD83C\uDFAC\u0001",
      "x".repeat(700)
    };
    for (String resource : resources) {
      MediaTokenClaims claims = claims(resource);
      MediaTokenSigner ours =
          new MediaTokenSigner(keys, sunEc, () -> new DeterministicRandom(resource.length()));
      assertEquals("SunEC", ours.signerProvider());

      com.nimbusds.jose.crypto.ECDSASigner nimbus =
          new com.nimbusds.jose.crypto.ECDSASigner(keys.active().privateKey());
      nimbus.getJCAContext().setProvider(sunEc);
      nimbus.getJCAContext().setSecureRandom(new DeterministicRandom(resource.length()));
      com.nimbusds.jose.JWSObject jws =
          new com.nimbusds.jose.JWSObject(
              ours.header(),
              new com.nimbusds.jose.Payload(
                  Base64URL.encode(MediaTokenPayloadWriter.encode(claims))));
      jws.sign(nimbus);
      String expected =
          Base64.getEncoder()
              .encodeToString(jws.serialize().getBytes(java.nio.charset.StandardCharsets.US_ASCII));

      assertEquals(expected, ours.sign(claims), "resource of " + resource.length() + " chars");
    }
  }

  /** Random numbers that repeat for the same seed, so two ECDSA signatures can be compared. */
  private static final class DeterministicRandom extends java.security.SecureRandom {
    private final java.util.Random numbers;

    DeterministicRandom(long seed) {
      numbers = new java.util.Random(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      numbers.nextBytes(bytes);
    }
  }

  /** One signer used from several threads at once: every token verifies and carries its claims. */
  @Test
  void oneSignerServesSeveralThreadsAtOnce() throws Exception {
    MediaTokenVerifier verifier =
        new MediaTokenVerifier(keys.jwkSet(), clockAt(TokenFixtures.NOT_BEFORE));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    String resource = "urn:r-" + thread + "-" + "y".repeat(i % 50);
                    MediaTokenVerifier.Result r =
                        verifier.verify(signer.sign(claims(resource)), "REQ-1", resource);
                    if (r.status() != MediaTokenVerifier.Status.VALID_TOKEN) return false;
                  }
                  return true;
                }));
      }
      for (java.util.concurrent.Future<Boolean> r : results)
        assertTrue(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }
}
