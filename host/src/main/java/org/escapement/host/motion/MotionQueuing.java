package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.motion.steps.BisectCompressor;
import org.escapement.host.motion.steps.Compressor;
import org.escapement.host.motion.steps.CubicCompressor;
import org.escapement.host.motion.steps.StepCompress;
import org.escapement.host.motion.steps.StepperKinematics;
import org.escapement.host.motion.steps.StepperSync;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.reactor.Completion;
import org.escapement.host.reactor.Reactor;

/**
 * When steps are generated and sent. Moves go into trapezoid queues as soon as they are
 * planned; this part turns them into steps in batches, keeping step generation a little ahead
 * of the MCUs while the printer moves (0.45–0.70 s) and flushing everything out shortly after
 * it stops. Homing moves are sent in 50 ms "drips" so a triggered endstop stops them early.
 * Batch runs use a fixed schedule, so their output does not depend on timing.
 */
public final class MotionQueuing implements StatsSource {
  static final double BGFLUSH_LOW_TIME = 0.200;
  static final double BGFLUSH_HIGH_TIME = 0.400;
  static final double BGFLUSH_SG_LOW_TIME = 0.450;
  static final double BGFLUSH_SG_HIGH_TIME = 0.700;
  static final double BGFLUSH_EXTRA_TIME = 0.250;
  static final double MOVE_HISTORY_EXPIRE = 30.0;
  static final double MIN_KIN_TIME = 0.100;
  static final double STEPCOMPRESS_FLUSH_TIME = 0.050;
  /** Steps are checked this far back for a step+dir+step pattern before they are sent. */
  static final double SDS_CHECK_TIME = 0.001;
  static final double DRIP_SEGMENT_TIME = 0.050;
  static final double DRIP_TIME = 0.100;
  /** Step times may be this early (never late). */
  public static final double MAX_STEPCOMPRESS_ERROR = Mcu.DEFAULT_MAX_STEPPER_ERROR;

  /** Told before each batch of step generation: (flush time, step generation time). */
  @FunctionalInterface
  public interface FlushCallback {
    void onFlush(double flushTime, double stepGenTime);
  }

  private final Printer printer;
  private final Reactor reactor;
  private final Mcu mainMcu;
  // Margins that cover host latency, longer on a sped-up simulated printer (see
  // Reactor.latencyScale); the constants are those of a real printer.
  private final double bgflushLowTime, bgflushHighTime, bgflushSgLowTime, bgflushSgHighTime;
  private final double bgflushExtraTime, minKinTime, dripTime;
  private final List<Trapq> trapqs = new ArrayList<>();
  private final Map<Mcu, StepperSync> syncs = new LinkedHashMap<>();
  private List<FlushCallback> flushCallbacks = new ArrayList<>();
  private double kinFlushDelay = SDS_CHECK_TIME;
  private boolean canPause;
  private final Reactor.Timer flushTimer;
  private boolean kickFlushTimer = true;
  private double lastFlushTime;
  private double lastStepGenTime;
  private double needFlushTime;
  private double needStepGenTime;
  private double clearHistoryTime;
  private final List<Double> dripStartTimes = new ArrayList<>();

  public MotionQueuing(Printer printer, Mcu mainMcu) {
    this.printer = printer;
    this.reactor = printer.reactor();
    this.mainMcu = mainMcu;
    double latency = reactor.latencyScale();
    bgflushLowTime = BGFLUSH_LOW_TIME * latency;
    bgflushHighTime = BGFLUSH_HIGH_TIME * latency;
    bgflushSgLowTime = BGFLUSH_SG_LOW_TIME * latency;
    bgflushSgHighTime = BGFLUSH_SG_HIGH_TIME * latency;
    bgflushExtraTime = BGFLUSH_EXTRA_TIME * latency;
    minKinTime = MIN_KIN_TIME * latency;
    dripTime = DRIP_TIME * latency;
    canPause = !mainMcu.isBatch();
    flushTimer = reactor.registerTimer(canPause ? this::flushHandler : this::flushHandlerBatch,
        Reactor.NEVER);
    printer.onEvent(Printer.Event.SHUTDOWN, () -> canPause = false);
  }

  // ---- trapqs and steppers ----

  public Trapq allocateTrapq() {
    Trapq tq = new Trapq();
    trapqs.add(tq);
    return tq;
  }

  /** Ends whatever is left in a trapq (after a homing move stopped early). */
  public void wipeTrapq(Trapq tq) {
    tq.finalizeMoves(Reactor.NEVER, 0);
  }

  /** A stepper's command source on its MCU (set up once the MCU's clock rate is known). */
  public StepperSync.Emitter allocateEmitter(Mcu mcu, String name) {
    return syncs.computeIfAbsent(mcu, StepperSync::new).addEmitter(name);
  }

  /**
   * A compressor for the given error bound (in MCU ticks); {@code queueStep2}: for an MCU
   * that has queue_step2 (an add2 term).
   */
  public Compressor compressorFor(int maxErrorTicks, boolean queueStep2) {
    return queueStep2 ? new CubicCompressor(maxErrorTicks)
        : new BisectCompressor(maxErrorTicks);
  }

