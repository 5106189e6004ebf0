package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The signer's Base64 writer against the JDK's encoders: for every input length from 0 to 1,000
 * bytes, random bytes, both alphabets, written at an offset into a larger array whose other bytes
 * stay untouched.
 */
class Base64IntoTest {

  @Test
  void writesWhatTheJdksEncodersWriteForEveryLengthUpTo1000() {
    Random random = new Random(7);
    for (int length = 0; length <= 1000; length++) {
      byte[] src = new byte[length + 5];
      random.nextBytes(src);
      byte[] input = java.util.Arrays.copyOf(src, length);

      byte[] dst = new byte[Base64Into.standardLength(length) + 10];
      java.util.Arrays.fill(dst, (byte) '#');
      int end = Base64Into.standard(src, length, dst, 3);
      String expected = Base64.getEncoder().encodeToString(input);
      assertEquals(3 + expected.length(), end, "standard end, length " + length);
      assertEquals(expected, new String(dst, 3, end - 3, ISO_8859_1), "standard, length " + length);
      assertEquals("###", new String(dst, 0, 3, ISO_8859_1));
      assertEquals('#', dst[end]);

      java.util.Arrays.fill(dst, (byte) '#');
      end = Base64Into.url(src, length, dst, 3);
      expected = Base64.getUrlEncoder().withoutPadding().encodeToString(input);
      assertEquals(expected.length(), Base64Into.urlLength(length));
      assertEquals(3 + expected.length(), end, "url end, length " + length);
      assertEquals(expected, new String(dst, 3, end - 3, ISO_8859_1), "url, length " + length);
      assertEquals('#', dst[end]);
    }
  }
}
