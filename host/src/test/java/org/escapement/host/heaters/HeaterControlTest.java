package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.printer.Printer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Heater control, checks and G-code against a Java thermal model on a virtual clock. */
class HeaterControlTest {
  static final String EXTRUDER = """
      [test_extruder]
      heater_pin: PB4
      sensor_type: model
      sensor_pin: PK5
      control: pid
      pid_Kp: 22.2
      pid_Ki: 1.08
      pid_Kd: 114
      min_temp: 0
      max_temp: 250
      """;
  static final String BED = """
      [heater_bed]
      heater_pin: PH5
      sensor_type: model
      sensor_pin: PK6
      control: watermark
      min_temp: 0
      max_temp: 110
      """;

  final List<HeaterRig> rigs = new ArrayList<>();

  HeaterRig rig(String config) throws Exception {
    HeaterRig r = new HeaterRig(config);
    rigs.add(r);
    return r;
  }

  /** A 40 W hotend: about a minute to 200 °C, a third of full power to hold 210 °C. */
  static HeaterRig.Thermal hotend() {
    return new HeaterRig.Thermal(40, 15, 0.07);
  }

  /** A 250 W bed: a few minutes to 60 °C. */
  static HeaterRig.Thermal bed() {
    return new HeaterRig.Thermal(250, 600, 1.5);
  }

  @AfterEach
  void close() {
    rigs.forEach(HeaterRig::close);
  }

  /** The model's temperatures every 0.3 s over {@code seconds} (in the scenario's fiber). */
  static List<Double> record(HeaterRig rig, HeaterRig.Thermal m, double seconds) {
    List<Double> out = new ArrayList<>();
    double end = rig.now() + seconds;
    while (rig.now() < end) {
      rig.idle(0.3);
      m.advance(rig.now());
      out.add(m.celsius);
    }
    return out;
  }

