package org.escapement.host.motion.kinematics;

import java.util.List;
import java.util.Map;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.StepTimeline;
import org.escapement.host.motion.Stepper;

/** Helpers the kinematics end-to-end tests share. */
final class KinematicsRuns {
  private KinematicsRuns() {}

  /** A macro that reports the print time at which queued motion ends (use after M400). */
  static final String PRINT_TIME_MACRO = """

      [gcode_macro PRINT_TIME]
      gcode:
        {action_respond_info("print_time=%.6f" % printer.toolhead.print_time)}

      [gcode_macro HOMED]
      gcode:
        {action_respond_info("homed=" + printer.toolhead.homed_axes)}
      """;

  /** What HOMED reported (the homed axes), in order. */
  static List<String> homed(MotionRun run) {
    return run.replies.stream().filter(l -> l.startsWith("// homed="))
        .map(l -> l.substring("// homed=".length())).toList();
  }

  /** The print times PRINT_TIME reported, in order. */
  static List<Double> printTimes(MotionRun run) {
    return run.replies.stream().filter(l -> l.startsWith("// print_time="))
        .map(l -> Double.parseDouble(l.substring("// print_time=".length()))).toList();
  }

  /** Duration of a straight move of {@code d} mm from and to a standstill. */
  static double trapezoidTime(double d, double v, double a) {
    double peak = Math.min(v, Math.sqrt(d * a));
    return 2 * peak / a + (d - peak * peak / a) / peak;
  }

  /**
   * Each stepper's net steps in the MCU stream must equal the step count the host believes
   * it is at: what was sent is where the host thinks the motors are.
   */
  static void assertStreamMatchesHostPositions(MotionRun run, String... except) {
    Map<String, StepTimeline.Steps> steps = run.steps();
    Map<String, Double> mcu = run.position("mcu");
    for (Stepper s : run.toolhead().kinematics().steppers()) {
      if (List.of(except).contains(s.name())) {
        continue;
      }
      // The stream counts dir pin levels: an inverted pin counts the other way.
      long sent = steps.get(pinOf(run, s.name())).position * (s.dirInverted() ? -1 : 1);
      org.assertj.core.api.Assertions.assertThat(sent).as("net steps sent to " + s.name())
          .isEqualTo(mcu.get(s.name()).longValue());
    }
  }

  /** The step pin of a [stepper_*] section in the config dump of the run. */
  static String pinOf(MotionRun run, String stepper) {
    var config = run.printer.lookupObject("configfile",
        org.escapement.host.modules.ConfigFileStatus.class).config();
    return config.section(stepper).get("step_pin").strip().replaceFirst("^!", "");
  }
}
