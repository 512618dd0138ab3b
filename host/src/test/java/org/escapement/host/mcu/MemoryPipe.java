package org.escapement.host.mcu;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.escapement.host.mcu.transport.Transport;
import org.escapement.host.sim.FaultRelay;

/** Two connected in-memory byte streams: a cable for tests. */
final class MemoryPipe {
  private static final byte[] EOF = new byte[0];

  /** One end of the cable. */
  static final class End implements Transport, FaultRelay.Endpoint {
    private final LinkedBlockingQueue<byte[]> in = new LinkedBlockingQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger queued =
        new java.util.concurrent.atomic.AtomicInteger();
    private End peer;
    private byte[] partial;
    private int partialPos;
    private volatile boolean closed;
    private final String name;

    End(String name) {
      this.name = name;
    }

    @Override
    public int read(byte[] buf) throws IOException {
      if (partial == null) {
        byte[] next;
        try {
          next = in.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return -1;
        }
        if (next == null) {
          return closed ? -1 : 0;
        }
        if (next == EOF) {
          in.add(EOF);
          return -1;
        }
        partial = next;
        partialPos = 0;
        queued.addAndGet(-next.length);
      }
      int n = Math.min(buf.length, partial.length - partialPos);
      System.arraycopy(partial, partialPos, buf, 0, n);
      partialPos += n;
      if (partialPos == partial.length) {
        partial = null;
      }
      return n;
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      if (closed || peer.closed) {
        throw new IOException(name + ": the other end is closed");
      }
      peer.queued.addAndGet(len);
      peer.in.add(Arrays.copyOfRange(buf, off, off + len));
    }

    /** Bytes written to this end that its reader has not taken yet. */
    int queuedBytes() {
      return queued.get() + (partial == null ? 0 : partial.length - partialPos);
    }

    @Override
    public String describe() {
      return "memory pipe " + name;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        in.add(EOF);
        peer.in.add(EOF);
      }
    }
  }

  final End host = new End("host");
  final End mcu = new End("mcu");

  MemoryPipe() {
    host.peer = mcu;
    mcu.peer = host;
  }
}
