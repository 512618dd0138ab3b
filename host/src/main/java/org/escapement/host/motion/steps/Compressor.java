package org.escapement.host.motion.steps;

/**
 * Chooses the next queue_step for a run of wanted step times. Pending step {@code i}
 * (0-based) may be sent anywhere in {@code [minp(i), maxp(i)]}, in ticks after the last step
 * already sent: never later than wanted, and early by at most the error bound.
 */
public interface Compressor {
  /** The pending steps' windows, computed on demand (there may be tens of thousands). */
  interface Windows {
    int size();

    int minp(int i);

    int maxp(int i);
  }

  /** A sequence covering the first {@code count} pending steps, each inside its window. */
  StepSequence next(Windows w);
}
