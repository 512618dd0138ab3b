package org.escapement.protocol;

/**
 * Splits a byte stream into {@link Block}s. Bytes may arrive in any chunking. A block that
 * fails a check (length outside 5..64, seq high nibble not 0x1, missing 0x7E at its end, bad
 * CRC) is discarded together with everything up to and including the next 0x7E, the
 * resynchronisation rule both Klipper's host and MCU use. Discarded bytes are counted.
 *
 * <p>Not thread-safe: one reader feeds it.
 */
public final class BlockDecoder {
  /** Receives decoded blocks and, optionally, faults. */
  public interface Listener {
    /**
     * @param offset stream offset of the block's first byte
     * @param framed the buffer holding the framed block at {@code [start, start+length)};
     *     only valid during the call
     */
    void onBlock(Block block, long offset, byte[] framed, int start, int length);

    /** Called once the decoder has resynchronised (or at {@link #finish()}). */
    default void onFault(Fault fault) {}
  }

  public enum FaultKind {
    BAD_LENGTH("block length byte outside 5..64"),
    BAD_SEQUENCE("seq byte without the 0x1_ marker"),
    MISSING_SYNC("block does not end in 0x7E"),
    BAD_CRC("CRC mismatch"),
    TRUNCATED("data ended inside a block");

    private final String description;

    FaultKind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  /**
   * A stretch of discarded bytes.
   *
   * @param offset stream offset of the first discarded byte
   * @param discarded how many bytes were dropped, including the 0x7E that ended the stretch
   * @param detail the specific values seen (e.g. the bad length), for error messages
   */
  public record Fault(FaultKind kind, long offset, long discarded, String detail) {
    public String message() {
      return "byte " + offset + ": " + kind.description() + " (" + detail + "); skipped "
          + discarded + (discarded == 1 ? " byte" : " bytes");
    }
  }

  private final Listener listener;
  private final byte[] buf = new byte[4096];
  private int start;
  private int end;
  /** Stream offset of buf[start]. */
  private long streamPos;

  private boolean needSync;
  private Fault pendingFault;
  private long invalidBytes;
  private long blocks;

  public BlockDecoder(Listener listener) {
    this.listener = listener;
  }

  public long invalidBytes() {
    return invalidBytes;
  }

  public long blocks() {
    return blocks;
  }

  /** Stream offset of the next byte not yet consumed. */
  public long position() {
    return streamPos;
  }

  /** Bytes held while waiting for the rest of a block. */
  public int pendingBytes() {
    return end - start;
  }

  public void feed(byte[] data) {
    feed(data, 0, data.length);
  }

  public void feed(byte[] data, int off, int len) {
    while (len > 0) {
      if (start > 0 && end + len > buf.length) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        start = 0;
      }
      int n = Math.min(len, buf.length - end);
      System.arraycopy(data, off, buf, end, n);
      end += n;
      off += n;
      len -= n;
      process();
    }
  }

  /**
   * End of stream. Bytes held for an unfinished block are a truncation fault; like any fault it
   * discards up to the next 0x7E, and whatever follows is still decoded (the "block" may have
   * been noise that only looked like a header).
   */
  public void finish() {
    while (end > start || needSync) {
      if (!needSync) {
        startFault(FaultKind.TRUNCATED, (end - start) + " of " + expectedLength()
            + " bytes present");
      }
      if (!resync()) {
        reportFault();
        needSync = false;
        return;
      }
      process();
    }
  }

  private String expectedLength() {
    int len = buf[start] & 0xFF;
    return len >= Block.MIN_SIZE && len <= Block.MAX_SIZE ? String.valueOf(len) : "?";
  }

  private void process() {
    while (true) {
      if (needSync && !resync()) {
        return;
      }
      int avail = end - start;
      if (avail < Block.MIN_SIZE) {
        return;
      }
      int len = buf[start] & 0xFF;
      if (len < Block.MIN_SIZE || len > Block.MAX_SIZE) {
        startFault(FaultKind.BAD_LENGTH, String.format("length byte 0x%02x", len));
        continue;
      }
      int seq = buf[start + 1] & 0xFF;
      if ((seq & ~Block.SEQ_MASK) != Block.SEQ_DEST) {
        startFault(FaultKind.BAD_SEQUENCE, String.format("seq byte 0x%02x", seq));
        continue;
      }
      if (avail < len) {
        return;
      }
      if (buf[start + len - 1] != Block.SYNC) {
        startFault(FaultKind.MISSING_SYNC, String.format(
            "byte 0x%02x where 0x7e should end a %d-byte block", buf[start + len - 1], len));
        continue;
      }
      int payloadLen = len - Block.MIN_SIZE;
      int want = Crc16.compute(buf, start, len - Block.TRAILER_SIZE);
      int got = ((buf[start + len - 3] & 0xFF) << 8) | (buf[start + len - 2] & 0xFF);
      if (want != got) {
        startFault(FaultKind.BAD_CRC, String.format("got 0x%04x, computed 0x%04x", got, want));
        continue;
      }
      byte[] payload = new byte[payloadLen];
      System.arraycopy(buf, start + Block.HEADER_SIZE, payload, 0, payloadLen);
      long offset = streamPos;
      int blockStart = start;
      start += len;
      streamPos += len;
      blocks++;
      listener.onBlock(new Block(seq & Block.SEQ_MASK, payload), offset, buf, blockStart, len);
    }
  }

  private void startFault(FaultKind kind, String detail) {
    pendingFault = new Fault(kind, streamPos, 0, detail);
    needSync = true;
  }

  /** Drops bytes up to and including the next 0x7E; false if the data ran out first. */
  private boolean resync() {
    for (int i = start; i < end; i++) {
      if (buf[i] == Block.SYNC) {
        discard(i + 1 - start);
        needSync = false;
        reportFault();
        return true;
      }
    }
    discard(end - start);
    return false;
  }

  private void discard(int n) {
    start += n;
    streamPos += n;
    invalidBytes += n;
    pendingFault = new Fault(pendingFault.kind(), pendingFault.offset(),
        pendingFault.discarded() + n, pendingFault.detail());
  }

  private void reportFault() {
    Fault f = pendingFault;
    pendingFault = null;
    listener.onFault(f);
  }
}