  /** Called by each MCU once configured: its move queue size and clock rate. */
  public void setupMoveQueue(Mcu mcu, int moveCount) {
    StepperSync sync = syncs.get(mcu);
    if (sync == null) {
      return;
    }
    sync.setupMoveQueue(moveCount);
    double[] cal = mcu.calibrateClock(0, reactor.monotonic());
    sync.setTime(cal[0], cal[1]);
  }

  public List<StepperSync> stepperSyncs() {
    return new ArrayList<>(syncs.values());
  }

  @Override
  public Stats stats(double eventtime) {
    // Once a second: re-align secondary MCUs' clocks and expire old history.
    for (StepperSync sync : syncs.values()) {
      double[] cal = sync.mcu().calibrateClock(lastStepGenTime, eventtime);
      sync.setTime(cal[0], cal[1]);
    }
    clearHistoryTime = Math.max(0, mainMcu.estimatedPrintTime(eventtime)
        - MOVE_HISTORY_EXPIRE);
    return new Stats(false, "");
  }

  // ---- flush callbacks and scan windows ----

  /** @param canAddTrapq runs first: it may still add motion for this flush (the toolhead) */
  public void registerFlushCallback(FlushCallback cb, boolean canAddTrapq) {
    List<FlushCallback> l = new ArrayList<>(flushCallbacks);
    if (canAddTrapq) {
      l.add(0, cb);
    } else {
      l.add(cb);
    }
    flushCallbacks = l;
  }

  public void unregisterFlushCallback(FlushCallback cb) {
    List<FlushCallback> l = new ArrayList<>(flushCallbacks);
    l.remove(cb);
    flushCallbacks = l;
  }

  /** How far around motion steps may be generated (input shaping, pressure advance). */
  public double kinFlushDelay() {
    return kinFlushDelay;
  }

  public void checkStepGenerationScanWindows() {
    double d = SDS_CHECK_TIME;
    for (StepperSync sync : syncs.values()) {
      for (StepperSync.Emitter e : sync.emitters()) {
        StepperKinematics sk = e.kinematics();
        if (sk == null || sk.trapq() == null) {
          continue;
        }
        d = Math.max(d, Math.max(sk.genStepsPreActive(), sk.genStepsPostActive()));
      }
    }
    kinFlushDelay = d;
  }

  // ---- flushing ----

  private void advanceFlushTime(double wantFlushTime, double wantStepGenTime) {
    double flushTime = Math.max(Math.max(wantFlushTime, lastFlushTime),
        wantStepGenTime - STEPCOMPRESS_FLUSH_TIME);
    double stepGenTime = Math.max(Math.max(wantStepGenTime, lastStepGenTime), flushTime);
    for (FlushCallback cb : flushCallbacks) {
      cb.onFlush(flushTime, stepGenTime);
    }
    double trapqFreeTime = stepGenTime - kinFlushDelay;
    double clearHistory = clearHistoryTime;
    if (!canPause) {
      clearHistory = Math.max(0, trapqFreeTime - MOVE_HISTORY_EXPIRE);
    }
    try {
      for (StepperSync sync : syncs.values()) {
        sync.generateAll(stepGenTime, flushTime, clearHistory);
      }
    } catch (StepCompress.StepCompressException e) {
      System.getLogger("motion").log(System.Logger.Level.ERROR, e.getMessage());
      printer.invokeShutdown("Internal error in stepcompress");
      throw new CommandError("Internal error in stepcompress");
    }
    lastFlushTime = flushTime;
    lastStepGenTime = stepGenTime;
    for (Trapq tq : trapqs) {
      tq.finalizeMoves(trapqFreeTime, clearHistory);
    }
  }

  private void awaitFlushTime(double wantFlushTime) {
    while (lastFlushTime < wantFlushTime && canPause) {
      double now = reactor.monotonic();
      double est = mainMcu.estimatedPrintTime(now);
      double wait = wantFlushTime - bgflushHighTime - est;
      if (wait <= 0) {
        return;
      }
      reactor.pause(now + Math.min(1.0, wait));
    }
  }

  /** Generates and sends everything queued so far. */
  public void flushAllSteps() {
    double flushTime = needStepGenTime;
    awaitFlushTime(flushTime);
    advanceFlushTime(flushTime, 0);
  }

  /** The earliest print time new motion may start at after a pause in movement. */
  public double calcStepGenRestart(double estPrintTime) {
    double kinTime = Math.max(estPrintTime + minKinTime, lastStepGenTime);
    return kinTime + kinFlushDelay;
  }

