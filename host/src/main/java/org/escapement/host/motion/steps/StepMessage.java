package org.escapement.host.motion.steps;

/**
 * A stepper command waiting to be ordered with the other steppers' commands of its MCU.
 *
 * @param minClock for commands that take a slot in the MCU's move queue: the clock at which
 *     that slot is freed again (the command starts executing), else 0
 * @param reqClock the MCU must have the command before its clock reaches this
 */
public record StepMessage(Kind kind, long minClock, long reqClock, long a, long b, long c,
    long d) {
  public enum Kind {
    /** queue_step: a = interval, b = count, c = add. */
    QUEUE_STEP,
    /**
     * queue_step2 (our firmware): a = interval less the interval the previous sequence would
     * have gone on with (wrapping at 32 bits), b = count, c = add, d = add2.
     */
    QUEUE_STEP2,
    /** set_next_step_dir: a = dir (as the MCU's pin sees it). */
    SET_DIR,
    /** reset_step_clock: a = clock. */
    RESET_CLOCK
  }

  public boolean usesMoveQueue() {
    return minClock != 0;
  }
}
