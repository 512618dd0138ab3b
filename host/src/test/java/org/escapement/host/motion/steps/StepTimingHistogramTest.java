package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bins of bench motion's step timing histogram, at 180 MHz (180 ticks a microsecond). */
class StepTimingHistogramTest {
  @Test
  void stepsAreBinnedByHowEarlyTheyAreWithTheBoundItselfInside() {
    StepTimingHistogram h = new StepTimingHistogram();
    h.record(1_000_000, 1_000_000, 180);          // exact
    h.record(1_000_000, 1_000_000 - 179, 180);    // 0.99 us early
    h.record(1_000_000, 1_000_000 - 4_500, 180);  // exactly 25 us: still within the bound
    h.record(1_000_000, 1_000_000 - 4_501, 180);  // beyond it
    h.record(1_000_000, 1_000_001, 180);          // late
    assertThat(h.format()).contains("0 1 2\n", "24 25 1\n", "beyond_25us 1\n", "late 1\n",
        "exact 1\n");
  }
}
