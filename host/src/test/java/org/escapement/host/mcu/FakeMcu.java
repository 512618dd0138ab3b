package org.escapement.host.mcu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.Deflater;
import org.escapement.host.sim.FaultRelay;
import org.escapement.protocol.Block;
import org.escapement.protocol.BlockDecoder;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.escapement.protocol.MessageFormat;
import org.escapement.protocol.PayloadReader;
import org.escapement.protocol.PayloadWriter;
import org.escapement.protocol.ProtocolException;

/**
 * An MCU in Java for link tests: the MCU side of the protocol (one expected sequence number,
 * ack after each block, nak for a wrong sequence, one nak per run of garbage, leading 0x7E
 * ignored) and just enough commands to connect: identify serves the dictionary it was given,
 * get_uptime/get_clock read a clock running at CLOCK_FREQ, get_config and finalize_config keep
 * the config CRC. Every other command is recorded, in order, with the clock it ran at.
 */
final class FakeMcu implements AutoCloseable {
  /** A small firmware: the commands a connection needs, plus {@code record}. */
  static final String SMALL_DICTIONARY = """
      {"app": "fake", "version": "test", "build_versions": "none",
       "commands": {"identify offset=%u count=%c": 1, "get_uptime": 2, "get_clock": 3,
         "get_config": 4, "allocate_oids count=%c": 5, "finalize_config crc=%u": 6,
         "emergency_stop": 7, "debug_nop": 8, "record oid=%c value=%u": 9,
         "clear_shutdown": 10, "config_thing oid=%c": 11, "config_reset": 12},
       "responses": {"identify_response offset=%u data=%.*s": 0,
         "uptime high=%u clock=%u": 20, "clock clock=%u": 21,
         "config is_config=%c crc=%u is_shutdown=%c move_count=%hu": 22,
         "shutdown clock=%u static_string_id=%hu": 23, "is_shutdown static_string_id=%hu": 24,
         "stats count=%u sum=%u sumsq=%u": 25, "starting": 26},
       "enumerations": {"static_string_id": {"Command request": 1, "Timer too close": 2}},
       "config": {"CLOCK_FREQ": 1000000, "MCU": "fake", "STATS_SUMSQ_BASE": 256}}
      """;

  /** A command the fake ran. */
  record Executed(Message message, long clock) {}

  private volatile FaultRelay.Endpoint port;
  private final Dictionary dict;
  private final byte[] compressed;
  private final double freq;
  private final long startNanos = System.nanoTime();
  private Thread thread;
  private final List<Executed> executed = Collections.synchronizedList(new ArrayList<>());
  private BlockDecoder decoder;
  private int expectedSeq;
  private boolean nakSentForGarbage;
  private boolean configured;
  private long configCrc;
  private boolean shutdown;
  private volatile boolean closed;
  /** Tests switch these to model a hung or dying MCU. */
  volatile boolean answerClock = true;
  volatile boolean mute;
  /** Seconds each block takes to process, to make the host wait for its window. */
  volatile double processingDelay;
  /** Largest number of bytes that arrived ahead of processing. */
  volatile int maxBacklog;

  FakeMcu(FaultRelay.Endpoint port, byte[] dictionaryJson) {
    this.dict = Dictionary.parseJson(dictionaryJson);
    this.freq = dict.constantNumber("CLOCK_FREQ");
    this.compressed = deflate(dictionaryJson);
    attach(port);
  }

