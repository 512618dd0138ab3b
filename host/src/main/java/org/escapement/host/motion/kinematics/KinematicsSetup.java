package org.escapement.host.motion.kinematics;

import java.util.List;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.Rail;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.steps.StepperKinematics;

/** What the kinematics classes share while reading their config. */
final class KinematicsSetup {
  private KinematicsSetup() {}

  static Config config(Toolhead th) {
    return th.printer().lookupObject("configfile", ConfigFileStatus.class).config();
  }

  /**
   * Geometry options must be real numbers: a NaN would pass every bound (as in Python) and
   * turn every later position into NaN.
   */
  static double finite(ConfigSection section, String option, double value) {
    if (!Double.isFinite(value)) {
      throw new ConfigError("Option '" + option + "' in section '" + section.name()
          + "' must be a finite number");
    }
    return value;
  }

  /** As Klipper reads options: the bounds apply to a given value, not to the default. */
  static double optionalFloat(ConfigSection section, String option, double fallback,
      org.escapement.host.config.Bounds bounds) {
    Double v = section.getFloatOrNull(option, bounds);
    return v == null ? fallback : v;
  }

  /** Gives every stepper of the rail its position function and the toolhead's trapq. */
  static void attach(Toolhead th, Rail rail, java.util.function.Supplier<StepperKinematics> sk) {
    rail.setupKinematics(sk);
    rail.setTrapq(th.trapq());
  }

  static void attach(Toolhead th, Stepper stepper, StepperKinematics sk) {
    stepper.setKinematics(sk);
    stepper.setTrapq(th.trapq());
  }

  static List<Stepper> steppersOf(List<Rail> rails) {
    return rails.stream().flatMap(r -> r.steppers().stream()).toList();
  }
}
