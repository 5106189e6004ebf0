package io.temppass.gateway.pem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PEM armour every key setting and every printed development key goes through. */
class PemTest {
  private static final byte[] DER =
      "not really DER, but any bytes do for the armour; long enough for two body lines"
          .getBytes(StandardCharsets.US_ASCII);

  @Test
  void encodedBlocksDecodeToTheSameBytesWithOpensslLineLength() {
    String pem = Pem.encode(Pem.PUBLIC_KEY, DER);

    assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n"), pem);
    assertTrue(pem.endsWith("\n-----END PUBLIC KEY-----\n"), pem);
    assertTrue(pem.lines().allMatch(line -> line.length() <= 64), pem);
    assertArrayEquals(DER, Pem.decode(pem, Pem.PUBLIC_KEY));
  }

  /**
   * Environment variables and one-line YAML strings carry a key with escaped or no newlines.
   * Breakage caught: dropping the {@code \\n} replacement or the whitespace removal in {@code
   * decode} turns this red.
   */
  @Test
  void escapedAndCollapsedNewlinesAreAccepted() {
    String pem = Pem.encode(Pem.PRIVATE_KEY, DER);

    assertArrayEquals(DER, Pem.decode(pem.replace("\n", "\\n"), Pem.PRIVATE_KEY));
    assertArrayEquals(DER, Pem.decode(pem.replace("\n", " "), Pem.PRIVATE_KEY));
  }

  @Test
  void messagesFollowTheNameOfWhatWasRead() {
    assertEquals("is empty", error(" ", Pem.PUBLIC_KEY));
    assertEquals(
        "must be a PEM public key (-----BEGIN PUBLIC KEY-----)",
        error("not-a-key", Pem.PUBLIC_KEY));
    assertEquals(
        "must be a PEM private key (-----BEGIN PRIVATE KEY-----)",
        error(Pem.encode(Pem.PUBLIC_KEY, DER), Pem.PRIVATE_KEY));
    assertEquals(
        "is not valid PEM Base64",
        error("-----BEGIN PUBLIC KEY-----\n*-*\n-----END PUBLIC KEY-----", Pem.PUBLIC_KEY));
  }

  /** The usual mistake with EC keys: openssl's default SEC1 output instead of PKCS#8. */
  @Test
  void sec1KeysGetTheConversionCommand() {
    String sec1 = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----";

    assertTrue(error(sec1, Pem.PRIVATE_KEY).contains("openssl pkcs8 -topk8 -nocrypt"));
  }

  private static String error(String pem, String label) {
    return assertThrows(IllegalArgumentException.class, () -> Pem.decode(pem, label)).getMessage();
  }
}