  private double flushHandler(double eventtime) {
    try {
      double est = mainMcu.estimatedPrintTime(eventtime);
      double aggrSgTime = needStepGenTime - 2 * kinFlushDelay;
      if (lastStepGenTime < aggrSgTime) {
        // Moving: keep step generation ahead of the MCU, in batches.
        double wantSgTime = est + bgflushSgHighTime;
        double batchTime = bgflushSgHighTime - bgflushSgLowTime;
        double nextBatchTime = lastStepGenTime + batchTime;
        if (nextBatchTime > est) {
          // Batch from the last flush, for run-to-run reproducibility.
          if (nextBatchTime > wantSgTime + 0.005) {
            nextBatchTime = lastStepGenTime; // not yet: wait for the next wakeup
          }
          wantSgTime = nextBatchTime;
        }
        wantSgTime = Math.min(wantSgTime, aggrSgTime);
        if (wantSgTime > lastStepGenTime) {
          advanceFlushTime(0, wantSgTime);
        }
      } else {
        // Stopped (or only remnants left): flush lazily.
        double wantFlushTime = Math.min(est + bgflushHighTime,
            needFlushTime + bgflushExtraTime);
        if (wantFlushTime > lastFlushTime) {
          advanceFlushTime(wantFlushTime, 0);
        }
      }
      aggrSgTime = needStepGenTime - 2 * kinFlushDelay;
      double waketime;
      if (lastStepGenTime < aggrSgTime) {
        waketime = lastStepGenTime - bgflushSgLowTime;
      } else {
        kickFlushTimer = true;
        if (lastFlushTime >= needFlushTime + bgflushExtraTime) {
          return Reactor.NEVER;
        }
        waketime = lastFlushTime - bgflushLowTime;
      }
      return eventtime + waketime - est;
    } catch (RuntimeException e) {
      System.getLogger("motion").log(System.Logger.Level.ERROR, "Exception in flush_handler", e);
      printer.invokeShutdown("Exception in flush_handler");
      return Reactor.NEVER;
    }
  }

  /** Batch mode: a fixed schedule, independent of (virtual) time. */
  private double flushHandlerBatch(double eventtime) {
    try {
      double fauxTime = needFlushTime - 1.5;
      double batchTime = bgflushSgHighTime - bgflushSgLowTime;
      int flushCount = 0;
      while (lastStepGenTime < fauxTime) {
        double target = lastStepGenTime + batchTime;
        if (flushCount > 100 && fauxTime > target) {
          target += Math.floor((fauxTime - target) / batchTime) * batchTime;
        }
        advanceFlushTime(0, target);
        flushCount++;
      }
      if (flushCount > 0) {
        return Reactor.NOW;
      }
      advanceFlushTime(needFlushTime + bgflushExtraTime, 0);
      kickFlushTimer = true;
      return Reactor.NEVER;
    } catch (RuntimeException e) {
      System.getLogger("motion").log(System.Logger.Level.ERROR, "Exception in flush_handler", e);
      printer.invokeShutdown("Exception in flush_handler");
      return Reactor.NEVER;
    }
  }

  /** Motion is queued up to {@code mqTime}: make sure it will be flushed. */
  public void noteMcuMovequeueActivity(double mqTime, boolean isStepGen) {
    double t = mqTime;
    if (isStepGen) {
      t += kinFlushDelay;
      needStepGenTime = Math.max(needStepGenTime, t);
    }
    needFlushTime = Math.max(needFlushTime, t);
    if (kickFlushTimer) {
      kickFlushTimer = false;
      reactor.updateTimer(flushTimer, Reactor.NOW);
    }
  }

  // ---- drip moves (homing, probing) ----

  /**
   * Sends the motion from {@code startTime} to {@code endTime} in short segments, each only
   * shortly before the MCU needs it, until {@code stop} completes (an endstop triggered).
   *
   * @return the print time up to which motion was sent (the move may have been cut short)
   */
  public double dripUpdateTime(double startTime, double endTime, Completion<?> stop) {
    dripStartTimes.add(startTime);
    awaitFlushTime(startTime);
    reactor.updateTimer(flushTimer, Reactor.NEVER);
    kickFlushTimer = false;
    advanceFlushTime(startTime - SDS_CHECK_TIME, startTime);
    double flushTime = startTime;
    while (flushTime < endTime) {
      if (stop.isDone()) {
        break;
      }
      double now = reactor.monotonic();
      double est = mainMcu.estimatedPrintTime(now);
      double wait = flushTime - est - dripTime;
      if (wait > 0 && canPause) {
        stop.await(now + wait);
        continue;
      }
      flushTime = Math.min(flushTime + DRIP_SEGMENT_TIME, endTime);
      noteMcuMovequeueActivity(flushTime, true);
      advanceFlushTime(flushTime - SDS_CHECK_TIME, flushTime);
    }
    reactor.updateTimer(flushTimer, Reactor.NOW);
    advanceFlushTime(flushTime + kinFlushDelay, 0);
    dripStartTimes.remove(startTime);
    return flushTime;
  }

  /** The start of a drip move in progress, or null. */
  public Double dripTiming() {
    return dripStartTimes.isEmpty() ? null
        : dripStartTimes.stream().min(Double::compare).get();
  }

  public double lastStepGenTime() {
    return lastStepGenTime;
  }

  public double lastFlushTime() {
    return lastFlushTime;
  }
}
