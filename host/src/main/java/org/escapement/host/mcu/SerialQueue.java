package org.escapement.host.mcu;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.protocol.Block;
import org.escapement.protocol.Crc16;

/**
 * The send side of an MCU link: packs queued commands into blocks, numbers them, keeps them
 * until the MCU acknowledges them and retransmits on a nak or a timeout.
 *
 * <ul>
 *   <li>A command may not go out before its {@code minClock} (the MCU must have room for it)
 *       and must arrive before its {@code reqClock}; a block goes out when it is full or when
 *       its most urgent command is due within {@value #MIN_REQTIME_DELTA} s.
 *   <li>At most {@value #MAX_PENDING_BLOCKS} blocks wait for an ack, and no more unacked bytes
 *       than the MCU's receive buffer holds ({@code RECEIVE_WINDOW}).
 *   <li>The retransmit timeout follows RFC 6298 (srtt/rttvar), clamped to 25 ms..5 s and doubled
 *       on every timeout; a duplicate ack (nak) retransmits at once.
 * </ul>
 *
 * Sequence numbers are 64-bit here and 4-bit on the wire. In live mode a writer thread runs
 * {@link #run}; {@link #received} is called from the reader thread. In batch mode everything
 * happens on the caller's thread and every block counts as acknowledged.
 */
final class SerialQueue {
  static final int MAX_PENDING_BLOCKS = 12;
  static final double MIN_RTO = 0.025;
  static final double MAX_RTO = 5.0;
  /** Slack on the worst-case round trip before a nak'd block counts as lost. */
  static final double NAK_MARGIN = 0.001;
  /** Timeouts back off to at most this many times the measured retransmit timeout. */
  static final double MAX_BACKOFF = 8.0;
  static final double MIN_REQTIME_DELTA = 0.100;
  static final double MIN_BACKGROUND_DELTA = 0.005;
  /** reqClock for commands that may wait: they go out about 105 ms after being queued. */
  static final long BACKGROUND = Long.MAX_VALUE;

  private static final double SEND_NOW = Double.NEGATIVE_INFINITY;
  private static final double NEVER = Double.POSITIVE_INFINITY;
  private static final int HISTORY = 100;

  /** Where framed bytes go. */
  interface Output {
    void write(byte[] buf, int off, int len) throws IOException;
  }

  /** What a received block means for the commands we sent. */
  record Received(long ackSeq, double sentTime, double receiveTime) {}

  /** A sent block, kept until acknowledged. */
  static final class SentBlock {
    final long seq;
    final byte[] bytes;
    final double sentTime;
    double arrivalTime;
    /** Lost in transit (or sent after a lost one): must go again. */
    boolean needsResend;

    SentBlock(long seq, byte[] bytes, double sentTime, double arrivalTime) {
      this.seq = seq;
      this.bytes = bytes;
      this.sentTime = sentTime;
      this.arrivalTime = arrivalTime;
    }

    long seq() {
      return seq;
    }

    byte[] bytes() {
      return bytes;
    }

    double sentTime() {
      return sentTime;
    }

