package org.escapement.protocol;

/**
 * The block checksum: CRC-16/MCRF4XX (CCITT polynomial 0x1021 reflected, init 0xFFFF, no
 * final xor; check value 0x6F91 for "123456789"). Sent high byte first.
 */
public final class Crc16 {
  public static final int INITIAL = 0xFFFF;

  private Crc16() {}

  public static int update(int crc, int b) {
    int d = (b ^ crc) & 0xFF;
    d = (d ^ (d << 4)) & 0xFF;
    return (((d << 8) | (crc >>> 8)) ^ (d >>> 4) ^ (d << 3)) & 0xFFFF;
  }

  public static int compute(byte[] buf, int off, int len) {
    int crc = INITIAL;
    for (int i = off; i < off + len; i++) {
      crc = update(crc, buf[i]);
    }
    return crc;
  }

  public static int compute(byte[] buf) {
    return compute(buf, 0, buf.length);
  }
}
