package org.escapement.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated printer end to end: our host homes against the sim MCU's modelled endstops
 * and moves; the MCU's step trace, turned back into toolhead coordinates, follows the
 * commanded path.
 */
class SimPrintIT {
  @TempDir Path tmp;

  @Test
  void homesOnTheModelledEndstopsAndTracesTheCommandedPath() throws Exception {
    Path home = EscapementHome.dir();
    Path gcode = Path.of(getClass().getResource("/sim/square.gcode").toURI());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintJob.Options o = new PrintJob.Options(gcode,
        home.resolve("config-examples/sim-printer.cfg"),
        home.resolve("config-examples/sim-printer.model"), 1.0, null, tmp, true);
    PrintJob.Report r = new PrintJob(o, new PrintStream(console, true, StandardCharsets.UTF_8),
        new PrintJob.Progress() {
          @Override
          public void update(double fraction, int layer, double eta, String state) {}

          @Override
          public void done() {}
        }).run();
    String said = console.toString(StandardCharsets.UTF_8);
    assertThat(r.exitCode()).as(said).isZero();
    // The model starts X 87 mm from its endstop at 80 steps/mm: homing walks all of it,
    // then the square and diagonals.
    assertThat(r.steps().get("stepper_x")).isGreaterThan(87 * 80);
    assertThat(r.deviation().points()).isGreaterThan(10_000);
    // Input shaping rounds corners by a few hundredths of a millimetre; steps are 0.0125 mm.
    assertThat(r.deviation().max()).as("largest deviation (mm)").isLessThan(0.1);
    assertThat(r.deviation().p99()).isLessThan(0.02);
    assertThat(Files.size(r.plot())).isPositive();
    System.out.printf("sim print: %d points, max deviation %.4f mm, p99 %.4f mm%n",
        r.deviation().points(), r.deviation().max(), r.deviation().p99());
  }
}
