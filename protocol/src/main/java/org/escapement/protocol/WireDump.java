package org.escapement.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Decodes a captured byte stream (a batch-mode {@code .serial} file, a logged session) into
 * one text line per message, the same lines Klipper's parsedump prints. Framing faults, unknown
 * message ids and truncated parameters are reported as problems with their byte offset; the
 * dump goes on with the next block.
 */
public final class WireDump {
  /** Where the dump goes. */
  public interface Output {
    void message(String line);

    void problem(String description);
  }

  /** Counts for a finished dump. */
  public record Summary(long bytes, long blocks, long messages, long invalidBytes,
      long problems) {}

  private WireDump() {}

  public static Summary dump(Dictionary dict, InputStream in, Output out) throws IOException {
    long[] counts = new long[2]; // messages, problems
    Output counting = new Output() {
      @Override
      public void message(String line) {
        counts[0]++;
        out.message(line);
      }

      @Override
      public void problem(String description) {
        counts[1]++;
        out.problem(description);
      }
    };
    BlockDecoder decoder = new BlockDecoder(new BlockDecoder.Listener() {
      @Override
      public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
        decodeBlock(dict, block, offset, Arrays.copyOfRange(framed, start, start + length),
            counting);
      }

      @Override
      public void onFault(BlockDecoder.Fault fault) {
        counting.problem(fault.message());
      }
    });
    byte[] chunk = new byte[8192];
    long total = 0;
    for (int n; (n = in.read(chunk)) > 0; ) {
      decoder.feed(chunk, 0, n);
      total += n;
    }
    decoder.finish();
    return new Summary(total, decoder.blocks(), counts[0], decoder.invalidBytes(), counts[1]);
  }

  private static void decodeBlock(Dictionary dict, Block block, long offset, byte[] framed,
      Output out) {
    byte[] payload = block.payload();
    PayloadReader in = new PayloadReader(payload, 0, payload.length, offset + Block.HEADER_SIZE);
    while (in.hasRemaining()) {
      try {
        out.message(dict.read(in).toString());
      } catch (UnknownMessageException e) {
        // Klipper prints the whole framed block for a message it cannot name.
        out.message("#unknown " + PyBytes.repr(framed));
        out.problem("byte " + e.offset() + ": unknown message id " + e.messageId()
            + " in the block at byte " + offset + "; rest of the block skipped");
        return;
      } catch (ProtocolException e) {
        out.problem("byte " + e.offset() + ": " + e.getMessage() + " (block at byte " + offset
            + "); rest of the block skipped");
        return;
      }
    }
  }
}
