package io.temppass.gateway.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.SigningKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gateway access token is good from its {@code nbf} to its {@code exp} ({@code expires_in} after
 * issue), within the leeway, by an injected clock. Catches: the exp check dropped or the leeway
 * applied the wrong way (a token good forever, or refused at issue).
 */
class ClientAccessTokensClockTest {
  static final SigningKey KEY = SigningKey.generate("clock-test");
  static final long LIFETIME_SECONDS = 21_600;
  static final long LEEWAY_MILLIS = 30_000;

  final ClientAccessTokens tokens =
      new ClientAccessTokens(
          new GatewayJwts(MediaTokenKeys.of(List.of(KEY))),
          null,
          "https://gateway.test",
          LIFETIME_SECONDS,
          LEEWAY_MILLIS);

  final Application app =
      new Application(
          "6f1c2f8e-3c1d-4c52-9a57-0d3f3a1d2b10",
          "app",
          "1",
          List.of("sp"),
          List.of(),
          List.of(),
          List.of(),
          List.of("api:client:v2"),
          false,
          0);

  @Test
  void a_token_expires_expires_in_after_issue() throws Exception {
    long issuedAt = 1_800_000_000_000L;
    ClientAccessTokens.Issued issued = tokens.issue("client", app, issuedAt);
    assertEquals(LIFETIME_SECONDS, issued.expiresIn());
    String token = issued.accessToken();
    assertEquals("client", tokens.verify(token, issuedAt).getString("sub"));
    long expiry = issuedAt + LIFETIME_SECONDS * 1000;
    tokens.verify(token, expiry + LEEWAY_MILLIS - 1);
    Refused expired =
        assertThrows(Refused.class, () -> tokens.verify(token, expiry + LEEWAY_MILLIS));
    assertEquals("expired", expired.getMessage());
    assertThrows(Refused.class, () -> tokens.verify(token, issuedAt - LEEWAY_MILLIS - 1_000));
  }

  @Test
  void a_token_of_another_issuer_or_key_is_refused() throws Exception {
    long now = 1_800_000_000_000L;
    String token = tokens.issue("client", app, now).accessToken();
    ClientAccessTokens otherIssuer =
        new ClientAccessTokens(
            new GatewayJwts(MediaTokenKeys.of(List.of(KEY))), null, "other", 60, 0);
    assertThrows(Refused.class, () -> otherIssuer.verify(token, now));
    ClientAccessTokens otherKey =
        new ClientAccessTokens(
            new GatewayJwts(MediaTokenKeys.of(List.of(SigningKey.generate("clock-test")))),
            null,
            "https://gateway.test",
            60,
            0);
    assertThrows(Refused.class, () -> otherKey.verify(token, now));
  }
}
