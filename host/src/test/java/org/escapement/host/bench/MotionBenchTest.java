package org.escapement.host.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.protocol.Shared;
import org.escapement.protocol.Block;
import org.escapement.protocol.Dictionary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoding behind {@code bench motion}: steps replayed as the MCU would run them. */
class MotionBenchTest {
  @TempDir Path tmp;

  Path wire(Dictionary d, String... lines) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long seq = 1;
    for (String line : lines) {
      out.write(Block.frame(seq++, d.parseText(line).encode()));
    }
    Path file = Files.createTempFile(tmp, "out", ".serial");
    Files.write(file, out.toByteArray());
    return file;
  }

  @Test
  void replaysQueueStepsIntoStepClocksAndCountsTheirBytes() throws Exception {
    Dictionary d = Dictionary.load(Shared.wire("stm32f446.dict"));
    Path ours = wire(d, "config_stepper oid=0 step_pin=PF13 dir_pin=PF12 invert_step=0"
            + " step_pulse_ticks=0",
        "reset_step_clock oid=0 clock=1000",
        "set_next_step_dir oid=0 dir=1",
        "queue_step oid=0 interval=100 count=3 add=10",
        "set_next_step_dir oid=0 dir=0",
        "queue_step oid=0 interval=500 count=1 add=0");
    MotionBench.Wire w = MotionBench.decode(d, ours);
    assertThat(w.steps()).isEqualTo(4);
    assertThat(w.queueSteps()).isEqualTo(2);
    MotionBench.StepTrack t = w.byStepPin().get("PF13");
    // 1000+100, then +110, +120; the next move starts from the last step.
    assertThat(java.util.Arrays.copyOf(t.clocks, t.steps()))
        .containsExactly(1100, 1210, 1330, 1830);
    assertThat(t.position()).isEqualTo(3 - 1);
    assertThat(w.bytes()).isEqualTo(Files.size(ours));

    // Another host's output for the same pin, with another oid and its third step 20 ticks early.
    Path theirs = wire(d, "config_stepper oid=3 step_pin=PF13 dir_pin=PF12 invert_step=0"
            + " step_pulse_ticks=0",
        "reset_step_clock oid=3 clock=1000",
        "set_next_step_dir oid=3 dir=1",
        "queue_step oid=3 interval=100 count=2 add=10",
        "queue_step oid=3 interval=100 count=1 add=0",
        "set_next_step_dir oid=3 dir=0",
        "queue_step oid=3 interval=520 count=1 add=0");
    MotionBench.Agreement a = MotionBench.compare(w, MotionBench.decode(d, theirs));
    assertThat(a.sameCount()).isEqualTo(1);
    assertThat(a.samePosition()).isEqualTo(1);
    assertThat(a.maxDiffUs()).isCloseTo(20 * 1e6 / d.constantNumber("CLOCK_FREQ"),
        org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void clocksAreExtendedPastThe32BitWrap() {
    assertThat(MotionBench.extend(0xffff_fff0L, 0x10)).isEqualTo(0x1_0000_0010L);
    assertThat(MotionBench.extend(0x1_0000_0010L, 0xffff_fff0L)).isEqualTo(0xffff_fff0L);
    assertThat(MotionBench.extend(5, 7)).isEqualTo(7);
  }

  @Test
  void timingSummaryCountsLateAndTooEarlySteps() {
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      lines.add(i + " " + (i + 1) + " " + (i < 5 ? 10 : 0));
    }
    lines.addAll(List.of("beyond_25us 0", "late 2", "exact 7"));
    assertThat(MotionBench.describeTiming(lines))
        .contains("(52 steps): 2 late, 0 more than 25 µs early, 7 exact")
        .contains("0-5 µs: 96.2%");
  }
}
