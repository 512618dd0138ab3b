package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PID control of the simulated MCU's hotend model: M109 returns only when the temperature has
 * settled, the PID then holds it within a degree, and PID_CALIBRATE finds gains that do the
 * same. The sim runs twice as fast as the wall clock; times are the printer's.
 */
@Timeout(300)
class HeaterPidIT {
  static final double SPEED = 2;
  @TempDir Path tmp;

  /** The model's temperature once a (printer) second for {@code seconds}. */
  static List<Double> hold(SimPrinter sp, double seconds) throws Exception {
    List<Double> out = new ArrayList<>();
    long start = sp.report("extruder").clock();
    double last;
    do {
      Thread.sleep((long) (1000 / SPEED));
      SimPrinter.ModelState s = sp.report("extruder");
      out.add(s.celsius());
      last = SimPrinter.seconds(s.clock() - start);
    } while (last < seconds);
    return out;
  }

  static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** M109 S210, then 60 s of holding; returns {M109 seconds, lowest, highest}. */
  static double[] heatAndHold(SimPrinter sp) throws Exception {
    long start = sp.report("extruder").clock();
    sp.gcode("M109 S210");
    SimPrinter.ModelState done = sp.report("extruder");
    double took = SimPrinter.seconds(done.clock() - start);
    assertThat(sp.printer().isShutdown()).as(sp.printer().stateMessage()).isFalse();
    // Returned only once settled: at the target, in the model as well as in the readings.
    assertThat(done.celsius()).isBetween(209.0, 211.0);
    List<Double> held = hold(sp, 60);
    return new double[] {took, min(held), max(held)};
  }

  @Test
  void m109WaitsUntilSettledThenPidHolds210WithinADegree() throws Exception {
    try (SimPrinter sp = new SimPrinter(tmp, SPEED)) {
      sp.startHost(sp.config("extruder"));
      double[] r = heatAndHold(sp);
      System.out.printf(Locale.ROOT, "[heater pid] gains of sim-heaters.cfg: M109 S210 returned"
          + " after %.1f s; the next 60 s %.2f..%.2f °C%n", r[0], r[1], r[2]);
      assertThat(r[1]).isGreaterThanOrEqualTo(209);
      assertThat(r[2]).isLessThanOrEqualTo(211);
    }
  }

  @Test
  void pidCalibrateConvergesAndItsSavedGainsHold210() throws Exception {
    try (SimPrinter sp = new SimPrinter(tmp, SPEED)) {
      sp.startHost(sp.config("extruder"));
      long start = sp.report("extruder").clock();
      sp.gcode("PID_CALIBRATE HEATER=extruder TARGET=210");
      double took = SimPrinter.seconds(sp.report("extruder").clock() - start);
      Matcher m = Pattern.compile("pid_Kp=([\\d.]+) pid_Ki=([\\d.]+) pid_Kd=([\\d.]+)")
          .matcher(sp.replies());
      assertThat(m.find()).as(sp.replies()).isTrue();
      System.out.printf(Locale.ROOT, "[heater pid] PID_CALIBRATE TARGET=210 took %.1f s:"
          + " pid_Kp=%s pid_Ki=%s pid_Kd=%s%n", took, m.group(1), m.group(2), m.group(3));

      // SAVE_CONFIG writes them into printer.cfg and restarts with them.
      var oldPrinter = sp.printer();
      sp.gcode("SAVE_CONFIG");
      String saved = Files.readString(tmp.resolve("printer.cfg"));
      assertThat(saved).contains("#*# [extruder]", "#*# pid_kp = " + m.group(1),
          "#*# pid_ki = " + m.group(2), "#*# pid_kd = " + m.group(3));
      sp.awaitRestart(oldPrinter);
      double[] r = heatAndHold(sp);
      System.out.printf(Locale.ROOT, "[heater pid] calibrated gains: M109 S210 returned after"
          + " %.1f s; the next 60 s %.2f..%.2f °C%n", r[0], r[1], r[2]);
      assertThat(r[1]).isGreaterThanOrEqualTo(209);
      assertThat(r[2]).isLessThanOrEqualTo(211);
    }
  }
}
