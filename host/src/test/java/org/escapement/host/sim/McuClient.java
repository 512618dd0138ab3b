package org.escapement.host.sim;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Predicate;
import org.escapement.protocol.Block;
import org.escapement.protocol.BlockDecoder;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.escapement.protocol.PayloadWriter;
import org.escapement.protocol.ProtocolException;

/**
 * A small MCU client for the firmware's end-to-end tests, independent of the host's own MCU
 * link: it opens the pty as a file, sends commands (text form) in framed blocks with
 * sequence numbers, waits for each block's acknowledgement, and decodes what comes back
 * with the dictionary it fetched through identify.
 *
 * <p>One block is in flight at a time; that is slow but leaves nothing to chance.
 */
final class McuClient implements AutoCloseable {
  private static final Duration RESEND_AFTER = Duration.ofSeconds(1);
  /** MCU_CLIENT_DEBUG=1 in the environment prints every block sent and received. */
  private static final boolean DEBUG = System.getenv("MCU_CLIENT_DEBUG") != null;

  private final InputStream in;
  private final OutputStream out;
  private final Object lock = new Object();
  private final LinkedList<Message> pending = new LinkedList<>();
  private final List<Message> history = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<Block> early = new ArrayList<>();
  private Dictionary dictionary = Dictionary.parseJson(
      "{\"commands\": {}, \"responses\": {}}".getBytes(StandardCharsets.UTF_8));
  /** Null until identify is done. */
  private byte[] compressedDictionary;
  /** The sequence number of the next block we send. */
  private int sendSeq;
  /** The sequence number the MCU last said it expects (acks, naks and responses carry it). */
  private int mcuSeq = -1;
  private int emptyBlocks;
  private boolean closed;

  private McuClient(Path pty) throws IOException {
    in = new FileInputStream(pty.toFile());
    out = new FileOutputStream(pty.toFile());
    Thread.ofPlatform().daemon().name("mcu-client reader").start(this::readLoop);
  }

  static McuClient open(Path pty) throws IOException {
    return new McuClient(pty);
  }

