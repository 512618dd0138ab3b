package org.escapement.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One message block on the wire: {@code len seq payload crc_hi crc_lo 0x7E}. {@code len}
 * counts the whole block (5..64), {@code seq} is {@code 0x10 | (sequence & 0xF)}, the CRC
 * covers len, seq and payload.
 *
 * @param sequence the 4-bit sequence number (0..15)
 * @param payload the messages, 0..59 bytes
 */
public record Block(int sequence, byte[] payload) {
  public static final int HEADER_SIZE = 2;
  public static final int TRAILER_SIZE = 3;
  public static final int MIN_SIZE = HEADER_SIZE + TRAILER_SIZE;
  public static final int MAX_SIZE = 64;
  public static final int PAYLOAD_MAX = MAX_SIZE - MIN_SIZE;
  public static final int SEQ_MASK = 0x0F;
  /** The fixed high nibble of the seq byte; anything else is a framing error. */
  public static final int SEQ_DEST = 0x10;
  public static final byte SYNC = 0x7E;

  public Block {
    if (sequence < 0 || sequence > SEQ_MASK) {
      throw new IllegalArgumentException("sequence must be 0..15, got " + sequence);
    }
    if (payload.length > PAYLOAD_MAX) {
      throw new ProtocolException(
          "block payload of " + payload.length + " bytes exceeds the " + PAYLOAD_MAX + " allowed");
    }
  }

  /** Frames {@code payload[off..off+len)} with the given sequence number (low 4 bits used). */
  public static byte[] frame(long sequence, byte[] payload, int off, int len) {
    if (len > PAYLOAD_MAX) {
      throw new ProtocolException(
          "block payload of " + len + " bytes exceeds the " + PAYLOAD_MAX + " allowed");
    }
    byte[] out = new byte[len + MIN_SIZE];
    out[0] = (byte) out.length;
    out[1] = (byte) (SEQ_DEST | (sequence & SEQ_MASK));
    System.arraycopy(payload, off, out, HEADER_SIZE, len);
    int crc = Crc16.compute(out, 0, len + HEADER_SIZE);
    out[len + 2] = (byte) (crc >>> 8);
    out[len + 3] = (byte) crc;
    out[len + 4] = SYNC;
    return out;
  }

  public static byte[] frame(long sequence, byte[] payload) {
    return frame(sequence, payload, 0, payload.length);
  }

  /** The framed bytes of this block. */
  public byte[] toBytes() {
    return frame(sequence, payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Block b && b.sequence == sequence && Arrays.equals(b.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * sequence + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Block[seq=" + sequence + ", payload=" + HexFormat.of().formatHex(payload) + "]";
  }
}
