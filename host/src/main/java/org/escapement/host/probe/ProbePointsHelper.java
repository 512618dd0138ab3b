package org.escapement.host.probe;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * Probes a list of XY points for a calibration command (DELTA_CALIBRATE, Z_TILT_ADJUST...):
 * with the [probe] in one session, or with METHOD=manual (or no probe) by a manual probe at
 * each point in turn. Between points the head rises to {@code horizontal_move_z}. The
 * finalizer gets every point's result and answers whether it is done or wants the points
 * probed again (a retry).
 */
public final class ProbePointsHelper {
  /** What a finalizer answers. */
  public enum Outcome { DONE, RETRY }

  private final Printer printer;
  private final String name;
  private final java.util.function.Function<List<ProbeResult>, Outcome> finalizer;
  private List<double[]> probePoints;
  private final double defaultHorizontalMoveZ;
  private final double speed;
  private boolean useOffsets;
  private double horizontalMoveZ;
  private double liftSpeed;
  private double[] probeOffsets = {0, 0, 0};
  private final List<ProbeResult> manualResults = new ArrayList<>();

  /**
   * Reads {@code points} (required unless {@code defaultPoints} is given),
   * {@code horizontal_move_z} and {@code speed} from the section.
   */
  public ProbePointsHelper(Printer printer, ConfigSection section,
      java.util.function.Function<List<ProbeResult>, Outcome> finalizer,
      List<double[]> defaultPoints) {
    this.printer = printer;
    this.name = section.name();
    this.finalizer = finalizer;
    probePoints = defaultPoints;
    if (defaultPoints == null || section.has("points")) {
      probePoints = readPoints(section, "points");
    }
    defaultHorizontalMoveZ = section.getFloat("horizontal_move_z", 5.0);
    speed = section.getFloat("speed", 50.0, Bounds.above(0));
    liftSpeed = speed;
  }

  /** X,Y pairs, one per line. */
  public static List<double[]> readPoints(ConfigSection section, String option) {
    List<double[]> points = new ArrayList<>();
    for (List<String> row : section.getLists(option, null, ",")) {
      if (row.size() != 2) {
        throw new ConfigError("Option '" + option + "' in section '" + section.name()
            + "' must have 2 elements");
      }
      try {
        points.add(new double[] {Double.parseDouble(row.get(0).strip()),
            Double.parseDouble(row.get(1).strip())});
      } catch (NumberFormatException e) {
        throw new ConfigError("Unable to parse option '" + option + "' in section '"
            + section.name() + "'");
      }
    }
    return points;
  }

  public List<double[]> points() {
    return probePoints;
  }

  public void minimumPoints(int n) {
    if (probePoints.size() < n) {
      throw new ConfigError("Need at least " + n + " probe points for " + name);
    }
  }

  /** Probe the probe's position over each point, not the nozzle's (bed_mesh style). */
  public void useXyOffsets(boolean use) {
    useOffsets = use;
  }

  public double liftSpeed() {
    return liftSpeed;
  }

  private Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  private void raiseTool(boolean first) {
    // Full speed on the way to the first point.
    toolhead().manualMove(new Double[] {null, null, horizontalMoveZ}, first ? speed : liftSpeed);
  }

  private boolean invokeFinalizer(List<ProbeResult> results) {
    toolhead().lastMoveTime(); // plan what is queued before computing
    return finalizer.apply(results) != Outcome.RETRY;
  }

  private void moveNext(int index) {
    double[] p = probePoints.get(index);
    double x = p[0];
    double y = p[1];
    if (useOffsets) {
      x -= probeOffsets[0];
      y -= probeOffsets[1];
    }
    toolhead().manualMove(new Double[] {x, y}, speed);
  }

  /** Runs the command: METHOD=automatic (the default) or manual; HORIZONTAL_MOVE_Z. */
  public void startProbe(GCodeCommand gcmd) {
    ManualProbeHelper.verifyNoManualProbe(printer);
    ProbeModule probe = printer.lookupObjectOrNull("probe", ProbeModule.class);
    String method = gcmd.get("METHOD", "automatic").toLowerCase(java.util.Locale.ROOT);
    horizontalMoveZ = gcmd.getFloat("HORIZONTAL_MOVE_Z", defaultHorizontalMoveZ);
    if (probe == null || method.equals("manual")) {
      liftSpeed = speed;
      probeOffsets = new double[] {0, 0, 0};
      manualResults.clear();
      manualProbeNext();
      return;
    }
    liftSpeed = probe.liftSpeed(gcmd);
    probeOffsets = probe.offsets();
    if (horizontalMoveZ < probeOffsets[2]) {
      throw gcmd.error("horizontal_move_z can't be less than probe's z_offset");
    }
    HomingProbe.Session session = probe.startProbeSession(gcmd);
    int index = 0;
    while (true) {
      raiseTool(index == 0);
      if (index >= probePoints.size()) {
        if (invokeFinalizer(session.pullProbedResults())) {
          break;
        }
        index = 0; // a retry: probe every point again
      }
      moveNext(index);
      session.runProbe(gcmd);
      index++;
    }
    session.endProbeSession();
  }

  private void manualProbeNext() {
    raiseTool(manualResults.isEmpty());
    if (manualResults.size() >= probePoints.size()) {
      if (invokeFinalizer(List.copyOf(manualResults))) {
        return;
      }
      manualResults.clear();
    }
    moveNext(manualResults.size());
    GCodeCommand gcmd = printer.lookupObject("gcode", GCodeDispatch.class)
        .createCommand("", "", new java.util.LinkedHashMap<>());
    new ManualProbeHelper(printer, gcmd, r -> {
      if (r != null) {
        manualResults.add(r);
        manualProbeNext();
      }
    });
  }
}
