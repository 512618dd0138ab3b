package org.escapement.host.gcode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.printer.Printer;

/**
 * {@code [gcode_arcs]}: G2 (clockwise) and G3 (counter-clockwise) arcs, split into straight
 * G1 segments of about {@code resolution} mm. The centre is given by I/J/K (offsets from the
 * start, in every mode) or by a radius R (negative R: the arc longer than half a circle). The
 * plane is chosen by G17 (XY, the default), G18 (XZ: I and K) or G19 (YZ: J and K); the third
 * axis moves linearly along the arc (a helix). End points follow G90/G91 and E follows M82/M83
 * like G1. An end point equal to the start with I/J/K makes a full circle.
 *
 * <p>Klipper itself refuses R and relative mode; the IJ arcs in absolute mode are split
 * exactly as Klipper splits them (the arc planner from Marlin).
 */
public final class GCodeArcsModule {
  private enum Plane {
    XY(0, 1, 2, "I", "J"), XZ(0, 2, 1, "I", "K"), YZ(1, 2, 0, "J", "K");

    final int alpha;
    final int beta;
    final int helical;
    final String alphaOffset;
    final String betaOffset;

    Plane(int alpha, int beta, int helical, String alphaOffset, String betaOffset) {
      this.alpha = alpha;
      this.beta = beta;
      this.helical = helical;
      this.alphaOffset = alphaOffset;
      this.betaOffset = betaOffset;
    }
  }

  private static final String AXES = "XYZ";

  private final Printer printer;
  private final double mmPerSegment;
  private Plane plane = Plane.XY;