  /**
   * A new connection to the same MCU (it keeps its configuration and sequence number, as a real
   * board does while the host restarts).
   */
  synchronized void attach(FaultRelay.Endpoint newPort) {
    Thread old = thread;
    if (old != null) {
      try {
        old.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    this.port = newPort;
    this.decoder = new BlockDecoder(new BlockDecoder.Listener() {
      @Override
      public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
        handleBlock(block);
      }

      @Override
      public void onFault(BlockDecoder.Fault fault) {
        boolean strayLeadingSync = fault.discarded() == 1
            && fault.kind() == BlockDecoder.FaultKind.BAD_LENGTH;
        if (!strayLeadingSync && !nakSentForGarbage) {
          nakSentForGarbage = true;
          send(new byte[0]);
        }
      }
    });
    this.thread = Thread.ofPlatform().daemon().name("fake-mcu").start(() -> run(newPort));
  }

  FakeMcu(FaultRelay.Endpoint port) {
    this(port, SMALL_DICTIONARY.getBytes());
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(9);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  String debugState() {
    return "expectSeq=" + expectedSeq + " alive=" + (thread != null && thread.isAlive())
        + " nakSent=" + nakSentForGarbage + " pending=" + (decoder == null ? -1
        : decoder.pendingBytes()) + " blocks=" + decoder.blocks() + " invalid="
        + decoder.invalidBytes() + " pos=" + decoder.position();
  }

  long clock() {
    return (long) ((System.nanoTime() - startNanos) * 1e-9 * freq);
  }

  List<Executed> executed() {
    synchronized (executed) {
      return new ArrayList<>(executed);
    }
  }

  private void run(FaultRelay.Endpoint port) {
    byte[] buf = new byte[64];
    try {
      while (!closed) {
        int n = port.read(buf);
        if (n < 0) {
          return;
        }
        int waiting = n + (port instanceof MemoryPipe.End e ? e.queuedBytes() : 0);
        maxBacklog = Math.max(maxBacklog, waiting + decoder.pendingBytes());
        decoder.feed(buf, 0, n);
      }
    } catch (IOException e) {
      // the host went away
    }
  }

  private void handleBlock(Block block) {
    nakSentForGarbage = false;
    if (block.sequence() != expectedSeq) {
      send(new byte[0]); // nak: still waiting for expectedSeq
      return;
    }
    expectedSeq = (expectedSeq + 1) & Block.SEQ_MASK;
    if (processingDelay > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos((long) (processingDelay * 1e9));
    }
    PayloadReader in = new PayloadReader(block.payload());
    try {
      while (in.hasRemaining()) {
        execute(dict.read(in));
      }
    } catch (ProtocolException e) {
      throw new AssertionError("fake MCU got an undecodable command: " + e.getMessage(), e);
    }
    send(new byte[0]); // ack
  }

  private void execute(Message m) {
    long now = clock();
    switch (m.name()) {
      case "identify" -> {
        int off = (int) Math.min(m.getLong("offset"), compressed.length);
        int len = (int) Math.min(m.getLong("count"), compressed.length - off);
        respond("identify_response", m.getLong("offset"),
            java.util.Arrays.copyOfRange(compressed, off, off + len));
      }
      case "get_uptime" -> respond("uptime", now >>> 32, now & 0xFFFFFFFFL);
      case "get_clock" -> {
        if (answerClock) {
          respond("clock", now & 0xFFFFFFFFL);
        }
      }
      case "get_config" -> respond("config", configured ? 1L : 0L, configCrc,
          shutdown ? 1L : 0L, 77L);
      case "finalize_config" -> {
        configured = true;
        configCrc = m.getLong("crc");
      }
      case "emergency_stop" -> {
        if (!shutdown) {
          shutdown = true;
          respond("shutdown", now & 0xFFFFFFFFL, "Command request");
        }
      }
      default -> executed.add(new Executed(m, now));
    }
  }

  private void respond(String name, Object... values) {
    MessageFormat f = dict.response(name).orElseThrow();
    send(f.messageOf(values).encode());
  }

  private void send(byte[] payload) {
    if (mute) {
      return;
    }
    try {
      byte[] b = Block.frame(expectedSeq, payload);
      port.write(b, 0, b.length);
    } catch (IOException e) {
      // the host went away
    }
  }

  /** Sends an arbitrary response now (e.g. a shutdown), as the MCU would on its own. */
  void sendResponse(String name, Object... values) {
    respond(name, values);
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
