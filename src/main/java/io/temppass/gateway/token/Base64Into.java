package io.temppass.gateway.token;

/**
 * Base64 (RFC 4648 section 4, padded) and Base64url (section 5, unpadded) written into a caller's
 * array at an offset. The JDK's encoders take whole arrays and return new ones, so a media token
 * built with them copies its bytes three more times; this writes each encoding once, into the
 * signer's reused buffers (load-tests/RESULTS.md, "Media-token signing without intermediate
 * objects"). {@code Base64IntoTest} compares both alphabets with the JDK's encoders for every input
 * length up to 1,000 bytes.
 */
final class Base64Into {
  private static final byte[] STANDARD =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes();
  private static final byte[] URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes();

  private Base64Into() {}

  /** Characters of the unpadded Base64url of {@code length} bytes. */
  static int urlLength(int length) {
    return length / 3 * 4 + (length % 3 == 0 ? 0 : length % 3 + 1);
  }

  /** Characters of the padded Base64 of {@code length} bytes. */
  static int standardLength(int length) {
    return (length + 2) / 3 * 4;
  }

  /** Unpadded Base64url of {@code src[0, length)} at {@code dst[offset]}; returns the end. */
  static int url(byte[] src, int length, byte[] dst, int offset) {
    return encode(URL, false, src, length, dst, offset);
  }

  /** Padded Base64 of {@code src[0, length)} at {@code dst[offset]}; returns the end. */
  static int standard(byte[] src, int length, byte[] dst, int offset) {
    return encode(STANDARD, true, src, length, dst, offset);
  }

  private static int encode(
      byte[] alphabet, boolean pad, byte[] src, int length, byte[] dst, int offset) {
    int i = 0;
    int o = offset;
    for (int whole = length - length % 3; i < whole; i += 3) {
      int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | (src[i + 2] & 0xff);
      dst[o++] = alphabet[bits >>> 18];
      dst[o++] = alphabet[bits >>> 12 & 0x3f];
      dst[o++] = alphabet[bits >>> 6 & 0x3f];
      dst[o++] = alphabet[bits & 0x3f];
    }
    int rest = length - i;
    if (rest == 1) {
      int bits = (src[i] & 0xff) << 16;
      dst[o++] = alphabet[bits >>> 18];
      dst[o++] = alphabet[bits >>> 12 & 0x3f];
      if (pad) {
        dst[o++] = '=';
        dst[o++] = '=';
      }
    } else if (rest == 2) {
      int bits = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8;
      dst[o++] = alphabet[bits >>> 18];
      dst[o++] = alphabet[bits >>> 12 & 0x3f];
      dst[o++] = alphabet[bits >>> 6 & 0x3f];
      if (pad) dst[o++] = '=';
    }
    return o;
  }
}
