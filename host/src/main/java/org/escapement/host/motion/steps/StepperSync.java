package org.escapement.host.motion.steps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.escapement.host.mcu.CommandQueue;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuCommand;

/**
 * The steppers of one MCU: merges their commands in the order the MCU needs them (by req
 * clock) and keeps count of the MCU's move queue, so no command is sent before the MCU has
 * freed a slot for it (a min-heap of the clocks at which the queued commands finish).
 */
public final class StepperSync {
  /** Our firmware's step command with an add2 term and relative intervals. */
  public static final String QUEUE_STEP2 =
      "queue_step2 oid=%c interval_delta=%i count=%hu add=%hi add2=%hi";
  /** One stepper's command source. */
  public static final class Emitter {
    final String name;
    final StepCompress sc;
    StepperKinematics sk;
    int oid;

    Emitter(String name, StepCompress sc) {
      this.name = name;
      this.sc = sc;
    }

    public StepCompress stepCompress() {
      return sc;
    }

    public void setKinematics(StepperKinematics sk) {
      this.sk = sk;
    }

    public StepperKinematics kinematics() {
      return sk;
    }

    public String name() {
      return name;
    }

    public void setOid(int oid) {
      this.oid = oid;
    }
  }

  private final Mcu mcu;
  private final List<Emitter> emitters = new ArrayList<>();
  private long[] moveClocks = new long[0];
  private CommandQueue queue;
  private McuCommand queueStep;
  private McuCommand setDir;
  private McuCommand resetClock;
  private McuCommand queueStep2;
  private double timeOffset;
  private double freq = 1;

  public StepperSync(Mcu mcu) {
    this.mcu = mcu;
  }

  public Mcu mcu() {
    return mcu;
  }

  public Emitter addEmitter(String name) {
    Emitter e = new Emitter(name, new StepCompress(name));
    emitters.add(e);
    return e;
  }

  public List<Emitter> emitters() {
    return emitters;
  }

  /** After the MCU is configured: its command formats and move queue size. */
  public void setupMoveQueue(int moveCount) {
    moveClocks = new long[Math.max(1, moveCount)];
    queue = mcu.newCommandQueue();
    queueStep = mcu.lookupCommand("queue_step oid=%c interval=%u count=%hu add=%hi", queue);
    if (mcu.tryLookupCommand(QUEUE_STEP2) != null) {
      queueStep2 = mcu.lookupCommand(QUEUE_STEP2, queue);
    }
    setDir = mcu.lookupCommand("set_next_step_dir oid=%c dir=%c", queue);
    resetClock = mcu.lookupCommand("reset_step_clock oid=%c clock=%u", queue);
  }

  /** Print time to MCU clock for every stepper of this MCU. */
  public void setTime(double offset, double mcuFreq) {
    timeOffset = offset;
    freq = mcuFreq;
    for (Emitter e : emitters) {
      e.sc.setTime(offset, mcuFreq);
    }
  }

  public long clockOf(double printTime) {
    return (long) ((printTime - timeOffset) * freq);
  }

  /**
   * Generates every stepper's steps up to {@code genStepsTime}, compresses those before
   * {@code flushTime} and sends them in req-clock order.
   */
  public void generateAll(double genStepsTime, double flushTime, double clearHistoryTime) {
    long flushClock = clockOf(flushTime);
    long clearClock = clockOf(clearHistoryTime);
    StepWorkers.forEach(emitters, e -> generate(e, genStepsTime, flushClock, clearClock));
    flush(flushClock);
  }

  /** Steps up to {@code genStepsTime}, compressed up to {@code flushTime}. */
  void generate(Emitter e, double genStepsTime, long flushClock, long clearHistoryClock) {
    if (e.sk == null) {
      return;
    }
    IterSolve.generateSteps(e.sk, e.sc, genStepsTime);
    e.sc.flush(flushClock);
    e.sc.expireHistory(clearHistoryClock);
  }

  /** Sends every command due before {@code moveClock}, all steppers merged by req clock. */
  void flush(long moveClock) {
    while (true) {
      Emitter best = null;
      long req = Long.MAX_VALUE;
      for (Emitter e : emitters) {
        StepMessage m = e.sc.messages().peek();
        if (m != null && m.reqClock() < req) {
          best = e;
          req = m.reqClock();
        }
      }
      if (best == null) {
        return;
      }
      StepMessage m = best.sc.messages().peek();
      if (m.usesMoveQueue() && req > moveClock) {
        return;
      }
      best.sc.messages().poll();
      long nextFree = moveClocks[0];
      if (m.usesMoveQueue()) {
        replaceEarliest(m.minClock());
      }
      send(best, m, nextFree);
    }
  }

  private void send(Emitter e, StepMessage m, long minClock) {
    switch (m.kind()) {
      case QUEUE_STEP -> queueStep.sendTimed(minClock, m.reqClock(), e.oid, m.a(), m.b(),
          m.c());
      case QUEUE_STEP2 -> queueStep2.sendTimed(minClock, m.reqClock(), e.oid, m.a(), m.b(),
          m.c(), m.d());
      case SET_DIR -> setDir.sendTimed(minClock, m.reqClock(), e.oid, m.a());
      case RESET_CLOCK -> resetClock.sendTimed(minClock, m.reqClock(), e.oid, m.a());
    }
  }

  /** Replaces the earliest free-slot clock with {@code clock}, keeping the heap ordered. */
  private void replaceEarliest(long clock) {
    long[] h = moveClocks;
    int n = h.length;
    int pos = 0;
    while (true) {
      int c1 = 2 * pos + 1;
      int c2 = c1 + 1;
      long v1 = c1 < n ? h[c1] : Long.MAX_VALUE;
      long v2 = c2 < n ? h[c2] : Long.MAX_VALUE;
      if (clock <= v1 && clock <= v2) {
        h[pos] = clock;
        return;
      }
      if (v1 < v2) {
        h[pos] = v1;
        pos = c1;
      } else {
        h[pos] = v2;
        pos = c2;
      }
    }
  }

  @Override
  public String toString() {
    return "StepperSync(" + mcu.name() + ", " + emitters.size() + " steppers, move queue "
        + moveClocks.length + ", earliest free " + Arrays.stream(moveClocks).min().orElse(0)
        + ")";
  }

  /** Pending commands of all steppers (for tests). */
  int pending() {
    int n = 0;
    for (Emitter e : emitters) {
      n += e.sc.messages().size();
    }
    return n;
  }
}
