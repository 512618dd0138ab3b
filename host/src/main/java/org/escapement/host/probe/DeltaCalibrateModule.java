package org.escapement.host.probe;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.kinematics.DeltaCalibration;
import org.escapement.host.motion.kinematics.Kinematics;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * {@code [delta_calibrate]}: DELTA_CALIBRATE probes seven points (the centre and six around
 * it, or the section's {@code points}) and fits the endstops, tower angles and radius so that
 * every point comes out at the height it was probed at; DELTA_ANALYZE adds measurements of
 * the printed calibration object (then the arm lengths are fitted too). Results go to the
 * SAVE_CONFIG block, with the probe points as stable positions (steps below each endstop) so
 * that a later DELTA_ANALYZE can refit them.
 */
public final class DeltaCalibrateModule {
  /** The calibration object's measuring directions (degrees) and radii (mm). */
  static final double[] MEASURE_ANGLES = {210, 270, 330, 30, 90, 150};
  static final double MEASURE_OUTER_RADIUS = 65;
  static final double MEASURE_RIDGE_RADIUS = 5.0 - 0.5;
  /** How much a distance measurement counts against a height. */
  static final double MEASURE_WEIGHT = 0.5;
  /** The error of a geometry the arms cannot reach: worse than any real one. */
  static final double UNREACHABLE_ERROR = 9999999999999.9;

  /** A height the head was at, and where the carriages stood (steps below the endstops). */
  public record Height(double z, double[] stable) {}

  /** A distance measured between two points, given as stable positions. */
  public record Distance(double dist, double[] stable1, double[] stable2) {}

  private final Printer printer;
  private final GCodeDispatch gcode;
  private final ProbePointsHelper probeHelper;
  private List<Height> lastProbePositions = new ArrayList<>();
  private final List<Height> manualHeights = new ArrayList<>();
  private final List<Distance> lastDistances = new ArrayList<>();
  private final java.util.Map<String, double[]> analyzeEntry = new java.util.LinkedHashMap<>();

  public DeltaCalibrateModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    double radius = section.getFloat("radius", null, Bounds.above(0));
    probeHelper = new ProbePointsHelper(printer, section, this::probeFinalize,
        defaultPoints(radius));
    probeHelper.minimumPoints(3);
    for (int i = 0; i < 999 && section.has("height" + i); i++) {
      lastProbePositions.add(new Height(section.getFloat("height" + i),
          stable(section, "height" + i + "_pos")));
    }
    for (int i = 0; i < 999 && section.has("manual_height" + i); i++) {
      manualHeights.add(new Height(section.getFloat("manual_height" + i),
          stable(section, "manual_height" + i + "_pos")));
    }
    for (int i = 0; i < 999 && section.has("distance" + i); i++) {
      lastDistances.add(new Distance(section.getFloat("distance" + i),
          stable(section, "distance" + i + "_pos1"), stable(section, "distance" + i + "_pos2")));
    }
    analyzeEntry.put("SCALE", new double[] {1.0});
    gcode.register("DELTA_CALIBRATE", probeHelper::startProbe, false,
        "Delta calibration script");
    gcode.register("DELTA_ANALYZE", this::cmdDeltaAnalyze, false,
        "Extended delta calibration tool");
    ManualProbe.of(printer);
    printer.onEvent(Printer.Event.CONNECT, () -> {
      Kinematics kin = printer.lookupObject("toolhead", Toolhead.class).kinematics();
      if (DeltaCalibration.of(kin) == null) {
        String kind = printer.lookupObject("configfile", ConfigFileStatus.class).config()
            .section("printer").get("kinematics", "");
        if (kind.equals("rotary_delta")) {
          throw new ConfigError("Section 'delta_calibrate' with rotary_delta kinematics is"
              + " not supported yet");
        }
        throw new ConfigError("Delta calibrate is only for delta printers");
      }
    });
  }

  /** The centre, and six points around it at 95%, 90%, 85%, 70%, 75% and 80% of radius. */
  static List<double[]> defaultPoints(double radius) {
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    double[] scatter = {.95, .90, .85, .70, .75, .80};
    for (int i = 0; i < 6; i++) {
      double r = Math.toRadians(90.0 + 60.0 * i);
      double dist = radius * scatter[i];
      points.add(new double[] {Math.cos(r) * dist, Math.sin(r) * dist});
    }
    return points;
  }

  private static double[] stable(ConfigSection section, String option) {
    List<Double> v = section.getFloatList(option, null, ",", 3);
    return new double[] {v.get(0), v.get(1), v.get(2)};
  }

  private DeltaCalibration calibration() {
    return DeltaCalibration.of(printer.lookupObject("toolhead", Toolhead.class).kinematics());
  }

  private ProbePointsHelper.Outcome probeFinalize(List<ProbeResult> positions) {
    DeltaCalibration cal = calibration();
    List<Height> probed = new ArrayList<>();
    for (ProbeResult p : positions) {
      probed.add(new Height(p.testZ() - p.bedZ(),
          cal.stablePosition(new double[] {p.testX(), p.testY(), p.testZ()})));
    }
    calculate(probed, lastDistances);
    return ProbePointsHelper.Outcome.DONE;
  }

  /**
   * The geometry that best explains the heights (and distances): the sum of squared height
   * errors, weighted against the sum of squared distance errors, made least.
   */
  static DeltaCalibration fit(DeltaCalibration orig, List<Height> heights, int probeCount,
      List<Distance> distances) {
    double zWeight = distances.isEmpty() ? 1.0
        : distances.size() / (MEASURE_WEIGHT * probeCount);
    Map<String, Double> fitted = CoordinateDescent.minimise(
        DeltaCalibration.adjustable(!distances.isEmpty()), orig.params(), params -> {
          DeltaCalibration c = DeltaCalibration.fromParams(params);
          double total = 0;
          for (Height h : heights) {
            double z = c.positionFromStable(h.stable())[2];
            total += (z - h.z()) * (z - h.z());
          }
          total *= zWeight;
          for (Distance d : distances) {
            double e = distance(c.positionFromStable(d.stable1()),
                c.positionFromStable(d.stable2())) - d.dist();
            total += e * e;
          }
          return Double.isNaN(total) ? UNREACHABLE_ERROR : total;
        });
    return DeltaCalibration.fromParams(fitted);
  }

  private static double distance(double[] p, double[] q) {
    double dx = p[0] - q[0];
    double dy = p[1] - q[1];
    double dz = p[2] - q[2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  private void calculate(List<Height> probePositions, List<Distance> distances) {
    List<Height> heights = new ArrayList<>(manualHeights);
    heights.addAll(probePositions);
    DeltaCalibration fitted = fit(calibration(), heights, probePositions.size(), distances);
    saveState(probePositions, distances, fitted);
    gcode.respondInfo("The SAVE_CONFIG command will update the printer config file\n"
        + "with these parameters and restart the printer.");
  }

  private void saveState(List<Height> probePositions, List<Distance> distances,
      DeltaCalibration c) {
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    configfile.set("printer", "delta_radius", f6(c.radius()));
    double[] angles = c.angles();
    double[] arms = c.arms();
    double[] endstops = c.endstops();
    StringBuilder msg = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      String s = "stepper_" + "abc".charAt(i);
      configfile.set(s, "angle", f6(angles[i]));
      configfile.set(s, "arm_length", f6(arms[i]));
      configfile.set(s, "position_endstop", f6(endstops[i]));
      msg.append(String.format(Locale.ROOT, "%s: position_endstop: %.6f angle: %.6f"
          + " arm_length: %.6f\n", s, endstops[i], angles[i], arms[i]));
    }
    gcode.respondInfo(msg + "delta_radius: " + f6(c.radius()));
    String section = "delta_calibrate";
    configfile.removeSection(section);
    for (int i = 0; i < probePositions.size(); i++) {
      configfile.set(section, "height" + i, number(probePositions.get(i).z()));
      configfile.set(section, "height" + i + "_pos", pos(probePositions.get(i).stable()));
    }
    for (int i = 0; i < manualHeights.size(); i++) {
      configfile.set(section, "manual_height" + i, number(manualHeights.get(i).z()));
      configfile.set(section, "manual_height" + i + "_pos", pos(manualHeights.get(i).stable()));
    }
    for (int i = 0; i < distances.size(); i++) {
      configfile.set(section, "distance" + i, number(distances.get(i).dist()));
      configfile.set(section, "distance" + i + "_pos1", pos(distances.get(i).stable1()));
      configfile.set(section, "distance" + i + "_pos2", pos(distances.get(i).stable2()));
    }
    lastProbePositions = new ArrayList<>(probePositions);
  }

  private static String f6(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  private static String pos(double[] s) {
    return String.format(Locale.ROOT, "%.3f,%.3f,%.3f", s[0], s[1], s[2]);
  }

  private static String number(double v) {
    String s = Double.toString(v);
    return s.contains("E") ? new BigDecimal(s).toPlainString() : s;
  }

  private void cmdDeltaAnalyze(GCodeCommand c) {
    Double manualHeight = c.getFloatOrNull("MANUAL_HEIGHT", Bounds.NONE);
    if (manualHeight != null) {
      addManualHeight(manualHeight);
      return;
    }
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    counts.put("CENTER_DISTS", 6);
    counts.put("CENTER_PILLAR_WIDTHS", 3);
    counts.put("OUTER_DISTS", 6);
    counts.put("OUTER_PILLAR_WIDTHS", 6);
    counts.put("SCALE", 1);
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      String data = c.get(e.getKey(), null);
      if (data == null) {
        continue;
      }
      String[] parts = data.split(",", -1);
      double[] values = new double[parts.length];
      try {
        for (int i = 0; i < parts.length; i++) {
          values[i] = Double.parseDouble(parts[i].strip());
        }
      } catch (NumberFormatException ex) {
        throw c.error("Unable to parse parameter '" + e.getKey() + "'");
      }
      if (values.length != e.getValue()) {
        throw c.error("Parameter '" + e.getKey() + "' must have " + e.getValue() + " values");
      }
      analyzeEntry.put(e.getKey(), values);
    }
    String action = c.get("CALIBRATE", null);
    if (action != null) {
      if (!action.equals("extended")) {
        throw c.error("Unknown calibrate action");
      }
      extendedCalibration();
    }
  }

  private void addManualHeight(double height) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    toolhead.flushStepGeneration();
    Map<String, Double> stepperPos = new java.util.LinkedHashMap<>();
    for (Stepper s : toolhead.kinematics().steppers()) {
      stepperPos.put(s.name(), s.commandedPosition());
    }
    double[] kinPos = toolhead.kinematics().calcPosition(stepperPos);
    manualHeights.add(new Height(height, calibration().stablePosition(kinPos)));
    gcode.respondInfo(String.format(Locale.ROOT,
        "Adding manual height: %.3f,%.3f,%.3f is actually z=%.3f", kinPos[0], kinPos[1],
        kinPos[2], height));
  }

  private void extendedCalibration() {
    List<Distance> distances;
    if (analyzeEntry.size() <= 1) {
      distances = lastDistances;
    } else if (analyzeEntry.size() < 5) {
      throw new CommandError("Not all measurements provided");
    } else {
      distances = measurementsToDistances(analyzeEntry, calibration());
    }
    if (lastProbePositions.isEmpty()) {
      throw new CommandError("Must run basic calibration with DELTA_CALIBRATE first");
    }
    calculate(lastProbePositions, distances);
  }

  /**
   * The printed calibration object's measurements as distances between stable positions:
   * six from the centre pillar's ridges outwards, six along the outer pillars.
   */
  static List<Distance> measurementsToDistances(Map<String, double[]> m, DeltaCalibration c) {
    double scale = m.get("SCALE")[0];
    double[] cpw = m.get("CENTER_PILLAR_WIDTHS");
    double[] centerWidths = {cpw[0], cpw[2], cpw[1], cpw[0], cpw[2], cpw[1]};
    double[] centerDists = m.get("CENTER_DISTS");
    double[] outerDists = m.get("OUTER_DISTS");
    double[] outerWidths = m.get("OUTER_PILLAR_WIDTHS");
    double[][] dirs = new double[6][];
    for (int i = 0; i < 6; i++) {
      double a = Math.toRadians(MEASURE_ANGLES[i]);
      dirs[i] = new double[] {Math.cos(a), Math.sin(a)};
    }
    double innerRidge = MEASURE_RIDGE_RADIUS * scale;
    double outerRidge = (MEASURE_OUTER_RADIUS + MEASURE_RIDGE_RADIUS) * scale;
    double outerCenter = MEASURE_OUTER_RADIUS * scale;
    List<Distance> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      double[] d = dirs[i];
      out.add(new Distance(centerDists[i] - centerWidths[i],
          c.stablePosition(new double[] {d[0] * innerRidge, d[1] * innerRidge, 0}),
          c.stablePosition(new double[] {d[0] * outerRidge, d[1] * outerRidge, 0})));
    }
    for (int i = 0; i < 6; i++) {
      double[] start = {dirs[i][0] * outerCenter, dirs[i][1] * outerCenter};
      double[] d = dirs[(i + 2) % 6]; // measured across, two directions on
      out.add(new Distance(outerDists[i] - outerWidths[i],
          c.stablePosition(new double[] {d[0] * innerRidge + start[0],
              d[1] * innerRidge + start[1], 0}),
          c.stablePosition(new double[] {d[0] * outerRidge + start[0],
              d[1] * outerRidge + start[1], 0})));
    }
    return out;
  }
}
