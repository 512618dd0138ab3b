package org.escapement.host.motion.steps;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Turns one stepper's step times into queue_step / set_next_step_dir commands. Wanted step
 * times arrive in order (as MCU clocks); each may be sent up to the error bound early, never
 * late. A step followed within 750 µs by a step back is dropped with it (a stepper need not
 * twitch), unless the step was committed: the motion had gone far enough past it that it is
 * real. Sent sequences are kept for a while to answer "where was this stepper at clock c".
 */
public final class StepCompress {
  /** Steps this far apart get a queue_step of their own, timed by its req clock. */
  static final long CLOCK_DIFF_MAX = 3L << 28;
  /** A step and a step back closer than this cancel out. */
  static final double SDS_FILTER_TIME = 0.000750;

  /** What the history knows about a sent queue_step. */
  public record History(long firstClock, long lastClock, long startPosition, int stepCount,
      int interval, int add, int add2) {}

  /** Thrown when a sequence fails its own re-check: a bug, which shuts the printer down. */
  public static final class StepCompressException extends RuntimeException {
    StepCompressException(String message) {
      super(message);
    }
  }

  private final String name;
  private Compressor compressor;
  private boolean queueStep2;
  private long nextInterval; // queue_step2: what the MCU takes an interval_delta from
  private int maxError;
  private final ArrayDeque<StepMessage> out = new ArrayDeque<>();
  private final ArrayDeque<History> history = new ArrayDeque<>(); // newest first
  private long[] queue = new long[1024];
  private int queuePos;
  private int queueNext;
  private final PendingWindows windows = new PendingWindows();
  private double timeOffset;
  private double mcuFreq = 1;
  private double lastStepPrintTime;
  private long lastStepClock;
  private int sdir = -1;
  private boolean invertDir;
  private long nextStepClock;
  private int nextStepDir;
  private long lastPosition;

  public StepCompress(String name) {
    this.name = name;
  }

  /**
   * The error bound in MCU ticks and the compressor (once the MCU's clock rate is known);
   * with {@code queueStep2} the sequences go out as queue_step2, else as queue_step (and
   * must then have no add2).
   */
  public void setup(int maxErrorTicks, Compressor compressor, boolean queueStep2) {
    this.maxError = maxErrorTicks;
    this.compressor = compressor;
    this.queueStep2 = queueStep2;
  }

  public String name() {
    return name;
  }

  /** Commands produced so far, in order; the caller takes them. */
  public ArrayDeque<StepMessage> messages() {
    return out;
  }

  /** Print time to clock: clock = (printTime - offset) * freq. */
  public void setTime(double offset, double freq) {
    timeOffset = offset;
    mcuFreq = freq;
    updateLastStepPrintTime();
  }

  public void setInvertDir(boolean invert) {
    if (invert != invertDir) {
      invertDir = invert;
      if (sdir >= 0) {
        sdir ^= 1; // the pin's level for the queued direction flips
      }
    }
  }

  /** Direction of the last step seen (1 = positive). */
  public int stepDir() {
    return nextStepDir;
  }

  private void updateLastStepPrintTime() {
    lastStepPrintTime = timeOffset + (lastStepClock - 0.5) / mcuFreq;
  }

  // ---- adding steps ----

  /**
   * A step at {@code stepTime} seconds after {@code printTime}, in direction {@code dir}
   * (1 positive, 0 negative).
   */
  public void append(int dir, double printTime, double stepTime) {
    double rel = (stepTime + printTime - lastStepPrintTime) * mcuFreq;
    long stepClock = lastStepClock + (long) rel;
    if (nextStepClock != 0) {
      if (dir != nextStepDir && stepClock - nextStepClock < SDS_FILTER_TIME * mcuFreq) {
        // A step straight back: drop both instead of step, dir, step.
        nextStepClock = 0;
        nextStepDir = dir;
        return;
      }
      queuePending();
    }
    nextStepClock = stepClock;
    nextStepDir = dir;
  }

  /** The pending step is real (motion went past it): it can no longer be cancelled. */
  public void commit() {
    if (nextStepClock != 0) {
      queuePending();
    }
  }

