package org.escapement.host.sim;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.escapement.host.io.Pty;

/**
 * Sits between a host and an MCU and damages the traffic the way a noisy cable does: flips a
 * bit in a given fraction of bytes, drops a given fraction of blocks (a block here is what lies
 * between two 0x7E bytes), and delays forwarding by random jitter, in both directions. Seeded,
 * so a failing run can be repeated.
 */
public final class FaultRelay implements AutoCloseable {
  /** One side of the relay. */
  public interface Endpoint {
    /** Bytes read, 0 if none arrived for a while, -1 once closed. */
    int read(byte[] buf) throws IOException;

    void write(byte[] buf, int off, int len) throws IOException;
  }

  /** A pty's master side as an endpoint (the host opens the pty's slave). */
  public static Endpoint endpoint(Pty pty) {
    return new Endpoint() {
      @Override
      public int read(byte[] buf) throws IOException {
        return pty.read(buf, 100);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        pty.write(buf, off, len);
      }
    };
  }

  /** An MCU connection as an endpoint. */
  public static Endpoint endpoint(org.escapement.host.mcu.transport.Transport t) {
    return new Endpoint() {
      @Override
      public int read(byte[] buf) throws IOException {
        return t.read(buf);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        t.write(buf, off, len);
      }
    };
  }

  /**
   * @param corruptFraction of bytes that get one bit flipped
   * @param dropFraction of blocks that vanish
   * @param maxJitterSec longest extra delay added before forwarding a chunk
   */
  public record Faults(double corruptFraction, double dropFraction, double maxJitterSec) {
    public static final Faults NONE = new Faults(0, 0, 0);
  }

  /** What the relay did, per direction. */
  public static final class Counters {
    public final AtomicLong bytes = new AtomicLong();
    public final AtomicLong corruptedBytes = new AtomicLong();
    public final AtomicLong droppedBlocks = new AtomicLong();
    public final AtomicLong blocks = new AtomicLong();

    @Override
    public String toString() {
      return bytes + " bytes, " + blocks + " blocks, " + corruptedBytes + " bytes corrupted, "
          + droppedBlocks + " blocks dropped";
    }
  }

  public final Counters toMcu = new Counters();
  public final Counters toHost = new Counters();
  private final Thread[] threads = new Thread[2];
  private volatile boolean closed;

  public FaultRelay(Endpoint host, Endpoint mcu, Faults faults, long seed) {
    threads[0] = Thread.ofPlatform().daemon().name("relay host->mcu").start(
        () -> pump(host, mcu, faults, new SplittableRandom(seed), toMcu));
    threads[1] = Thread.ofPlatform().daemon().name("relay mcu->host").start(
        () -> pump(mcu, host, faults, new SplittableRandom(seed * 31 + 7), toHost));
  }

  private void pump(Endpoint from, Endpoint to, Faults f, SplittableRandom rnd, Counters c) {
    byte[] buf = new byte[4096];
    byte[] block = new byte[8192];
    int held = 0;
    try {
      while (!closed) {
        int n = from.read(buf);
        if (n < 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (f.corruptFraction() > 0 && rnd.nextDouble() < f.corruptFraction()) {
            b ^= (byte) (1 << rnd.nextInt(8)); // one flipped bit: line noise
            c.corruptedBytes.incrementAndGet();
          }
          block[held++] = b;
          if (buf[i] == 0x7E || held == block.length) {
            c.blocks.incrementAndGet();
            forward(to, block, held, f, rnd, c);
            held = 0;
          }
        }
        c.bytes.addAndGet(n);
        if (n == 0 && held > 0) {
          forward(to, block, held, f, rnd, c); // a pause: pass on what is there
          held = 0;
        }
      }
    } catch (IOException e) {
      // one side went away: the relay stops
    }
  }

  private void forward(Endpoint to, byte[] block, int len, Faults f, SplittableRandom rnd,
      Counters c) throws IOException {
    if (f.dropFraction() > 0 && rnd.nextDouble() < f.dropFraction()) {
      c.droppedBlocks.incrementAndGet();
      return;
    }
    if (f.maxJitterSec() > 0) {
      long nanos = (long) (rnd.nextDouble() * f.maxJitterSec() * 1e9);
      java.util.concurrent.locks.LockSupport.parkNanos(nanos);
    }
    to.write(block, 0, len);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
