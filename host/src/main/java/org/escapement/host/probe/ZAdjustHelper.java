package org.escapement.host.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * Moves the separate Z motors of one axis (stepper_z, stepper_z1, ...) by different amounts,
 * for Z_TILT_ADJUST and QUAD_GANTRY_LEVEL; and what the two share: the retry logic and the
 * {@code applied} status.
 */
final class ZAdjustHelper {
  private final Printer printer;
  private final String name;
  private final int zCount;
  private List<Stepper> zSteppers = List.of();
  private boolean applied;

  ZAdjustHelper(Printer printer, ConfigSection section, int zCount) {
    this.printer = printer;
    this.name = section.name();
    this.zCount = zCount;
    printer.onEvent(Printer.Event.CONNECT, this::findZSteppers);
    printer.onEvent("stepper_enable:motor_off", o -> applied = false);
  }

  private void findZSteppers() {
    List<Stepper> z = new ArrayList<>();
    for (Stepper s : printer.lookupObject("toolhead", Toolhead.class).kinematics().steppers()) {
      if (s.isActiveAxis('z')) {
        z.add(s);
      }
    }
    if (z.size() != zCount) {
      throw new ConfigError(name + " z_positions needs exactly " + z.size() + " items");
    }
    if (z.size() < 2) {
      throw new ConfigError(name + " requires multiple z steppers");
    }
    zSteppers = z;
  }

  boolean applied() {
    return applied;
  }

  void reset() {
    applied = false;
  }

  /** Marks the adjustment applied when the retry check says it is done. */
  ProbePointsHelper.Outcome checkRetryResult(ProbePointsHelper.Outcome o) {
    if (o == ProbePointsHelper.Outcome.DONE) {
      applied = true;
    }
    return o;
  }

  /**
   * Raises each Z motor by its adjustment (a negative one lowers it): the motors are moved
   * one at a time, lowest target first, each carrying the ones already at height, so that no
   * motor moves against the others more than it must. The toolhead's Z is unchanged.
   */
  void adjustSteppers(double[] adjustments, double speed) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    double[] curpos = toolhead.position();
    StringBuilder msg = new StringBuilder("Making the following Z adjustments:");
    for (int i = 0; i < zSteppers.size(); i++) {
      msg.append(String.format(Locale.ROOT, "\n%s = %.6f", zSteppers.get(i).name(),
          adjustments[i]));
    }
    gcode.respondInfo(msg.toString());
    toolhead.flushStepGeneration();
    for (Stepper s : zSteppers) {
      s.setTrapq(null);
    }
    // Each motor by how far it stands above where it should (lowest first).
    List<Map.Entry<Double, Stepper>> order = new ArrayList<>();
    for (int i = 0; i < zSteppers.size(); i++) {
      order.add(Map.entry(-adjustments[i], zSteppers.get(i)));
    }
    order.sort(Comparator.comparingDouble(Map.Entry::getKey));
    double firstOffset = order.get(0).getKey();
    double zLow = curpos[2] - firstOffset;
    for (int i = 0; i < order.size() - 1; i++) {
      toolhead.flushStepGeneration();
      order.get(i).getValue().setTrapq(toolhead.trapq());
      curpos[2] = zLow + order.get(i + 1).getKey();
      try {
        toolhead.move(curpos, speed);
        toolhead.setPosition(curpos);
      } catch (RuntimeException e) {
        System.getLogger("probe").log(System.Logger.Level.WARNING,
            "ZAdjustHelper adjust_steppers", e);
        toolhead.flushStepGeneration();
        for (Stepper s : zSteppers) {
          s.setTrapq(toolhead.trapq());
        }
        throw e;
      }
    }
    toolhead.flushStepGeneration();
    order.get(order.size() - 1).getValue().setTrapq(toolhead.trapq());
    curpos[2] += firstOffset;
    toolhead.setPosition(curpos);
  }

  /** RETRIES and RETRY_TOLERANCE: probe again until the points agree. */
  static final class Retry {
    private final GCodeDispatch gcode;
    private final int defaultMaxRetries;
    private final double defaultTolerance;
    private final String errorMsgExtra;
    private int maxRetries;
    private double tolerance;
    private int current;
    private Double previous;
    private int increasing;

    Retry(Printer printer, ConfigSection section, String errorMsgExtra) {
      gcode = printer.lookupObject("gcode", GCodeDispatch.class);
      defaultMaxRetries = section.getInt("retries", 0, Bounds.min(0));
      defaultTolerance = section.getFloat("retry_tolerance", 0.0, Bounds.above(0));
      this.errorMsgExtra = errorMsgExtra;
    }

    void start(GCodeCommand gcmd) {
      maxRetries = gcmd.getInt("RETRIES", defaultMaxRetries, Bounds.range(0, 30));
      tolerance = gcmd.getFloat("RETRY_TOLERANCE", defaultTolerance, Bounds.range(0, 1));
      current = 0;
      previous = null;
      increasing = 0;
    }

    private boolean checkIncrease(double error) {
      // "previous" as Python tests it: a previous range of exactly 0 counts as none.
      if (previous != null && previous != 0 && error > previous + 0.0000001) {
        increasing++;
      } else if (increasing > 0) {
        increasing--;
      }
      previous = error;
      return increasing > 1;
    }

    ProbePointsHelper.Outcome check(double[] zPositions) {
      if (maxRetries == 0) {
        return ProbePointsHelper.Outcome.DONE;
      }
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (double z : zPositions) {
        max = Math.max(max, z);
        min = Math.min(min, z);
      }
      double error = Math.round((max - min) * 1e6) / 1e6;
      gcode.respondInfo(String.format(Locale.ROOT,
          "Retries: %d/%d Probed points range: %.6f tolerance: %.6f", current, maxRetries,
          error, tolerance));
      if (checkIncrease(error)) {
        throw new CommandError("Retries aborting: Probed points range is increasing. "
            + errorMsgExtra);
      }
      if (error <= tolerance) {
        return ProbePointsHelper.Outcome.DONE;
      }
      current++;
      if (current > maxRetries) {
        throw new CommandError("Too many retries");
      }
      return ProbePointsHelper.Outcome.RETRY;
    }
  }
}