  private void queuePending() {
    if (nextStepDir != sdir) {
      setNextStepDir(nextStepDir);
    }
    long clock = nextStepClock;
    nextStepClock = 0;
    if (clock >= lastStepClock + CLOCK_DIFF_MAX) {
      flushQueue(clock - CLOCK_DIFF_MAX + 1);
      if (clock >= lastStepClock + CLOCK_DIFF_MAX) {
        StepTimingHistogram histogram = StepTimingHistogram.active();
        if (histogram != null) {
          histogram.record(clock, clock, mcuFreq / 1e6);
        }
        sendSequence(clock, new StepSequence((int) (clock - lastStepClock), 1, 0), true);
        updateLastStepPrintTime();
        return;
      }
    }
    if (queueNext - queuePos > 65535 + 2000) {
      // Nothing longer than a count of 65535 can be sent at once: send what must go.
      flushQueue(lastStepClock + (queue[queueNext - 65535] - lastStepClock));
    }
    if (queueNext == queue.length) {
      int inUse = queueNext - queuePos;
      if (queuePos > 0 && inUse < queue.length / 2) {
        System.arraycopy(queue, queuePos, queue, 0, inUse);
      } else {
        queue = Arrays.copyOfRange(queue, queuePos, queuePos + Math.max(queue.length * 2, 1024));
      }
      queuePos = 0;
      queueNext = inUse;
    }
    queue[queueNext++] = clock;
  }

  private void setNextStepDir(int dir) {
    flushQueue(Long.MAX_VALUE);
    sdir = dir;
    out.add(new StepMessage(StepMessage.Kind.SET_DIR, 0, lastStepClock, dir ^ (invertDir ? 1 : 0),
        0, 0, 0));
  }

  // ---- compressing ----

  /** Sends the steps before {@code moveClock} (and the pending one if it is due). */
  public void flush(long moveClock) {
    if (nextStepClock != 0 && moveClock >= nextStepClock) {
      queuePending();
    }
    flushQueue(moveClock);
  }

  private void flushQueue(long moveClock) {
    if (queuePos >= queueNext) {
      return;
    }
    while (lastStepClock < moveClock) {
      int n = queueNext - queuePos;
      StepSequence seq = compressor.next(windows);
      check(seq);
      sendSequence(lastStepClock + seq.interval(), seq, false);
      if (seq.count() >= n) {
        queuePos = queueNext = 0;
        break;
      }
      queuePos += seq.count();
    }
    updateLastStepPrintTime();
  }

  /** The acceptable window of each pending step, in ticks after the last sent step. */
  private final class PendingWindows implements Compressor.Windows {
    @Override
    public int size() {
      return queueNext - queuePos;
    }

    @Override
    public int maxp(int i) {
      return (int) (queue[queuePos + i] - lastStepClock);
    }

    @Override
    public int minp(int i) {
      long point = queue[queuePos + i];
      long prev = i == 0 ? lastStepClock : queue[queuePos + i - 1];
      return (int) (point - lastStepClock - Math.min(maxError, (point - prev) / 2));
    }
  }

  /** Re-checks a sequence against the windows it claims to meet. */
  private void check(StepSequence s) {
    if (s.count() <= 0 || s.count() > windows.size() || s.count() > 65535
        || (s.interval() == 0 && s.add() == 0 && s.count() > 1) || s.interval() < 0
        || s.add() < Short.MIN_VALUE || s.add() > Short.MAX_VALUE
        || (s.add2() != 0 && !(queueStep2 && CubicCompressor.runnable(s)))) {
      throw new StepCompressException(String.format("stepcompress %s i=%d c=%d a=%d a2=%d:"
          + " Invalid sequence", name, s.interval(), s.count(), s.add(), s.add2()));
    }
    long interval = s.interval();
    long add = s.add();
    long p = 0;
    StepTimingHistogram histogram = StepTimingHistogram.active();
    for (int i = 0; i < s.count(); i++) {
      p += interval;
      if (histogram != null) {
        histogram.record(windows.maxp(i), p, mcuFreq / 1e6);
      }
      if (p < windows.minp(i) || p > windows.maxp(i)) {
        throw new StepCompressException(String.format("stepcompress %s i=%d c=%d a=%d: Point"
            + " %d: %d not in %d:%d", name, s.interval(), s.count(), s.add(), i + 1, p,
            windows.minp(i), windows.maxp(i)));
      }
      if (interval >= 0x80000000L || interval < 0) {
        throw new StepCompressException(String.format("stepcompress %s i=%d c=%d a=%d: Point"
            + " %d: interval overflow %d", name, s.interval(), s.count(), s.add(), i + 1,
            interval));
      }
      interval += add;
      add += s.add2();
    }
  }