  private void readLoop() {
    BlockDecoder decoder = new BlockDecoder(new BlockDecoder.Listener() {
      @Override
      public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
        received(block);
      }

      @Override
      public void onFault(BlockDecoder.Fault fault) {
        synchronized (lock) {
          errors.add(fault.message());
        }
      }
    });
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        decoder.feed(buf, 0, n);
      }
    } catch (IOException e) {
      // the MCU went away (the pty reads EIO once its process ends)
    }
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  private void received(Block block) {
    if (DEBUG) {
      System.err.println("mcu-client <- " + block);
    }
    synchronized (lock) {
      mcuSeq = block.sequence();
      if (block.payload().length == 0) {
        emptyBlocks++;
      } else {
        try {
          for (Message m : dictionary.decodePayload(block.payload())) {
            pending.add(m);
            history.add(m);
          }
        } catch (ProtocolException e) {
          if (compressedDictionary == null) {
            early.add(block);   // sent before we knew the dictionary (e.g. "starting")
          } else {
            errors.add("undecodable block " + block + ": " + e.getMessage());
          }
        }
      }
      lock.notifyAll();
    }
  }

  /** Fetches the dictionary with identify and decodes everything after with it. */
  Dictionary identify() throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (;;) {
      int offset = data.size();
      send("identify offset=" + offset + " count=40");
      Message r = await(m -> m.name().equals("identify_response")
          && m.getLong("offset") == offset, Duration.ofSeconds(10));
      byte[] chunk = r.getBytes("data");
      if (chunk.length == 0) {
        break;
      }
      data.writeBytes(chunk);
    }
    Dictionary d = Dictionary.inflate(data.toByteArray());
    synchronized (lock) {
      dictionary = d;
      compressedDictionary = data.toByteArray();
      List<Message> decoded = new ArrayList<>();
      for (Block b : early) {
        try {
          decoded.addAll(d.decodePayload(b.payload()));
        } catch (ProtocolException e) {
          errors.add("undecodable block " + b + ": " + e.getMessage());
        }
      }
      early.clear();
      pending.addAll(0, decoded);
      history.addAll(0, decoded);
    }
    return d;
  }

  /** The dictionary as the MCU served it (zlib data). */
  byte[] compressedDictionary() {
    return compressedDictionary.clone();
  }

  /**
   * Sends commands (text form, e.g. {@code queue_step oid=0 interval=100 count=3 add=0}),
   * as many to a block as fit, and returns once the MCU has acknowledged every block.
   */
  void send(String... commands) throws IOException {
    PayloadWriter payload = new PayloadWriter();
    for (String c : commands) {
      byte[] encoded;
      synchronized (lock) {
        encoded = dictionary.parseText(c).encode();
      }
      if (payload.size() + encoded.length > Block.PAYLOAD_MAX) {
        sendBlock(payload.toByteArray());
        payload = new PayloadWriter();
      }
      payload.writeBytes(encoded);
    }
    if (payload.size() > 0) {
      sendBlock(payload.toByteArray());
    }
  }

  /**
   * Sends a payload in one block and waits for the acknowledgement (an empty block or a
   * response carrying the next sequence number), resending after a nak for another sequence
   * number (the first exchange learns the MCU's that way) or after a second of silence.
   */
  void sendBlock(byte[] payload) throws IOException {
    for (int attempt = 0; attempt < 10; attempt++) {
      int seq;
      synchronized (lock) {
        seq = sendSeq;
      }
      if (DEBUG) {
        System.err.println("mcu-client -> " + new Block(seq, payload));
      }
      writeRaw(Block.frame(seq, payload));
      long deadline = System.nanoTime() + RESEND_AFTER.toNanos();
      synchronized (lock) {
        int seenEmpty = emptyBlocks;
        for (;;) {
          if (mcuSeq == ((seq + 1) & Block.SEQ_MASK)) {
            sendSeq = mcuSeq;
            return;
          }
          if (emptyBlocks != seenEmpty && mcuSeq != seq) {
            // A nak asking for another sequence number (the first exchange learns it so).
            // A nak asking for this one looks like the late ack of the previous block: the
            // resend after a second of silence covers that case.
            sendSeq = mcuSeq;
            break;
          }
          if (closed) {
            throw new IOException("the MCU closed its serial port");
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          waitNanos(left);
        }
      }
    }
    throw new IOException("the MCU does not acknowledge (errors: " + errors() + ")");
  }

  /** Writes bytes as they are (garbage, hand-made blocks). */
  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends a command and waits for the response named {@code response}. */
  Message query(String command, String response) throws IOException {
    send(command);
    return await(response, Duration.ofSeconds(10));
  }

  /** The oldest response named {@code name} not yet taken, waiting for it if need be. */
  Message await(String name, Duration timeout) throws IOException {
    return await(m -> m.name().equals(name), timeout);
  }

  /** The oldest response matching {@code test} not yet taken, waiting for it if need be. */
  Message await(Predicate<Message> test, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      for (;;) {
        for (Iterator<Message> it = pending.iterator(); it.hasNext(); ) {
          Message m = it.next();
          if (test.test(m)) {
            it.remove();
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          throw new IOException("no such response within " + timeout + "; received: "
              + history.subList(Math.max(0, history.size() - 10), history.size()));
        }
        waitNanos(left);
      }
    }
  }

  /** Every response received so far, in order. */
  List<Message> history() {
    synchronized (lock) {
      return List.copyOf(history);
    }
  }

  /** Framing faults and undecodable blocks seen on the line. */
  List<String> errors() {
    synchronized (lock) {
      return List.copyOf(errors);
    }
  }

  /** The MCU's clock now (32 bits), from get_clock. */
  long clock() throws IOException {
    return query("get_clock", "clock").getLong("clock");
  }

  private void waitNanos(long nanos) {
    try {
      lock.wait(Math.max(1, nanos / 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } finally {
      in.close();
    }
  }
}
