package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.util.Base64URL;
import java.util.Base64;
import java.util.List;

/** Shared claims and token surgery, so each test states only what it varies. */
final class TokenFixtures {

  static final long NOT_BEFORE = 1_700_000_000_123L;
  static final long EXPIRES_AT = NOT_BEFORE + 30 * 60_000L + 7;
  static final long ISSUED_AT = 1_700_000_000_000L;

  private TokenFixtures() {}

  static MediaTokenClaims claims(String resource) {
    return new MediaTokenClaims(
        "REQ-1",
        "TempPass_TEST",
        resource,
        ISSUED_AT,
        NOT_BEFORE,
        EXPIRES_AT,
        "jti-42",
        "dev-hash");
  }

  static MediaTokenKeys singleKey(SigningKey key) {
    return MediaTokenKeys.of(List.of(key));
  }

  static String[] compactParts(String serializedToken) {
    return new String(Base64.getDecoder().decode(serializedToken), US_ASCII).split("\\.", -1);
  }

  static String serialize(String... parts) {
    return Base64.getEncoder().encodeToString(String.join(".", parts).getBytes(US_ASCII));
  }

  static String segment(String json) {
    return Base64URL.encode(json.getBytes(UTF_8)).toString();
  }
}
