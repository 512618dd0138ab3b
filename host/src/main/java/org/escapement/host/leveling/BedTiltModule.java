package org.escapement.host.leveling;

import java.util.List;
import java.util.Locale;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.printer.Printer;
import org.escapement.host.probe.LeastSquares;
import org.escapement.host.probe.ManualProbe;
import org.escapement.host.probe.ProbePointsHelper;

/**
 * {@code [bed_tilt]}: treats the bed as a tilted plane and adds its height,
 * x·{@code x_adjust} + y·{@code y_adjust} + {@code z_adjust}, to the Z of every G-code move
 * (and takes it off the position G-code sees). With {@code points}, BED_TILT_CALIBRATE
 * probes them and fits the plane z = a + b·x + c·y by least squares; the result is used at
 * once and kept for SAVE_CONFIG.
 */
public final class BedTiltModule implements GCodeMove.MoveTransform {
  private final Printer printer;
  private double xAdjust;
  private double yAdjust;
  private double zAdjust;
  private final ProbePointsHelper probeHelper;
  private GCodeMove.MoveTransform next;

  public BedTiltModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    xAdjust = section.getFloat("x_adjust", 0.0);
    yAdjust = section.getFloat("y_adjust", 0.0);
    zAdjust = section.getFloat("z_adjust", 0.0);
    if (section.get("points", null) != null) {
      probeHelper = new ProbePointsHelper(printer, section, this::probeFinalize, null);
      probeHelper.minimumPoints(3);
      ManualProbe.of(printer);
      printer.lookupObject("configfile", ConfigFileStatus.class).registerSaveConfig(printer);
      printer.lookupObject("gcode", GCodeDispatch.class).register("BED_TILT_CALIBRATE",
          c -> probeHelper.startProbe(c), false, "Bed tilt calibration script");
    } else {
      probeHelper = null;
    }
    // gcode_move is made after the modules: take the moves once everything exists.
    printer.onEvent(Printer.Event.CONNECT, () -> next = printer
        .lookupObject("gcode_move", GCodeMove.class).setMoveTransform(this, false));
  }

  private double tilt(double x, double y) {
    return x * xAdjust + y * yAdjust + zAdjust;
  }

  @Override
  public void move(double[] newPos, double speed) {
    double[] p = newPos.clone();
    p[2] += tilt(p[0], p[1]);
    next.move(p, speed);
  }

  @Override
  public double[] position() {
    double[] p = next.position().clone();
    p[2] -= tilt(p[0], p[1]);
    return p;
  }

  /** The plane through the probed heights: {x_adjust, y_adjust, z_adjust}. */
  static double[] fit(List<ProbeResult> positions) {
    double[] plane = LeastSquares.plane(positions);
    return new double[] {plane[1], plane[2], plane[0]};
  }

  private ProbePointsHelper.Outcome probeFinalize(List<ProbeResult> positions) {
    double[] adjust = fit(positions);
    xAdjust = adjust[0];
    yAdjust = adjust[1];
    zAdjust = adjust[2];
    printer.lookupObject("gcode_move", GCodeMove.class).resetLastPosition();
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    String[] names = {"x_adjust", "y_adjust", "z_adjust"};
    for (int i = 0; i < 3; i++) {
      configfile.set("bed_tilt", names[i], String.format(Locale.ROOT, "%.6f", adjust[i]));
    }
    String msg = String.format(Locale.ROOT, "x_adjust: %.6f y_adjust: %.6f z_adjust: %.6f",
        xAdjust, yAdjust, zAdjust);
    KlippyLog log = KlippyLog.current();
    if (log != null) {
      log.setRolloverInfo("bed_tilt", "bed_tilt: " + msg, true);
    }
    printer.lookupObject("gcode", GCodeDispatch.class).respondInfo(msg + "\n"
        + "The above parameters have been applied to the current\n"
        + "session. The SAVE_CONFIG command will update the printer\n"
        + "config file and restart the printer.");
    return ProbePointsHelper.Outcome.DONE;
  }
}
