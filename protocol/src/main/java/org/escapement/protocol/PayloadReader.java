package org.escapement.protocol;

/**
 * Reads integers and buffers from a region of a byte array. Errors carry the offset of the
 * offending byte relative to {@code origin}, the stream position of {@code buf[0]}.
 */
public final class PayloadReader {
  private final byte[] buf;
  private final int limit;
  private final long origin;
  private int pos;

  public PayloadReader(byte[] buf) {
    this(buf, 0, buf.length, 0);
  }

  public PayloadReader(byte[] buf, int pos, int limit, long origin) {
    this.buf = buf;
    this.pos = pos;
    this.limit = limit;
    this.origin = origin;
  }

  public boolean hasRemaining() {
    return pos < limit;
  }

  public int position() {
    return pos;
  }

  /** Stream offset of the next byte. */
  public long offset() {
    return origin + pos;
  }

  public int readVlq() {
    long r;
    try {
      r = Vlq.read(buf, pos, limit);
    } catch (ProtocolException e) {
      throw new ProtocolException(e.getMessage(), origin + e.offset());
    }
    pos += Vlq.length(r);
    return Vlq.value(r);
  }

  /** A length byte followed by that many bytes, the encoding of every string type. */
  public byte[] readLengthPrefixed() {
    if (pos >= limit) {
      throw new ProtocolException("string length expected but the data ended", offset());
    }
    int len = buf[pos] & 0xFF;
    if (pos + 1 + len > limit) {
      throw new ProtocolException(
          "string of " + len + " bytes runs past the end of the data", offset());
    }
    byte[] out = new byte[len];
    System.arraycopy(buf, pos + 1, out, 0, len);
    pos += 1 + len;
    return out;
  }
}
