package io.temppass.gateway.token;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Converts between the ASN.1 DER ECDSA signatures that every JCA provider produces and the fixed
 * 64-byte R||S form (IEEE P1363) that JWS mandates. Done by hand because the
 * {@code SHA256withECDSAinP1363Format} algorithm name is SunEC-specific.
 */
final class EcdsaSignatureFormat {

  static final int P1363_LENGTH = 2 * P256.COORDINATE_BYTES;

  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;

  private EcdsaSignatureFormat() {}

  /** @throws IllegalArgumentException if the DER is malformed or a value exceeds 32 bytes */
  static byte[] derToP1363(byte[] der) {
    Reader reader = new Reader(der);
    reader.expectTag(SEQUENCE);
    int sequenceLength = reader.readLength();
    if (sequenceLength != reader.remaining()) {
      throw new IllegalArgumentException("DER sequence length mismatch");
    }
    BigInteger r = reader.readInteger();
    BigInteger s = reader.readInteger();
    if (reader.remaining() != 0) {
      throw new IllegalArgumentException("trailing bytes after DER signature");
    }
    byte[] p1363 = Arrays.copyOf(P256.toFixedWidth(r), P1363_LENGTH);
    System.arraycopy(P256.toFixedWidth(s), 0, p1363, P256.COORDINATE_BYTES, P256.COORDINATE_BYTES);
    return p1363;
  }

  /**
   * Rejects r or s outside [1, n-1] up front: such values can never be valid, and passing them on
   * would leave the outcome to each provider's edge-case handling.
   *
   * @throws IllegalArgumentException if the length is wrong or r or s is out of range
   */
  static byte[] p1363ToDer(byte[] p1363) {
    if (p1363.length != P1363_LENGTH) {
      throw new IllegalArgumentException("signature must be " + P1363_LENGTH + " bytes, was " + p1363.length);
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(p1363, 0, P256.COORDINATE_BYTES));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(p1363, P256.COORDINATE_BYTES, P1363_LENGTH));
    if (!inRange(r) || !inRange(s)) {
      throw new IllegalArgumentException("signature r or s out of range");
    }
    byte[] encodedR = r.toByteArray();
    byte[] encodedS = s.toByteArray();
    ByteArrayOutputStream der = new ByteArrayOutputStream(8 + encodedR.length + encodedS.length);
    der.write(SEQUENCE);
    der.write(4 + encodedR.length + encodedS.length);
    der.write(INTEGER);
    der.write(encodedR.length);
    der.writeBytes(encodedR);
    der.write(INTEGER);
    der.write(encodedS.length);
    der.writeBytes(encodedS);
    return der.toByteArray();
  }

  private static boolean inRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(P256.ORDER) < 0;
  }

  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - position;
    }

    void expectTag(int tag) {
      if (readByte() != tag) {
        throw new IllegalArgumentException("unexpected DER tag");
      }
    }

    int readLength() {
      int first = readByte();
      if (first < 0x80) {
        return first;
      }
      if (first == 0x81) {
        return readByte();
      }
      throw new IllegalArgumentException("unsupported DER length");
    }

    BigInteger readInteger() {
      expectTag(INTEGER);
      int length = readLength();
      if (length == 0 || length > remaining()) {
        throw new IllegalArgumentException("bad DER integer length");
      }
      BigInteger value = new BigInteger(Arrays.copyOfRange(bytes, position, position + length));
      position += length;
      if (value.signum() < 0) {
        throw new IllegalArgumentException("negative DER integer");
      }
      return value;
    }

    private int readByte() {
      if (position >= bytes.length) {
        throw new IllegalArgumentException("truncated DER signature");
      }
      return bytes[position++] & 0xFF;
    }
  }
}