  private void sendSequence(long firstClock, StepSequence s, boolean far) {
    long lastClock = firstClock + s.reach() - s.interval();
    long req = far ? firstClock : lastStepClock;
    long minClock = lastStepClock == 0 ? 1 : lastStepClock;
    if (queueStep2) {
      out.add(new StepMessage(StepMessage.Kind.QUEUE_STEP2, minClock, req,
          (int) (s.interval() - nextInterval), s.count(), s.add(), s.add2()));
      nextInterval = s.nextInterval();
    } else {
      out.add(new StepMessage(StepMessage.Kind.QUEUE_STEP, minClock, req, s.interval(),
          s.count(), s.add(), 0));
    }
    int steps = sdir == 1 ? s.count() : -s.count();
    history.addFirst(new History(firstClock, lastClock, lastPosition, steps, s.interval(),
        s.add(), s.add2()));
    lastPosition += steps;
    lastStepClock = lastClock;
  }

  // ---- resets and queries ----

  /** Forgets pending steps and starts timing from {@code clock} (after homing). */
  public void reset(long clock) {
    flush(Long.MAX_VALUE);
    lastStepClock = clock;
    sdir = -1;
    updateLastStepPrintTime();
  }

  /** Sends reset_step_clock, through the same ordering as steps. */
  public void queueResetClock(long reqClock, long clock) {
    out.add(new StepMessage(StepMessage.Kind.RESET_CLOCK, reqClock, reqClock, clock, 0, 0, 0));
    nextInterval = 0; // the MCU forgets it too
  }

  /** The MCU reported its position: continue counting from it. */
  public void setLastPosition(long clock, long position) {
    flush(Long.MAX_VALUE);
    lastPosition = position;
    history.addFirst(new History(clock, clock, position, 0, 0, 0, 0));
  }

  /** Position (in steps) at {@code clock}, from what was sent. */
  public long findPastPosition(long clock) {
    long last = lastPosition;
    for (History h : history) {
      if (clock < h.firstClock()) {
        last = h.startPosition();
        continue;
      }
      if (clock >= h.lastClock()) {
        return h.startPosition() + h.stepCount();
      }
      // Inside this sequence: count the steps up to clock.
      long interval = h.interval();
      long add = h.add();
      long ticks = clock - h.firstClock();
      int count = 1;
      long t = 0;
      while (count < Math.abs(h.stepCount())) {
        interval += add;
        add += h.add2();
        if (t + interval > ticks) {
          break;
        }
        t += interval;
        count++;
      }
      return h.startPosition() + (h.stepCount() < 0 ? -count : count);
    }
    return last;
  }

  /** Drops history that ended before {@code clock} (keeps the newest). */
  public void expireHistory(long clock) {
    while (history.size() > 1 && history.peekLast().lastClock() <= clock) {
      history.removeLast();
    }
  }

  /** Recent sequences overlapping [start, end], newest first. */
  public List<History> recentHistory(long startClock, long endClock, int max) {
    java.util.ArrayList<History> res = new java.util.ArrayList<>();
    for (Iterator<History> it = history.iterator(); it.hasNext() && res.size() < max; ) {
      History h = it.next();
      if (h.firstClock() > endClock || h.stepCount() == 0) {
        continue;
      }
      if (h.lastClock() < startClock) {
        break;
      }
      res.add(h);
    }
    return res;
  }

  public long lastStepClock() {
    return lastStepClock;
  }

  public long lastPosition() {
    return lastPosition;
  }

  public double mcuFreq() {
    return mcuFreq;
  }

  public double timeOffset() {
    return timeOffset;
  }
}