    double arrivalTime() {
      return arrivalTime;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ReactorClock clock;
  private final Output output;
  private final boolean batch;
  private Consumer<IOException> onWriteError = e -> {};

  // Wire and clock model
  private double byteTime;
  private int receiveWindow;
  private double estFreq;
  private double convTime;
  private long convClock;
  private double idleTime;

  // Pending commands
  private final List<CommandQueue> active = new ArrayList<>();
  private int queueCount;
  /** Enqueue counter: among equally urgent commands, the oldest goes first. */
  private long enqueued;
  private int readyBytes;
  private int upcomingBytes;
  private long minStalledClock = Long.MAX_VALUE;

  // Sequence and retransmission
  private long sendSeq = 1;
  private long receiveSeq = 1;
  private boolean synced;
  private long ignoreNakSeq;
  private long lastAckSeq;
  private long retransmitSeq;
  private long rttSampleSeq;
  private final ArrayDeque<SentBlock> unacked = new ArrayDeque<>();
  private int needAckBytes;
  private int lastAckBytes;
  private double lastReceiveSentTime;
  private double lastReceiveTime;
  private double retransmitAt = NEVER;
  private boolean nakPending;
  /**
   * Blocks allowed in flight. Klipper always allows 12; on a lossy line most of those are
   * wasted (the MCU drops everything after a lost block), so this window halves on each loss
   * and grows by one per ack, back up to 12 on a clean line.
   */
  private int window = MAX_PENDING_BLOCKS;
  private double srtt;
  private double rttvar;
  // The timing margins, longer on a sped-up simulated printer (ReactorClock.latencyScale).
  private final double minRto, maxRto, minReqtimeDelta, minBackgroundDelta;
  private double rto;
  private boolean closed;

  // Stats
  private long bytesWrite;
  private long bytesRead;
  private long bytesRetransmit;
  private long bytesInvalid;
  private long timeouts;
  private long fastRetransmits;
  private long naksIgnored;
  private final ArrayDeque<SentBlock> sentHistory = new ArrayDeque<>();

  SerialQueue(ReactorClock clock, Output output, boolean batch) {
    this.clock = clock;
    this.output = output;
    this.batch = batch;
    double latency = clock.latencyScale();
    minRto = MIN_RTO * latency;
    maxRto = MAX_RTO * latency;
    minReqtimeDelta = MIN_REQTIME_DELTA * latency;
    minBackgroundDelta = MIN_BACKGROUND_DELTA * latency;
    rto = minRto;
  }

  void onWriteError(Consumer<IOException> handler) {
    this.onWriteError = handler;
  }

  CommandQueue newQueue() {
    lock.lock();
    try {
      return new CommandQueue(queueCount++);
    } finally {
      lock.unlock();
    }
  }

  /** Seconds per byte on the wire (10 / baud for a UART); 0 for USB and ptys. */
  void setWireFrequency(double baud) {
    lock.lock();
    try {
      byteTime = baud > 0 ? 10.0 / baud : 0;
    } finally {
      lock.unlock();
    }
  }

  void setReceiveWindow(int bytes) {
    lock.lock();
    try {
      receiveWindow = bytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The MCU clock model used to decide when commands are due: the MCU clock was {@code
   * convClock} at host time {@code convTime} and runs at {@code freq}. Callers pass a
   * conservative estimate (the MCU assumed slightly behind).
   */
  void setClockEstimate(double freq, double convTime, long convClock) {
    if (batch) {
      return;
    }
    lock.lock();
    try {
      this.estFreq = freq;
      this.convTime = convTime;
      this.convClock = convClock;
      wake.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Sequence number of the next block the MCU expects: every block below it was processed. */
  long receiveSeq() {
    lock.lock();
    try {
      return receiveSeq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues one encoded command.
   *
   * @throws IllegalArgumentException if it cannot fit in a block
   */
  void send(CommandQueue q, byte[] msg, long minClock, long reqClock) {
    send(q, msg, minClock, reqClock, null);
  }

  /** As {@link #send}, and tells {@code onPacked} (under the queue's lock) the block's seq. */
  void send(CommandQueue q, byte[] msg, long minClock, long reqClock,
      java.util.function.LongConsumer onPacked) {
    if (msg.length == 0 || msg.length > Block.PAYLOAD_MAX) {
      throw new IllegalArgumentException("a command of " + msg.length + " bytes cannot be sent");
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      q.add(new CommandQueue.Pending(msg, minClock, reqClock, enqueued++, onPacked));
      upcomingBytes += msg.length;
      if (!q.active) {
        q.active = true;
        active.add(q);
      }
      if (minClock < minStalledClock) {
        minStalledClock = minClock;
      }
      if (batch) {
        sendReady(clock.now(), false);
      } else {
        wake.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Batch mode: packs and writes everything still queued. */
  void flush() {
    lock.lock();
    try {
      sendReady(clock.now(), true);
    } finally {
      lock.unlock();
    }
  }

  private long clockAt(double time) {
    return convClock + (long) ((time - convTime) * estFreq);
  }

  /** Moves commands whose minClock has come into the ready part of their queue. */
  private void promote(long ackClock) {
    if (ackClock < minStalledClock) {
      return;
    }
    long stalled = Long.MAX_VALUE;
    for (CommandQueue q : active) {
      while (q.readyCount < q.size()) {
        CommandQueue.Pending p = q.get(q.readyCount);
        if (p.minClock() > ackClock) {
          stalled = Math.min(stalled, p.minClock());
          break;
        }
        q.readyCount++;
        readyBytes += p.msg().length;
        upcomingBytes -= p.msg().length;
      }
    }
    minStalledClock = stalled;
  }

  private long effectiveReqClock(CommandQueue.Pending p, double bgTime) {
    long req = p.reqClock();
    if (req == BACKGROUND) {
      req = clockAt(bgTime + minReqtimeDelta + minBackgroundDelta);
    }
    return req;
  }

  /**
   * Whether a block should go out now ({@link #SEND_NOW}), else when to look again.
   *
   * @param pendingBytes bytes already built in this round but not yet written
   */
  private double checkSend(double now, int pendingBytes) {
    if (batch) {
      // Batch output: everything is due at once; fill blocks, flush() sends the rest.
      promote(Long.MAX_VALUE);
      return readyBytes >= Block.PAYLOAD_MAX ? SEND_NOW : NEVER;
    }
    double idle = Math.max(now, idleTime) + byteTime * (pendingBytes + Block.MIN_SIZE);
    long ackClock = clockAt(idle);
    promote(ackClock);
    if (sendSeq - receiveSeq >= MAX_PENDING_BLOCKS || blocksInFlight() >= window
        || firstNeedingResend() != null) {
      return NEVER; // an ack (or the retransmit timer) wakes us
    }
    if (receiveWindow > 0 && sendSeq > receiveSeq) {
      int need = needAckBytes + Block.MAX_SIZE;
      if (lastAckSeq < receiveSeq) {
        need += lastAckBytes; // its ack may not have left the MCU's buffer yet
      }
      if (need > receiveWindow) {
        return NEVER;
      }
    }
    if (readyBytes >= Block.PAYLOAD_MAX) {
      return SEND_NOW;
    }
    if (estFreq == 0) {
      return readyBytes > 0 ? SEND_NOW : NEVER; // clock unknown while identifying
    }
    long minReady = Long.MAX_VALUE;
    double bgTime = pendingBytes > 0 ? idle : idleTime;
    for (CommandQueue q : active) {
      if (q.readyCount > 0) {
        minReady = Math.min(minReady, effectiveReqClock(q.get(0), bgTime));
      }
    }
    long delta = (long) (minReqtimeDelta * estFreq);
    if (minReady != Long.MAX_VALUE && minReady <= ackClock + delta) {
      return SEND_NOW;
    }
    long want = minReady == Long.MAX_VALUE ? Long.MAX_VALUE : minReady - delta;
    want = Math.min(want, minStalledClock);
    if (want == Long.MAX_VALUE) {
      return NEVER;
    }
    return idle + (want - ackClock) / estFreq;
  }

  /** Packs the most urgent ready commands into one block and records it as sent. */
  private int buildBlock(byte[] out, int off, double now, int pendingBytes) {
    int len = Block.HEADER_SIZE;
    while (readyBytes > 0) {
      CommandQueue best = null;
      CommandQueue.Pending bestHead = null;
      for (CommandQueue q : active) {
        if (q.readyCount > 0) {
          CommandQueue.Pending head = q.get(0);
          // Most urgent first (BACKGROUND sorts last); ties oldest first, so that no queue
          // starves another (a periodic get_clock behind a flood, say).
          if (bestHead == null || head.reqClock() < bestHead.reqClock()
              || (head.reqClock() == bestHead.reqClock() && head.order() < bestHead.order())) {
            best = q;
            bestHead = head;
          }
        }
      }
      CommandQueue.Pending p = best.get(0);
      byte[] msg = p.msg();
      if (len + msg.length > Block.MAX_SIZE - Block.TRAILER_SIZE) {
        break;
      }
      best.poll();
      if (p.onPacked() != null) {
        p.onPacked().accept(sendSeq);
      }
      if (best.size() == 0) {
        best.active = false;
        active.remove(best);
      }
      System.arraycopy(msg, 0, out, off + len, msg.length);
      len += msg.length;
      readyBytes -= msg.length;
    }
    len += Block.TRAILER_SIZE;
    out[off] = (byte) len;
    out[off + 1] = (byte) (Block.SEQ_DEST | (sendSeq & Block.SEQ_MASK));
    int crc = Crc16.compute(out, off, len - Block.TRAILER_SIZE);
    out[off + len - 3] = (byte) (crc >>> 8);
    out[off + len - 2] = (byte) crc;
    out[off + len - 1] = Block.SYNC;

    double arrival = Math.max(now, idleTime) + byteTime * (pendingBytes + len);
    byte[] copy = new byte[len];
    System.arraycopy(out, off, copy, 0, len);
    SentBlock b = new SentBlock(sendSeq, copy, now, arrival);
    remember(b);
    if (!batch) {
      if (unacked.isEmpty()) {
        retransmitAt = arrival + rto;
      }
      if (rttSampleSeq == 0) {
        rttSampleSeq = sendSeq;
      }
      unacked.add(b);
      needAckBytes += len;
    }
    sendSeq++;
    if (batch) {
      receiveSeq = sendSeq;
    }
    return len;
  }

  /**
   * A repeated ack: the MCU still wants block {@code rseq}. The line is FIFO, so if no ack
   * for that block arrives within a worst-case round trip of its last transmission, that
   * transmission was lost, and a resend cannot make a duplicate: the retransmit timer is
   * brought forward to that moment (a few ms, instead of the 25 ms minimum timeout). Before any
   * round trip has been measured, Klipper's rule applies: retransmit at once, once per batch.
   */
  private void nakReceived(long rseq, double now) {
    SentBlock first = unacked.peek();
    if (srtt != 0 && first.seq == rseq) {
      double proof = first.arrivalTime + srtt + 4 * rttvar + NAK_MARGIN;
      if (proof < retransmitAt) {
        nakPending = true;
        retransmitAt = proof;
        wake.signal();
      } else {
        naksIgnored++;
      }
    } else if (rseq > ignoreNakSeq) {
      nakPending = true;
      retransmitAt = SEND_NOW;
      wake.signal();
    } else {
      naksIgnored++;
    }
  }

  /** RFC 6298's timeout from the measured round trip, before any backoff. */
  private double baseRto() {
    return srtt == 0 ? minRto : Math.clamp(srtt + Math.max(4 * rttvar, 0.001), minRto, maxRto);
  }

  private void remember(SentBlock b) {
    sentHistory.add(b);
    if (sentHistory.size() > HISTORY) {
      sentHistory.poll();
    }
  }

  /** Batch mode's block buffer, reused (under the lock) for every block written. */
  private final byte[] batchBlock = new byte[Block.MAX_SIZE];

  /**
   * Batch mode: write out what is due (everything, with {@code all}); the caller holds the
   * lock.
   */
  private void sendReady(double now, boolean all) {
    byte[] buf = batchBlock;
    while (true) {
      double w = checkSend(now, 0);
      if (w != SEND_NOW && !(all && readyBytes > 0)) {
        return;
      }
      int len = buildBlock(buf, 0, now, 0);
      bytesWrite += len;
      try {
        output.write(buf, 0, len);
      } catch (IOException e) {
        onWriteError.accept(e);
        return;
      }
    }
  }

  // ---- live mode: the writer thread ----

  /** The writer thread's loop; returns when {@link #close} is called or a write fails. */
  void run() {
    byte[] out = new byte[Block.MAX_SIZE * MAX_PENDING_BLOCKS + 1 + Block.MIN_SIZE];
    lock.lock();
    try {
      while (!closed) {
        double now = clock.now();
        int len;
        double next;
        if (retransmitAt <= now && !unacked.isEmpty()) {
          len = startRetransmit(out, now);
          next = retransmitAt;
        } else if (firstNeedingResend() != null && blocksInFlight() < window) {
          len = resend(out, now);
          next = retransmitAt;
        } else {
          len = 0;
          while (true) {
            next = checkSend(now, len);
            if (next != SEND_NOW) {
              break;
            }
            len += buildBlock(out, len, now, len);
            if (len + Block.MAX_SIZE > out.length) {
              next = now;
              break;
            }
          }
          if (len > 0) {
            bytesWrite += len;
            idleTime = Math.max(now, idleTime) + byteTime * len;
          }
          next = Math.min(next, retransmitAt);
        }
        if (len > 0) {
          lock.unlock();
          IOException failure = null;
          try {
            output.write(out, 0, len);
          } catch (IOException e) {
            failure = e;
          }
          lock.lock();
          if (failure != null) {
            closed = true;
            lock.unlock();
            onWriteError.accept(failure);
            return;
          }
          continue;
        }
        long nanos = next == NEVER ? Long.MAX_VALUE : clock.waitNanos(next);
        if (nanos > 0) {
          try {
            if (nanos == Long.MAX_VALUE) {
              wake.await();
            } else {
              wake.awaitNanos(nanos);
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    } finally {
      if (lock.isHeldByCurrentThread()) {
        lock.unlock();
      }
    }
  }

  private int blocksInFlight() {
    int n = 0;
    for (SentBlock b : unacked) {
      if (!b.needsResend) {
        n++;
      }
    }
    return n;
  }

  private SentBlock firstNeedingResend() {
    for (SentBlock b : unacked) {
      if (b.needsResend) {
        return b;
      }
    }
    return null;
  }

  /**
   * A loss (retransmit timeout, or a nak): every unacked block must go again, but only as many
   * as the shrunken window allows go now; acks release the rest ({@link #resend}).
   */
  private int startRetransmit(byte[] out, double now) {
    for (SentBlock b : unacked) {
      b.needsResend = true;
    }
    window = Math.max(1, window / 2);
    if (nakPending) {
      fastRetransmits++;
      // One loss draws a nak from every block behind it; answer them once.
      ignoreNakSeq = receiveSeq < retransmitSeq ? retransmitSeq : receiveSeq;
    } else {
      timeouts++;
      // Back off in case the round trip is longer than measured, but only if the MCU has gone
      // quiet: one that answers is not slow, its blocks were damaged. And only so far: a
      // serial line has no congestion to relieve, and on a noisy one long waits only stall it.
      if (now - lastReceiveTime > rto) {
        rto = Math.min(rto * 2, Math.min(maxRto, MAX_BACKOFF * baseRto()));
      }
      ignoreNakSeq = sendSeq;
    }
    nakPending = false;
    retransmitSeq = sendSeq;
    rttSampleSeq = 0; // Karn: no RTT samples from retransmitted blocks
    return resend(out, now);
  }

  /** Sends blocks marked for resending while the window has room, after a 0x7E. */
  private int resend(byte[] out, double now) {
    int len = 0;
    out[len++] = Block.SYNC; // ends any half block the MCU holds, so it resyncs at once
    int first = 0;
    int inFlight = blocksInFlight();
    for (SentBlock b : unacked) {
      if (!b.needsResend) {
        continue;
      }
      if (inFlight >= window) {
        break;
      }
      System.arraycopy(b.bytes(), 0, out, len, b.bytes().length);
      len += b.bytes().length;
      b.needsResend = false;
      b.arrivalTime = Math.max(now, idleTime) + byteTime * len;
      inFlight++;
      if (first == 0) {
        first = b.bytes().length + 1;
      }
    }
    if (first != 0) {
      len = appendProbe(out, len, unacked.peek().seq - 1);
    }
    bytesRetransmit += len;
    idleTime = Math.max(now, idleTime) + byteTime * len;
    retransmitAt = now + rto + byteTime * first;
    return len;
  }

  /**
   * An empty block with a sequence number the MCU has already passed. It never runs (its
   * number is wrong) but the MCU always answers it with an ack/nak carrying the number it
   * expects, so a resend that was damaged on the way shows within a round trip instead of
   * after a timeout (the MCU stays silent after the first nak for garbage).
   */
  private static int appendProbe(byte[] out, int off, long seq) {
    out[off] = Block.MIN_SIZE;
    out[off + 1] = (byte) (Block.SEQ_DEST | (seq & Block.SEQ_MASK));
    int crc = Crc16.compute(out, off, 2);
    out[off + 2] = (byte) (crc >>> 8);
    out[off + 3] = (byte) crc;
    out[off + 4] = Block.SYNC;
    return off + Block.MIN_SIZE;
  }

  /**
   * A valid block arrived (reader thread).
   *
   * @param seqByte the block's seq byte: the next sequence number the MCU expects
   * @return how the block relates to what we sent, or null if it must be ignored
   */
  Received received(int seqByte, int length, double now) {
    lock.lock();
    try {
      long rseq = receiveSeq + ((seqByte - receiveSeq) & Block.SEQ_MASK);
      if (rseq != receiveSeq) {
        if (rseq > sendSeq && synced) {
          bytesInvalid += length; // an ack for a block never sent
          return null;
        }
        ackUpTo(rseq, now);
      }
      synced = true;
      bytesRead += length;
      lastReceiveTime = now;
      if (length == Block.MIN_SIZE) {
        if (lastAckSeq < rseq) {
          lastAckSeq = rseq;
        } else if (!unacked.isEmpty()) {
          nakReceived(rseq, now);
        }
        return new Received(rseq, 0, now);
      }
      double sentTime = rseq > retransmitSeq ? lastReceiveSentTime : 0;
      return new Received(rseq, sentTime, now - byteTime * length);
    } finally {
      lock.unlock();
    }
  }

  private void ackUpTo(long rseq, double now) {
    long seq = receiveSeq;
    while (true) {
      SentBlock b = unacked.poll();
      if (b == null) {
        // An ack for nothing we sent: the MCU's numbering at connect. Adopt it.
        sendSeq = rseq;
        lastReceiveSentTime = 0;
        break;
      }
      needAckBytes -= b.bytes().length;
      seq++;
      if (seq == rseq) {
        lastReceiveSentTime = b.arrivalTime();
        lastAckBytes = b.bytes().length;
        break;
      }
    }
    receiveSeq = rseq;
    window = Math.min(MAX_PENDING_BLOCKS, window + 1);
    if (rttSampleSeq != 0 && rseq > rttSampleSeq && lastReceiveSentTime != 0) {
      double rtt = now - lastReceiveSentTime;
      if (srtt == 0) {
        rttvar = rtt / 2;
        srtt = rtt * 10; // start high; it settles within a few samples
      } else {
        rttvar = (3 * rttvar + Math.abs(srtt - rtt)) / 4;
        srtt = (7 * srtt + rtt) / 8;
      }
      rttSampleSeq = 0;
    }
    if (srtt != 0) {
      // New data was acknowledged: the line works again, so drop any timeout backoff (RFC 6298
      // keeps it until a fresh RTT sample, which a lossy line may not give for a long time).
      rto = baseRto();
    }
    retransmitAt = unacked.isEmpty() ? NEVER
        : now + rto + byteTime * unacked.peek().bytes().length;
    wake.signal();
  }

  void countInvalid(long bytes) {
    lock.lock();
    try {
      bytesInvalid += bytes;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the writer thread; queued commands are dropped. */
  void close() {
    lock.lock();
    try {
      closed = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits (up to {@code timeoutSec}) until nothing is queued or unacknowledged. */
  boolean awaitIdle(double timeoutSec) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (timeoutSec * 1e9);
    lock.lock();
    try {
      while (!closed && (readyBytes + upcomingBytes > 0 || !unacked.isEmpty())) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wake.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Klipper's stats fields for the log. */
  String stats() {
    lock.lock();
    try {
      return String.format(java.util.Locale.ROOT,
          "bytes_write=%d bytes_read=%d bytes_retransmit=%d bytes_invalid=%d"
              + " send_seq=%d receive_seq=%d retransmit_seq=%d"
              + " srtt=%.3f rttvar=%.3f rto=%.3f ready_bytes=%d upcoming_bytes=%d",
          bytesWrite, bytesRead, bytesRetransmit, bytesInvalid, sendSeq, receiveSeq,
          retransmitSeq, srtt, rttvar, rto, readyBytes, upcomingBytes);
    } finally {
      lock.unlock();
    }
  }

  /** Counters for tests and benchmarks. */
  record Counters(long bytesWrite, long bytesRead, long bytesRetransmit, long bytesInvalid,
      long sendSeq, long receiveSeq, double rto, long timeouts, long fastRetransmits,
      long naksIgnored) {}

  Counters counters() {
    lock.lock();
    try {
      return new Counters(bytesWrite, bytesRead, bytesRetransmit, bytesInvalid, sendSeq,
          receiveSeq, rto, timeouts, fastRetransmits, naksIgnored);
    } finally {
      lock.unlock();
    }
  }

  /** Blocks still waiting for an ack (tests). */
  List<SentBlock> unackedBlocks() {
    lock.lock();
    try {
      return new ArrayList<>(unacked);
    } finally {
      lock.unlock();
    }
  }

  /** The last blocks sent (for shutdown dumps). */
  List<SentBlock> sentHistory() {
    lock.lock();
    try {
      return new ArrayList<>(sentHistory);
    } finally {
      lock.unlock();
    }
  }
}
