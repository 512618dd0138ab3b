package org.escapement.host.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.escapement.host.config.Bounds;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * One manual Z probe (the paper test): while it lasts, TESTZ moves the nozzle up or down
 * (by a distance, or {@code +}/{@code -} halfway towards the nearest height tried above or
 * below, {@code ++}/{@code --} all the way to it, never more than 0.2 mm at once), and ACCEPT
 * (or NEXT) takes the height or ABORT drops it. The height is where the steppers really are
 * (their whole steps), not where the toolhead was told to go. Moves down always end with an
 * upward approach of at least 0.5 mm, so that backlash is taken up the same way each time.
 */
public final class ManualProbeHelper {
  static final double Z_BOB_MINIMUM = 0.500;
  static final double BISECT_MAX = 0.200;

  private final Printer printer;
  private final GCodeDispatch gcode;
  private final Toolhead toolhead;
  private final ManualProbe manualProbe;
  private final Consumer<ProbeResult> finalizeCallback;
  private final double speed;
  /** Heights tried so far, in increasing order. */
  private final List<Double> pastPositions = new ArrayList<>();
  private final double[] startPosition;
  private double[] lastToolheadPos;
  private double[] lastKinematicsPos;

  /**
   * Starts the session; {@code finalizeCallback} gets the result on ACCEPT, null on ABORT.
   */
  public ManualProbeHelper(Printer printer, GCodeCommand gcmd,
      Consumer<ProbeResult> finalizeCallback) {
    this.printer = printer;
    this.finalizeCallback = finalizeCallback;
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    toolhead = printer.lookupObject("toolhead", Toolhead.class);
    manualProbe = ManualProbe.of(printer);
    speed = gcmd.getFloat("SPEED", 5.0);
    verifyNoManualProbe(printer);
    gcode.register("ACCEPT", this::cmdAccept, false, "Accept the current Z position");
    gcode.register("NEXT", this::cmdAccept, false, null);
    gcode.register("ABORT", c -> finish(false), false, "Abort manual Z probing tool");
    gcode.register("TESTZ", this::cmdTestz, false, "Move to new Z height");
    gcode.respondInfo("Starting manual Z probe. Use TESTZ to adjust position.\n"
        + "Finish with ACCEPT or ABORT command.");
    startPosition = toolhead.position();
    reportZStatus(false, 0);
  }

  /** Refuses to start a second manual probe while one is under way. */
  public static void verifyNoManualProbe(Printer printer) {
    if (printer.lookupObject("gcode", GCodeDispatch.class).handler("ACCEPT") != null) {
      throw new CommandError("Already in a manual Z probe. Use ABORT to abort it.");
    }
  }

  private double[] kinematicsPosition() {
    double[] pos = toolhead.position();
    if (Arrays.equals(pos, lastToolheadPos)) {
      return lastKinematicsPos;
    }
    toolhead.flushStepGeneration();
    Map<String, Double> stepperPos = new LinkedHashMap<>();
    for (Stepper s : toolhead.kinematics().steppers()) {
      stepperPos.put(s.name(), s.commandedPosition());
    }
    lastToolheadPos = pos;
    lastKinematicsPos = toolhead.kinematics().calcPosition(stepperPos);
    return lastKinematicsPos;
  }

  private void moveZ(double z) {
    double current = toolhead.position()[2];
    try {
      double bob = z + Z_BOB_MINIMUM;
      if (current < bob) {
        toolhead.manualMove(new Double[] {null, null, bob}, speed);
      }
      toolhead.manualMove(new Double[] {null, null, z}, speed);
    } catch (CommandError e) {
      finish(false);
      throw e;
    }
  }

  private void reportZStatus(boolean warnNoChange, double previous) {
    double z = kinematicsPosition()[2];
    if (warnNoChange && z == previous) {
      gcode.respondInfo("WARNING: No change in position (reached stepper resolution)");
    }
    int next = lowerBound(z);
    int prev = next - 1;
    if (next < pastPositions.size() && pastPositions.get(next) == z) {
      next++;
    }
    Double lower = prev >= 0 ? pastPositions.get(prev) : null;
    Double upper = next < pastPositions.size() ? pastPositions.get(next) : null;
    manualProbe.setStatus(z, lower, upper);
    gcode.respondInfo(String.format(Locale.ROOT, "Z position: %s --> %.3f <-- %s",
        lower == null ? "??????" : String.format(Locale.ROOT, "%.3f", lower), z,
        upper == null ? "??????" : String.format(Locale.ROOT, "%.3f", upper)));
  }

  /** The index of the first past height not below {@code z}. */
  private int lowerBound(double z) {
    int i = Collections.binarySearch(pastPositions, z);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && pastPositions.get(i - 1) == z) {
      i--;
    }
    return i;
  }

  private void cmdAccept(GCodeCommand c) {
    double[] pos = toolhead.position();
    if (pos[0] != startPosition[0] || pos[1] != startPosition[1]
        || pos[2] >= startPosition[2]) {
      c.respondInfo("Manual probe failed! Use TESTZ commands to position the\n"
          + "nozzle prior to running ACCEPT.");
      finish(false);
      return;
    }
    finish(true);
  }

  private void cmdTestz(GCodeCommand c) {
    double z = kinematicsPosition()[2];
    int insertAt = lowerBound(z);
    if (insertAt >= pastPositions.size() || pastPositions.get(insertAt) != z) {
      pastPositions.add(insertAt, z);
    }
    String req = c.get("Z");
    double nextZ;
    if (req.equals("+") || req.equals("++")) {
      double check = 9999999999999.9;
      if (insertAt < pastPositions.size() - 1) {
        check = pastPositions.get(insertAt + 1);
      }
      if (req.equals("+")) {
        check = (check + z) / 2.0;
      }
      nextZ = Math.min(check, z + BISECT_MAX);
    } else if (req.equals("-") || req.equals("--")) {
      double check = -9999999999999.9;
      if (insertAt > 0) {
        check = pastPositions.get(insertAt - 1);
      }
      if (req.equals("-")) {
        check = (check + z) / 2.0;
      }
      nextZ = Math.max(check, z - BISECT_MAX);
    } else {
      nextZ = z + c.getFloat("Z", null, Bounds.NONE);
    }
    moveZ(nextZ);
    reportZStatus(nextZ != z, z);
  }

  private void finish(boolean success) {
    manualProbe.resetStatus();
    for (String cmd : new String[] {"ACCEPT", "NEXT", "ABORT", "TESTZ"}) {
      gcode.unregister(cmd);
    }
    ProbeResult result = null;
    if (success) {
      result = ProbeResult.of(kinematicsPosition(), new double[] {0, 0, 0});
    }
    finalizeCallback.accept(result);
  }
}
