package org.escapement.host.motion.steps;

import java.util.function.LongConsumer;

/**
 * One stepper's step commands run as its MCU runs them, giving each step's clock: the gap
 * grows by add after each step and add by add2; queue_step2's first gap is relative to the
 * gap the previous command would have gone on with (32-bit wrapping, 0 after a reset).
 */
public final class StepReplay {
  private long clock;
  private long nextInterval;

  /** reset_step_clock: steps continue from {@code clock}. */
  public void reset(long clock) {
    this.clock = clock;
    nextInterval = 0;
  }

  /** The last step's clock (or the reset clock). */
  public long clock() {
    return clock;
  }

  /** queue_step (add2 0) with an absolute first gap. */
  public void queueStep(long interval, int count, long add, long add2, LongConsumer step) {
    for (int i = 0; i < count; i++) {
      clock += interval;
      step.accept(clock);
      interval += add;
      add += add2;
    }
    nextInterval = interval;
  }

  /** queue_step2: the first gap as a delta. */
  public void queueStep2(long intervalDelta, int count, long add, long add2,
      LongConsumer step) {
    queueStep((nextInterval + intervalDelta) & 0xffffffffL, count, add, add2, step);
  }
}
