package io.temppass.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.temppass.gateway.config.Durations;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Fuzz test of {@link Durations#parse}: it returns a duration or throws IllegalArgumentException,
 * nothing else. The first byte picks the value's type (as YAML/JSON config would deliver it); a
 * String input is the rest of the data as text (so a seed is the text followed by one byte 0x05).
 */
class DurationsFuzzTest {

  @FuzzTest(maxDuration = "1m")
  void durations(FuzzedDataProvider data) {
    Object value =
        switch (data.consumeInt(0, 5)) {
          case 0 -> data.consumeInt();
          case 1 -> data.consumeLong();
          case 2 -> data.consumeDouble();
          case 3 -> BigInteger.valueOf(data.consumeLong()).shiftLeft(data.consumeInt(0, 128));
          case 4 -> safeBigDecimal(data.consumeAsciiString(64));
          default -> data.consumeRemainingAsString();
        };
    try {
      assertNotNull(Durations.parse(value));
    } catch (IllegalArgumentException expected) {
      // the documented failure for an invalid duration
    }
  }

  private static Object safeBigDecimal(String s) {
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return s;
    }
  }
}
