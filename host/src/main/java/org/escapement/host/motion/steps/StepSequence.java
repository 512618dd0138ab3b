package org.escapement.host.motion.steps;

/**
 * One queue_step: {@code count} steps, the first {@code interval} ticks after the previous
 * step, each following one {@code add} ticks later than the gap before it. Step k (1-based)
 * is at {@code interval * k + add * k * (k - 1) / 2} after the start.
 */
public record StepSequence(int interval, int count, int add) {
  /** Ticks from the start to the last step. */
  public long reach() {
    return (long) interval * count + (long) add * count * (count - 1) / 2;
  }
}
