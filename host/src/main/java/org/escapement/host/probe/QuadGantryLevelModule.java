package org.escapement.host.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [quad_gantry_level]}: a flying gantry on four Z motors (front left, rear left, rear
 * right, front right). QUAD_GANTRY_LEVEL probes four points in that order, follows the
 * gantry's slope along X at the front and rear pairs out to the gantry corners, then along Y
 * to each motor, and moves each motor to the average height of the four.
 */
public final class QuadGantryLevelModule implements StatusProvider {
  private final Printer printer;
  private final ZAdjustHelper.Retry retry;
  private final double maxAdjust;
  private final double horizontalMoveZ;
  private final ProbePointsHelper probeHelper;
  private final ZAdjustHelper zHelper;
  private final List<double[]> gantryCorners;

  public QuadGantryLevelModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    retry = new ZAdjustHelper.Retry(printer, section, "Possibly Z motor numbering is wrong");
    maxAdjust = section.getFloat("max_adjust", 4.0, Bounds.above(0));
    horizontalMoveZ = section.getFloat("horizontal_move_z", 5.0);
    probeHelper = new ProbePointsHelper(printer, section, this::probeFinalize, null);
    if (probeHelper.points().size() != 4) {
      throw new ConfigError("Need exactly 4 probe points for quad_gantry_level");
    }
    zHelper = new ZAdjustHelper(printer, section, 4);
    gantryCorners = ProbePointsHelper.readPoints(section, "gantry_corners");
    if (gantryCorners.size() < 2) {
      throw new ConfigError("quad_gantry_level requires at least two gantry_corners");
    }
    ManualProbe.of(printer);
    printer.lookupObject("gcode", GCodeDispatch.class).register("QUAD_GANTRY_LEVEL",
        this::cmdQuadGantryLevel, false,
        "Conform a moving, twistable gantry to the shape of a stationary bed");
  }

  private void cmdQuadGantryLevel(GCodeCommand c) {
    zHelper.reset();
    retry.start(c);
    probeHelper.startProbe(c);
  }

  /** Slope and intercept of the line through two (x, z) points (flat when level). */
  private static double[] line(double x1, double z1, double x2, double z2) {
    if (z1 == z2) {
      return new double[] {0, z1};
    }
    double m = (z2 - z1) / (x2 - x1);
    return new double[] {m, z1 - m * x1};
  }

  private static double at(double[] line, double x) {
    return line[0] * x + line[1];
  }

  /**
   * The gantry's height at each motor (z, z1, z2, z3), from the gantry-relative heights
   * ({@code horizontal_move_z} minus the bed height) at the four points.
   */
  static double[] motorHeights(List<ProbeResult> p, double[] z, List<double[]> corners) {
    double[] front = line(p.get(0).bedX(), z[0], p.get(3).bedX(), z[3]);
    double[] rear = line(p.get(1).bedX(), z[1], p.get(2).bedX(), z[2]);
    double[] left = line(p.get(0).bedY(), at(front, corners.get(0)[0]), p.get(1).bedY(),
        at(rear, corners.get(0)[0]));
    double[] right = line(p.get(0).bedY(), at(front, corners.get(1)[0]), p.get(1).bedY(),
        at(rear, corners.get(1)[0]));
    return new double[] {at(left, corners.get(0)[1]), at(left, corners.get(1)[1]),
        at(right, corners.get(1)[1]), at(right, corners.get(0)[1])};
  }

  private ProbePointsHelper.Outcome probeFinalize(List<ProbeResult> positions) {
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    double[] z = new double[positions.size()];
    StringBuilder points = new StringBuilder("Gantry-relative probe points:\n");
    for (int i = 0; i < z.length; i++) {
      z[i] = horizontalMoveZ - positions.get(i).bedZ();
      points.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%d: %.6f", i, z[i]));
    }
    gcode.respondInfo(points + "\n");
    double[] heights = motorHeights(positions, z, gantryCorners);
    String[] names = {"z", "z1", "z2", "z3"};
    StringBuilder act = new StringBuilder("Actuator Positions:\n");
    for (int i = 0; i < 4; i++) {
      act.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s: %06f", names[i],
          heights[i]));
    }
    gcode.respondInfo(act.toString());
    double average = (heights[0] + heights[1] + heights[2] + heights[3]) / 4;
    gcode.respondInfo(String.format(Locale.ROOT, "Average: %.6f", average));
    double[] adjust = new double[4];
    double adjustMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 4; i++) {
      adjust[i] = average - heights[i];
      adjustMax = Math.max(adjustMax, adjust[i]);
    }
    if (adjustMax > maxAdjust) {
      throw new CommandError(String.format(Locale.ROOT, "Aborting quad_gantry_level required"
          + " adjustment %.6f is greater than max_adjust %.6f", adjustMax, maxAdjust));
    }
    zHelper.adjustSteppers(adjust, probeHelper.liftSpeed());
    return zHelper.checkRetryResult(retry.check(z));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("applied", zHelper.applied());
    return s;
  }
}
