package org.escapement.host.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.escapement.host.motion.kinematics.DeltaCalibration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DELTA_CALIBRATE's fit and commands on a linear delta. */
class DeltaCalibrateTest {
  @TempDir Path tmp;

  static final double[] STEP_DISTS = {0.01, 0.01, 0.01};

  @Test
  void stablePositionsCountStepsBelowTheEndstops() {
    // Arms 250, radius 150: at the centre, at Z 0, each carriage is sqrt(250²-150²) = 200 up,
    // so 300 + 200 - 200 = 300 mm below the endstop's height = 30000 steps of 0.01.
    DeltaCalibration c = new DeltaCalibration(150, new double[] {210, 330, 90},
        new double[] {250, 250, 250}, new double[] {300, 300, 300}, STEP_DISTS);
    assertThat(c.stablePosition(new double[] {0, 0, 0}))
        .containsExactly(new double[] {30000, 30000, 30000}, within(1e-9));
    // Straight out towards tower c (at 90°) by 50: its arm spans 100 across, so its carriage
    // stands sqrt(250²-100²) = 229.129 up.
    double[] s = c.stablePosition(new double[] {0, 50, 0});
    assertThat(s[2]).isCloseTo((500 - Math.sqrt(250 * 250 - 100 * 100)) / 0.01, within(1e-6));
    assertThat(c.positionFromStable(s)).containsExactly(new double[] {0, 50, 0}, within(1e-9));
  }

  @Test
  void theFitRecoversEndstopAngleAndRadiusErrors() {
    DeltaCalibration truth = new DeltaCalibration(149.6, new double[] {210.4, 329.7, 90},
        new double[] {250, 250, 250}, new double[] {300.30, 299.85, 300.10}, STEP_DISTS);
    DeltaCalibration configured = new DeltaCalibration(150, new double[] {210, 330, 90},
        new double[] {250, 250, 250}, new double[] {300, 300, 300}, STEP_DISTS);
    // Where the steppers stood when the nozzle touched the bed (Z 0) at the default points.
    List<DeltaCalibrateModule.Height> heights = new ArrayList<>();
    for (double[] p : DeltaCalibrateModule.defaultPoints(100)) {
      heights.add(new DeltaCalibrateModule.Height(0,
          truth.stablePosition(new double[] {p[0], p[1], 0})));
    }
    // The configured geometry thinks those points are not flat...
    double worst = 0;
    for (DeltaCalibrateModule.Height h : heights) {
      worst = Math.max(worst, Math.abs(configured.positionFromStable(h.stable())[2]));
    }
    assertThat(worst).isGreaterThan(0.1);
    // ...the fitted one finds them flat, with the true endstops, angles and radius.
    DeltaCalibration fitted = DeltaCalibrateModule.fit(configured, heights, heights.size(),
        List.of());
    for (DeltaCalibrateModule.Height h : heights) {
      assertThat(fitted.positionFromStable(h.stable())[2]).isCloseTo(0, within(0.002));
    }
    assertThat(fitted.endstops()).containsExactly(truth.endstops(), within(0.01));
    assertThat(fitted.angles()).containsExactly(truth.angles(), within(0.05));
    assertThat(fitted.radius()).isCloseTo(149.6, within(0.05));
    assertThat(fitted.arms()).containsExactly(new double[] {250, 250, 250}, within(0.0));
  }

  static String deltaConfig() throws Exception {
    return MotionRun.corpusConfig("example-delta.cfg");
  }

  @Test
  void deltaCalibrateByHandReportsTheNewGeometry() throws Exception {
    StringBuilder g = new StringBuilder("G28\nDELTA_CALIBRATE METHOD=manual\n");
    for (int i = 0; i < 7; i++) {
      g.append("TESTZ Z=-4.9\nACCEPT\n");
    }
    MotionRun r = MotionRun.run(tmp, deltaConfig(), g.toString());
    assertThat(r.exitCode).as(r.replies.toString()).isZero();
    // Every point at the same height: the geometry was right; only the endstops move
    // (all 0.1 down) and nothing else changes.
    assertThat(r.replies.stream().filter(l -> l.startsWith("// Starting manual Z probe")))
        .hasSize(7);
    String a = r.replies.stream().filter(l -> l.startsWith("// stepper_a: position_endstop"))
        .findFirst().orElseThrow();
    assertThat(a).startsWith("// stepper_a: position_endstop: ");
    double endstopA = Double.parseDouble(a.split(" ")[3]);
    assertThat(r.replies).contains("// The SAVE_CONFIG command will update the printer config"
        + " file", "// with these parameters and restart the printer.");
    assertThat(r.replies).anyMatch(l -> l.startsWith("// delta_radius: "));
    String cfg = deltaConfig();
    double configured = Double.parseDouble(cfg.substring(cfg.indexOf("position_endstop:")
        + 17, cfg.indexOf('\n', cfg.indexOf("position_endstop:"))).strip());
    // The descent stops once its steps are small; radius and endstops trade off a little.
    assertThat(endstopA).isCloseTo(configured - 0.1, within(0.03));
  }

  @Test
  void errorsSayWhatKlipperSays() throws Exception {
    MotionRun r = MotionRun.run(tmp, deltaConfig(), "DELTA_ANALYZE CENTER_DISTS=1,2\n");
    assertThat(r.error()).isEqualTo("Parameter 'CENTER_DISTS' must have 6 values");
    r = MotionRun.run(tmp, deltaConfig(), "DELTA_ANALYZE SCALE=x\n");
    assertThat(r.error()).isEqualTo("Unable to parse parameter 'SCALE'");
    r = MotionRun.run(tmp, deltaConfig(), "DELTA_ANALYZE CALIBRATE=basic\n");
    assertThat(r.error()).isEqualTo("Unknown calibrate action");
    r = MotionRun.run(tmp, deltaConfig(), "DELTA_ANALYZE CALIBRATE=extended\n");
    assertThat(r.error()).isEqualTo("Must run basic calibration with DELTA_CALIBRATE first");
    r = MotionRun.run(tmp, deltaConfig(), "DELTA_ANALYZE SCALE=1 CENTER_DISTS=1,2,3,4,5,6\n"
        + "DELTA_ANALYZE CALIBRATE=extended\n");
    assertThat(r.error()).isEqualTo("Not all measurements provided");
    r = MotionRun.run(tmp, MotionRun.corpusConfig("example-cartesian.cfg")
        + "\n[delta_calibrate]\nradius: 50\n", "");
    assertThat(r.error()).contains("Delta calibrate is only for delta printers");
  }
}
