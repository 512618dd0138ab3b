package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [mcu] max_stepper_error, as in Klipper: how early step compression may place a step. */
class McuMaxStepperErrorTest {
  private static final String MOVES = "G28\nG1 X120 Y60 F9000\nG1 X20 Y150\nG1 X180 Y10\n";

  @TempDir
  Path tmp;

  private MotionRun run(String mcuOptions) throws Exception {
    String config = MotionRun.corpusConfig("example-cartesian.cfg")
        .replace("serial: /dev/ttyACM0", "serial: /dev/ttyACM0\n" + mcuOptions);
    return MotionRun.run(tmp, config, MOVES);
  }

  private static long queueSteps(MotionRun run) {
    return run.sent.stream().filter(l -> l.startsWith("queue_step ")).count();
  }

  @Test
  void aLargerStepperErrorLetsStepCompressionSendFewerCommands() throws Exception {
    MotionRun standard = run("max_stepper_error: 0.000025");
    MotionRun byDefault = run("");
    MotionRun loose = run("max_stepper_error: 0.0002");
    assertThat(standard.error()).isNull();
    assertThat(loose.error()).isNull();
    assertThat(queueSteps(byDefault)).isEqualTo(queueSteps(standard));
    assertThat(queueSteps(loose)).isLessThan(queueSteps(standard));
  }

  @Test
  void aNegativeStepperErrorIsRefused() throws Exception {
    assertThat(run("max_stepper_error: -0.001").error())
        .startsWith("Option 'max_stepper_error' in section 'mcu' must have minimum of 0 ");
  }
}
