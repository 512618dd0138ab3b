package org.escapement.protocol;

import java.util.Arrays;

/** A growable byte buffer for building message payloads. */
public final class PayloadWriter {
  private byte[] buf;
  private int size;

  public PayloadWriter() {
    this(Block.PAYLOAD_MAX);
  }

  public PayloadWriter(int capacity) {
    buf = new byte[Math.max(capacity, 8)];
  }

  private void reserve(int extra) {
    if (size + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }
  }

  public PayloadWriter writeVlq(int value) {
    reserve(Vlq.MAX_BYTES);
    size = Vlq.write(value, buf, size);
    return this;
  }

  public PayloadWriter writeByte(int b) {
    reserve(1);
    buf[size++] = (byte) b;
    return this;
  }

  public PayloadWriter writeBytes(byte[] bytes) {
    reserve(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
    return this;
  }

  public int size() {
    return size;
  }

  public void reset() {
    size = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