  public GCodeArcsModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    mmPerSegment = section.getFloat("resolution", 1.0, Bounds.above(0));
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("G2", c -> arc(c, true), false, null);
    gcode.register("G3", c -> arc(c, false), false, null);
    gcode.register("G17", c -> plane = Plane.XY, false, null);
    gcode.register("G18", c -> plane = Plane.XZ, false, null);
    gcode.register("G19", c -> plane = Plane.YZ, false, null);
  }

  /** A parameter's value, or {@code fallback} when absent. */
  private static Double number(GCodeCommand c, String name, Double fallback) {
    if (!c.has(name)) {
      return fallback; // not via ?: with the double below, which would unbox a null
    }
    return c.getFloat(name, null);
  }

  private void arc(GCodeCommand c, boolean clockwise) {
    GCodeMove gcodeMove = printer.lookupObject("gcode_move", GCodeMove.class);
    Map<String, Object> state = gcodeMove.status(0);
    boolean absoluteCoord = (Boolean) state.get("absolute_coordinates");
    boolean relativeExtrude = !absoluteCoord || !(Boolean) state.get("absolute_extrude");
    @SuppressWarnings("unchecked")
    List<Double> current = (List<Double>) state.get("gcode_position");
    double[] start = {current.get(0), current.get(1), current.get(2)};
    double[] target = new double[3];
    for (int i = 0; i < 3; i++) {
      String axis = AXES.substring(i, i + 1);
      target[i] = absoluteCoord ? number(c, axis, start[i]) : start[i] + number(c, axis, 0.0);
    }
    Double radius = number(c, "R", null);
    double[] offset;
    if (radius != null) {
      if (c.has(plane.alphaOffset) || c.has(plane.betaOffset)) {
        throw c.error("G2/G3 takes either R or " + plane.alphaOffset + plane.betaOffset
            + " parameters, not both");
      }
      offset = centreFromRadius(c, start, target, radius, clockwise);
    } else {
      offset = new double[] {number(c, plane.alphaOffset, 0.0),
          number(c, plane.betaOffset, 0.0)};
      if (offset[0] == 0 && offset[1] == 0) {
        throw c.error("G2/G3 requires IJ, IK or JK parameters");
      }
    }
    Double e = number(c, "E", null);
    Double feed = number(c, "F", null);
    double eStart = current.get(3);
    planArc(gcodeMove, c.commandLine(), start, target, offset, clockwise, e, feed,
        absoluteCoord, relativeExtrude, eStart);
  }

  /**
   * The centre (as offsets from the start) of the arc of radius |r| from start to target in
   * the plane: on the perpendicular bisector of the chord, to the side that makes the arc
   * shorter than half a circle for positive r, longer for negative r.
   */
  private double[] centreFromRadius(GCodeCommand c, double[] start, double[] target, double r,
      boolean clockwise) {
    double halfA = (target[plane.alpha] - start[plane.alpha]) * 0.5;
    double halfB = (target[plane.beta] - start[plane.beta]) * 0.5;
    double halfChord = Math.hypot(halfA, halfB);
    if (r == 0) {
      throw c.error("G2/G3 radius R must not be 0");
    }
    if (halfChord == 0) {
      throw c.error("G2/G3 with R cannot make a full circle: give the centre with "
          + plane.alphaOffset + plane.betaOffset);
    }
    double excess = halfChord - Math.abs(r);
    if (excess > 1e-6 * Math.max(1, halfChord)) {
      throw c.error(String.format(Locale.ROOT, "G2/G3 radius %.3f is too small: the end point"
          + " is %.3f mm away", Math.abs(r), 2 * halfChord));
    }
    // Distance from the chord's midpoint to the centre (0 for a half circle).
    double h = excess >= 0 ? 0 : Math.sqrt((Math.abs(r) - halfChord) * (Math.abs(r)
        + halfChord));
    double side = (clockwise ^ (r < 0)) ? -1 : 1;
    return new double[] {halfA - halfB / halfChord * side * h,
        halfB + halfA / halfChord * side * h};
  }

  /**
   * Splits the arc into segments and runs each as a G1 (Marlin's plan_arc, as Klipper uses
   * it): the angle travelled, then points at equal angle steps, the last exactly the target.
   */
  private void planArc(GCodeMove gcodeMove, String commandLine, double[] start,
      double[] target, double[] offset, boolean clockwise, Double e, Double feed,
      boolean absoluteCoord, boolean relativeExtrude, double eStart) {
    int a = plane.alpha;
    int b = plane.beta;
    int h = plane.helical;
    // Radius vector from the centre to the start.
    double rP = -offset[0];
    double rQ = -offset[1];
    double centerP = start[a] - rP;
    double centerQ = start[b] - rQ;
    double rtAlpha = target[a] - centerP;
    double rtBeta = target[b] - centerQ;
    double angularTravel = Math.atan2(rP * rtBeta - rQ * rtAlpha, rP * rtAlpha + rQ * rtBeta);
    if (angularTravel < 0) {
      angularTravel += 2 * Math.PI;
    }
    if (clockwise) {
      angularTravel -= 2 * Math.PI;
    }
    if (angularTravel == 0 && start[a] == target[a] && start[b] == target[b]) {
      angularTravel = 2 * Math.PI; // back to the start: a full circle
    }
    double linearTravel = target[h] - start[h];
    double radius = Math.hypot(rP, rQ);
    double flatMm = radius * angularTravel;
    double mmOfTravel = linearTravel != 0 ? Math.hypot(flatMm, linearTravel)
        : Math.abs(flatMm);
    double segments = Math.max(1.0, Math.floor(mmOfTravel / mmPerSegment));
    double thetaPerSegment = angularTravel / segments;
    double linearPerSegment = linearTravel / segments;
    double ePerMove = 0;
    double eBase = 0;
    if (e != null) {
      if (!relativeExtrude) {
        eBase = eStart;
      }
      ePerMove = (e - eBase) / segments;
    }
    double[] previous = start.clone();
    for (int i = 1; i <= (int) segments; i++) {
      double[] point;
      if (i == segments) {
        point = target;
      } else {
        double theta = i * thetaPerSegment;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        point = new double[3];
        point[a] = centerP + (-offset[0] * cos + offset[1] * sin);
        point[b] = centerQ + (-offset[0] * sin - offset[1] * cos);
        point[h] = start[h] + i * linearPerSegment;
      }
      Map<String, Double> g1 = new LinkedHashMap<>();
      for (int k = 0; k < 3; k++) {
        // In G91 each segment is given relative to the previous one.
        g1.put(AXES.substring(k, k + 1), absoluteCoord ? point[k] : point[k] - previous[k]);
      }
      if (ePerMove != 0) {
        g1.put("E", eBase + ePerMove);
        if (!relativeExtrude) {
          eBase += ePerMove;
        }
      }
      if (feed != null) {
        g1.put("F", feed);
      }
      gcodeMove.linearMove(g1, commandLine);
      previous = point;
    }
  }
}
