package org.escapement.protocol;

/**
 * Klipper's variable-length integer: signed, big-endian groups of 7 bits, bit 7 set on every
 * byte but the last. Values are 32-bit and taken modulo 2^32, so an unsigned 0xFFFFFFFF and a
 * signed -1 are the same single byte 0x7F. One byte covers -32..95, five bytes cover all.
 */
public final class Vlq {
  /** No 32-bit value needs more than this many bytes. */
  public static final int MAX_BYTES = 5;

  private Vlq() {}

  /** How many bytes {@link #write} emits for {@code value}. */
  public static int encodedLength(int value) {
    if (value >= 0xC000000 || value < -0x4000000) {
      return 5;
    }
    if (value >= 0x180000 || value < -0x80000) {
      return 4;
    }
    if (value >= 0x3000 || value < -0x1000) {
      return 3;
    }
    if (value >= 0x60 || value < -0x20) {
      return 2;
    }
    return 1;
  }

  /** Writes {@code value} at {@code pos}; returns the position after it. */
  public static int write(int value, byte[] out, int pos) {
    for (int shift = 7 * (encodedLength(value) - 1); shift > 0; shift -= 7) {
      out[pos++] = (byte) (((value >> shift) & 0x7F) | 0x80);
    }
    out[pos++] = (byte) (value & 0x7F);
    return pos;
  }

  public static byte[] encode(int value) {
    byte[] out = new byte[encodedLength(value)];
    write(value, out, 0);
    return out;
  }

  /**
   * Reads one integer from {@code buf[pos..limit)}. The result is the 32-bit value; callers
   * that want it unsigned mask it with {@code 0xFFFFFFFFL}.
   *
   * @return the value in the low 32 bits and the number of bytes read in the high 32 bits
   *     (see {@link #value} and {@link #length}), so no object is allocated per integer
   * @throws ProtocolException if the bytes run out or the integer is longer than 5 bytes
   */
  public static long read(byte[] buf, int pos, int limit) {
    int start = pos;
    if (pos >= limit) {
      throw new ProtocolException("integer expected but the data ended", pos);
    }
    int c = buf[pos++];
    int v = c & 0x7F;
    if ((c & 0x60) == 0x60) {
      v |= -0x20; // a leading group of 11xxxxx is negative: sign-extend
    }
    while ((c & 0x80) != 0) {
      if (pos - start >= MAX_BYTES) {
        throw new ProtocolException("integer is longer than " + MAX_BYTES + " bytes", start);
      }
      if (pos >= limit) {
        throw new ProtocolException("integer is cut off by the end of the data", start);
      }
      c = buf[pos++];
      v = (v << 7) | (c & 0x7F);
    }
    return ((long) (pos - start) << 32) | (v & 0xFFFFFFFFL);
  }

  /** The value part of a {@link #read} result. */
  public static int value(long readResult) {
    return (int) readResult;
  }

  /** The length part of a {@link #read} result. */
  public static int length(long readResult) {
    return (int) (readResult >>> 32);
  }

  public static int decode(byte[] buf) {
    long r = read(buf, 0, buf.length);
    if (length(r) != buf.length) {
      throw new ProtocolException("extra bytes after the integer", length(r));
    }
    return value(r);
  }
}
