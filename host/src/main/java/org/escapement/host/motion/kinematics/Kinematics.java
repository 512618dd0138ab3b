package org.escapement.host.motion.kinematics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.Move;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;

/**
 * How a printer's steppers make the toolhead move: which steppers there are, where the
 * toolhead is for given stepper positions, which moves are allowed, and how to home.
 */
public interface Kinematics {
  List<Stepper> steppers();

  /**
   * The toolhead position for these stepper positions (by stepper name); NaN where an axis
   * cannot be known (an unhomed tower).
   */
  double[] calcPosition(Map<String, Double> stepperPositions);

  /** The steppers now stand at {@code newPos}; {@code homingAxes} ("xz") are now homed. */
  void setPosition(double[] newPos, String homingAxes);

  void clearHomingState(String axes);

  void home(Homing homing);

  /** Refuses a move outside the limits, or lowers its speed for slow axes. */
  void checkMove(Move move);

  Map<String, Object> status(double eventtime);

  /** The axes whose position is known ({@code "xyz"} when all are homed). */
  default String homedAxes() {
    Object h = status(0).get("homed_axes");
    return h == null ? "" : h.toString();
  }

  /** Kinematics Klipper has that we do not yet: they fail as "not supported yet". */
  Set<String> NOT_YET = Set.of("generic_cartesian", "corexyuv", "limited_cartesian",
      "limited_corexy", "limited_corexz");

  static Kinematics create(String name, Toolhead toolhead, ConfigSection printerSection) {
    return switch (name) {
      case "cartesian" -> LinearKinematics.cartesian(toolhead, printerSection);
      case "corexy" -> LinearKinematics.corexy(toolhead, printerSection);
      case "corexz" -> LinearKinematics.corexz(toolhead, printerSection);
      case "hybrid_corexy" -> LinearKinematics.hybridCorexy(toolhead, printerSection);
      case "hybrid_corexz" -> LinearKinematics.hybridCorexz(toolhead, printerSection);
      case "delta" -> new DeltaKinematics(toolhead, printerSection);
      case "deltesian" -> new DeltesianKinematics(toolhead, printerSection);
      case "polar" -> new PolarKinematics(toolhead, printerSection);
      case "rotary_delta" -> new RotaryDeltaKinematics(toolhead, printerSection);
      case "winch" -> new WinchKinematics(toolhead, printerSection);
      case "none" -> new NoneKinematics();
      default -> {
        if (NOT_YET.contains(name)) {
          throw new ConfigError("Kinematics '" + name + "' in section 'printer' is not"
              + " supported yet");
        }
        throw new ConfigError("Error loading kinematics '" + name + "'");
      }
    };
  }
}
