package org.escapement.host.motion.steps;

/**
 * One step command: {@code count} steps, the first {@code interval} ticks after the previous
 * step; after each step the gap grows by {@code add}, and add itself grows by {@code add2}
 * (always 0 for queue_step, which has no add2). Step k (1-based) is at
 * {@code interval * k + add * k(k-1)/2 + add2 * k(k-1)(k-2)/6} after the start.
 */
public record StepSequence(int interval, int count, int add, int add2) {
  /** A queue_step sequence (no add2). */
  public StepSequence(int interval, int count, int add) {
    this(interval, count, add, 0);
  }

  /** Ticks from the start to the last step. */
  public long reach() {
    long k = count;
    return interval * k + add * k * (k - 1) / 2 + add2 * k * (k - 1) * (k - 2) / 6;
  }

  /** The gap after the last step, were the sequence to go on. */
  public long nextInterval() {
    long k = count;
    return interval + add * k + add2 * k * (k - 1) / 2;
  }
}