  static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  @Test
  void m109ReturnsOnlyWhenSettledAndPidThenHolds210WithinADegree() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      double start = rig.now();
      rig.run("M109 S210");
      double heatTime = rig.now() - start;
      m.advance(rig.now());
      assertThat(m.celsius).isCloseTo(210, within(1.0));
      List<Double> after = record(rig, m, 120);
      System.out.printf("model hotend: M109 S210 returned after %.1f s at %.2f °C;"
          + " the next 120 s %.2f..%.2f °C%n", heatTime, m.celsius, min(after), max(after));
      assertThat(min(after)).isGreaterThanOrEqualTo(209);
      assertThat(max(after)).isLessThanOrEqualTo(211);
    });
    // While waiting it reported temperatures once a second, M105 style.
    assertThat(rig.replies).anyMatch(r -> r.matches("T0:\\d+\\.\\d /210\\.0"));
  }

  @Test
  void theMcuHearsFromAHeatingHeaterAtLeastEveryThreeSecondsButNotForTinyChanges()
      throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      rig.run("M109 S210");
      double from = rig.now();
      int before = m.applied.size();
      record(rig, m, 60);
      List<double[]> sent = m.applied.subList(before, m.applied.size());
      double maxGap = 0;
      for (int i = 1; i < sent.size(); i++) {
        maxGap = Math.max(maxGap, sent.get(i)[0] - sent.get(i - 1)[0]);
      }
      // 200 readings in the minute; only the significant changes and refreshes went out.
      assertThat(sent.size()).isBetween(20, 100);
      assertThat(maxGap).isLessThan(Heater.MAX_HEAT_TIME);
      assertThat(sent.getFirst()[0] - from).isLessThan(Heater.MAX_HEAT_TIME);
    });
  }

  @Test
  void withoutAProofOfLifeFromTheMainLoopTheHeaterStaysOff() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    Heater h = rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      // Connected but never ready: the once-a-second main loop timer never ran.
      rig.printer.sendEvent(Printer.Event.CONNECT);
      h.setTemp(200);
      rig.idle(10);
      assertThat(m.applied).isEmpty();
      assertThat(m.celsius).isCloseTo(25, within(0.01));
      // One proof of life: heating for 5 s of readings, then off again.
      h.noteMainLoopAlive(rig.now());
      double proof = rig.now();
      rig.idle(10);
      assertThat(m.applied.getFirst()[1]).isEqualTo(1.0);
      assertThat(m.applied.getLast()[1]).isZero();
      assertThat(m.applied.getLast()[0]).isBetween(proof + 5, proof + 5 + 0.6 + 1e-9);
    });
  }

  @Test
  void aSensorThatStopsReportingReadsZeroAfterSevenSeconds() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    Heater h = rig.heater("test_extruder", "T0", hotend());
    rig.scenario(() -> {
      rig.start();
      rig.idle(5); // the smoothed temperature starts at 0 and follows within a few seconds
      assertThat(h.temperature(rig.now()).current()).isCloseTo(25, within(0.5));
      rig.printer.invokeShutdown("test"); // the rig's sensor stops with the printer
      rig.idle(6.5);
      assertThat(h.temperature(rig.now()).current()).isNotZero();
      rig.idle(1);
      assertThat(h.temperature(rig.now()).current()).isZero();
    });
  }

  @Test
  void targetsOutsideTheHeatersRangeAreRefusedNotClamped() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    Heater h = rig.heater("test_extruder", "T0", hotend());
    rig.scenario(() -> {
      rig.start();
      assertThatThrownBy(() -> rig.run("M104 S260")).isInstanceOf(GCodeError.class)
          .hasMessage("Requested temperature (260.0) out of range (0.0:250.0)");
      assertThat(h.target()).isZero();
      assertThatThrownBy(() -> rig.run(
          "SET_HEATER_TEMPERATURE HEATER=test_extruder TARGET=-5"))
          .hasMessage("Requested temperature (-5.0) out of range (0.0:250.0)");
      assertThatThrownBy(() -> rig.run("M104 T1 S200")).hasMessage("Extruder not configured");
      rig.run("M104 T1 S0"); // turning off an extruder that is not there is fine
      rig.run("M104 T0 S250");
      assertThat(h.target()).isEqualTo(250);
      rig.run("TURN_OFF_HEATERS");
      assertThat(h.target()).isZero();
    });
  }

  @Test
  void m105ListsEverySensorByIdAndStatusHasTheHeaterFields() throws Exception {
    HeaterRig rig = rig(EXTRUDER + BED);
    rig.heater("test_extruder", "T0", hotend());
    HeaterBedModule bed = rig.bed(bed());
    rig.scenario(() -> {
      rig.run("M105");
      assertThat(rig.replies.getLast()).isEqualTo("T:0"); // not ready yet
      rig.start();
      rig.run("M140 S60\nM104 S200");
      rig.idle(3);
      rig.run("M105");
      assertThat(rig.replies.getLast()).matches("B:\\d+\\.\\d /60\\.0 T0:\\d+\\.\\d /200\\.0");
      Map<String, Object> status = bed.status(rig.now());
      assertThat(status).containsOnlyKeys("temperature", "target", "power");
      assertThat(status.get("target")).isEqualTo(60.0);
      assertThat(status.get("power")).isEqualTo(1.0);
      assertThat(Heaters.of(rig.printer).status(rig.now()).get("available_heaters"))
          .isEqualTo(List.of("test_extruder", "heater_bed"));
      assertThat(bed.stats(rig.now()).text())
          .matches("heater_bed: target=60 temp=\\d+\\.\\d pwm=1\\.000");
      assertThat(bed.stats(rig.now()).active()).isTrue();
    });
  }

  @Test
  void aWatermarkBedStaysWithinItsMaxDelta() throws Exception {
    HeaterRig rig = rig(BED);
    HeaterRig.Thermal m = bed();
    rig.bed(m);
    rig.scenario(() -> {
      rig.start();
      double start = rig.now();
      rig.run("M190 S60");
      m.advance(rig.now());
      System.out.printf("model bed: M190 S60 returned after %.1f s at %.2f °C%n",
          rig.now() - start, m.celsius);
      assertThat(m.celsius).isGreaterThanOrEqualTo(58);
      List<Double> after = record(rig, m, 300);
      // Switching happens at ±2 °C (max_delta); sensor and output lag add a little.
      assertThat(min(after)).isGreaterThan(57.5);
      assertThat(max(after)).isLessThan(62.5);
    });
  }

  @Test
  void aHeaterThatStopsHeatingShutsThePrinterDown() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      rig.run("M104 S210");
      rig.idle(20);
      m.advance(rig.now());
      m.disconnected = true;
      double fault = rig.now();
      while (!rig.printer.isShutdown() && rig.now() < fault + 60) {
        rig.idle(0.5);
      }
      double took = rig.now() - fault;
      System.out.printf("model hotend: heater disconnected at %.0f °C, shutdown after %.1f s%n",
          m.celsius, took);
      assertThat(rig.printer.stateMessage())
          .startsWith("Heater test_extruder not heating at expected rate");
      // The check allows check_gain_time (20 s) for 2 °C of progress, then the error adds up.
      assertThat(took).isBetween(20.0, 25.0);
    });
  }

  @Test
  void aSensorReadingLowAtTheTargetShutsThePrinterDown() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      rig.run("M109 S210");
      // The thermistor slips out of the block: it reads 100 °C low, the heater runs flat out
      // and still cannot bring the reading up.
      m.advance(rig.now());
      m.sensorOffset = -100;
      m.powerW = 10;
      double fault = rig.now();
      while (!rig.printer.isShutdown() && rig.now() < fault + 120) {
        rig.idle(0.5);
      }
      assertThat(rig.printer.stateMessage())
          .startsWith("Heater test_extruder not heating at expected rate");
      assertThat(rig.now() - fault).isLessThan(25);
    });
  }

  @Test
  void pidCalibrateConvergesAndKeepsTheGainsForSaveConfig() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    Heater h = rig.heater("test_extruder", "T0", m);
    Map<String, String> saved = new java.util.HashMap<>();
    rig.scenario(() -> {
      rig.start();
      rig.run("PID_CALIBRATE HEATER=test_extruder TARGET=210");
      assertThat(h.target()).isZero();
      Map<String, Object> pending = rig.printer.lookupObject("configfile",
          ConfigFileStatus.class).status(0);
      assertThat(pending.get("save_config_pending")).isEqualTo(true);
      @SuppressWarnings("unchecked")
      var items = (Map<String, Map<String, String>>) pending.get("save_config_pending_items");
      saved.putAll(items.get("test_extruder"));
    });
    String result = rig.replies.stream().filter(r -> r.startsWith("// PID parameters"))
        .findFirst().orElseThrow();
    System.out.println("model hotend: " + result.lines().findFirst().orElseThrow());
    assertThat(saved).containsEntry("control", "pid").containsKeys("pid_kp", "pid_ki",
        "pid_kd");

    // The gains it found hold the model at 210 °C.
    HeaterRig tuned = rig(EXTRUDER.replace("22.2", saved.get("pid_kp"))
        .replace("1.08", saved.get("pid_ki")).replace("114", saved.get("pid_kd")));
    HeaterRig.Thermal m2 = hotend();
    tuned.heater("test_extruder", "T0", m2);
    tuned.scenario(() -> {
      tuned.start();
      tuned.run("M109 S210");
      List<Double> after = record(tuned, m2, 120);
      assertThat(min(after)).isGreaterThanOrEqualTo(209);
      assertThat(max(after)).isLessThanOrEqualTo(211);
    });
  }

  @Test
  void extrusionIsRefusedUntilTheHotendReachesMinExtrudeTemp() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    Heater h = rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      rig.idle(5);
      assertThat(h.canExtrude()).isFalse();
      assertThatThrownBy(h::checkCanExtrude).isInstanceOf(GCodeError.class)
          .hasMessage("Extrude below minimum temp\n"
              + "See the 'min_extrude_temp' config option for details");
      rig.run("M109 S180");
      assertThat(h.canExtrude()).isTrue();
      h.checkCanExtrude();
    });
  }

  @Test
  void temperatureWaitReturnsOnceTheSensorIsInRange() throws Exception {
    HeaterRig rig = rig(BED);
    HeaterRig.Thermal m = bed();
    rig.bed(m);
    rig.scenario(() -> {
      rig.start();
      rig.run("M140 S80");
      rig.run("TEMPERATURE_WAIT SENSOR=heater_bed MINIMUM=50");
      m.advance(rig.now());
      assertThat(m.celsius).isBetween(49.0, 53.0);
      assertThatThrownBy(() -> rig.run("TEMPERATURE_WAIT SENSOR=heater_bed"))
          .hasMessage("Error on 'TEMPERATURE_WAIT': missing MINIMUM or MAXIMUM.");
    });
  }

  @Test
  void aRestartTurnsAHeatingHeaterOffAtOnceNotAtTheNextReading() throws Exception {
    HeaterRig rig = rig(EXTRUDER);
    HeaterRig.Thermal m = hotend();
    Heater h = rig.heater("test_extruder", "T0", m);
    rig.scenario(() -> {
      rig.start();
      h.setTemp(210);
      rig.idle(5);
      m.advance(rig.now());
      assertThat(m.drive).isEqualTo(1.0);
      // RESTART/SAVE_CONFIG: the host lets go of the MCU once the queued moves are done; a
      // heater left on would run until the MCU's max_duration shutdown.
      double printTime = rig.now() + 0.25;
      rig.printer.sendEvent("gcode:request_restart", printTime);
      assertThat(m.pending).isNotEmpty();
      double[] off = m.pending.getLast();
      assertThat(off[1]).isZero();
      assertThat(off[0]).isGreaterThanOrEqualTo(printTime).isLessThan(printTime + 0.3);
      assertThat(h.temperature(rig.now()).target()).isZero();
    });
  }
}
