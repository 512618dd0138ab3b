package org.escapement.host.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [z_tilt]}: Z_TILT_ADJUST probes the points, fits a plane z = a + b·x + c·y to them
 * (least squares), and raises or lowers each Z motor by the plane's height at that motor's
 * pivot ({@code z_positions}), so that the bed ends level with the gantry.
 */
public final class ZTiltModule implements StatusProvider {
  private final List<double[]> zPositions;
  private final ZAdjustHelper.Retry retry;
  private final ProbePointsHelper probeHelper;
  private final ZAdjustHelper zHelper;

  public ZTiltModule(Printer printer, ConfigSection section) {
    zPositions = ProbePointsHelper.readPoints(section, "z_positions");
    retry = new ZAdjustHelper.Retry(printer, section, "");
    probeHelper = new ProbePointsHelper(printer, section, this::probeFinalize, null);
    probeHelper.minimumPoints(2);
    zHelper = new ZAdjustHelper(printer, section, zPositions.size());
    ManualProbe.of(printer);
    printer.lookupObject("gcode", GCodeDispatch.class).register("Z_TILT_ADJUST",
        this::cmdZTiltAdjust, false, "Adjust the Z tilt");
  }

  private void cmdZTiltAdjust(GCodeCommand c) {
    zHelper.reset();
    retry.start(c);
    probeHelper.startProbe(c);
  }

  /** Each motor's adjustment: the fitted plane's height at its pivot. */
  static double[] adjustments(List<ProbeResult> positions, List<double[]> zPositions) {
    double[] plane = LeastSquares.plane(positions);
    System.getLogger("probe").log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Calculated bed tilt parameters: x_adjust=%.6f y_adjust=%.6f z_adjust=%.6f", plane[1],
        plane[2], plane[0]));
    double[] adjust = new double[zPositions.size()];
    for (int i = 0; i < adjust.length; i++) {
      double[] zp = zPositions.get(i);
      adjust[i] = zp[0] * plane[1] + zp[1] * plane[2] + plane[0];
    }
    return adjust;
  }

  private ProbePointsHelper.Outcome probeFinalize(List<ProbeResult> positions) {
    zHelper.adjustSteppers(adjustments(positions, zPositions), probeHelper.liftSpeed());
    double[] z = positions.stream().mapToDouble(ProbeResult::bedZ).toArray();
    return zHelper.checkRetryResult(retry.check(z));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("applied", zHelper.applied());
    return s;
  }
}
