package org.escapement.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.escapement.host.testing.Firmware;
import org.escapement.host.testing.SimMcu;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated MCU driven over its pty by a plain client: identify and the dictionary, queued
 * steps as they appear in the pin trace (each edge at its exact clock), homing against the
 * model's endstop, bad input, and the heater watchdog.
 */
@Timeout(120)
class SimMcuIT {
  static final long MS = 50_000;   // ticks of the 50 MHz clock
  @TempDir Path tmp;

  Path model(String text) throws Exception {
    Path p = tmp.resolve("printer.model");
    Files.writeString(p, text);
    return p;
  }

  static final String ONE_AXIS = """
      [stepper x]
      step_pin: gpio0
      dir_pin: gpio1
      steps_per_mm: 80
      position_mm: 5
      endstop_pin: gpio2
      endstop_mm: 0
      endstop_side: min
      """;

  @Test
  void servesItsDictionaryThroughIdentify() throws Exception {
    try (SimMcu sim = SimMcu.start(null, null, 1); McuClient mcu = McuClient.open(sim.pty())) {
      Dictionary d = mcu.identify();
      // The served (compressed) dictionary is the build's escapement.dict, byte for byte.
      assertThat(new String(d.json())).isEqualTo(Files.readString(Firmware.dictionary("sim")));
      assertThat(d.app()).isEqualTo("Escapement");
      assertThat(d.constant("MCU")).contains("sim");
      assertThat(d.constantNumber("CLOCK_FREQ")).isEqualTo(50e6);
      assertThat(d.command("queue_step").orElseThrow().format())
          .isEqualTo("queue_step oid=%c interval=%u count=%hu add=%hi");
      assertThat(d.enumeration("pin").orElseThrow().valueOf("gpio63")).isEqualTo(63);
      assertThat(d.enumeration("static_string_id").orElseThrow().symbols().keySet())
          .contains("Timer too close", "Move queue overflow", "Invalid count parameter");
      long first = mcu.clock();
      Thread.sleep(100);
      long second = mcu.clock();
      // 100 ms of wall time at 50 MHz, give or take the round trips.
      assertThat(second - first).isBetween(100 * MS, 400 * MS);
    }
  }

  @Test
  void queuedStepsAppearInTheTraceAtTheirClocks() throws Exception {
    Path trace = tmp.resolve("trace.txt");
    List<Long> expected = new ArrayList<>();
    long start;
    try (SimMcu sim = SimMcu.start(model(ONE_AXIS), trace, 1);
        McuClient mcu = McuClient.open(sim.pty())) {
      mcu.identify();
      mcu.send("allocate_oids count=1",
          "config_stepper oid=0 step_pin=gpio0 dir_pin=gpio1 invert_step=0"
              + " step_pulse_ticks=100",
          "finalize_config crc=1234");
      Message config = mcu.query("get_config", "config");
      assertThat(config.getLong("is_config")).isEqualTo(1);
      assertThat(config.getLong("crc")).isEqualTo(1234);
      assertThat(config.getLong("move_count")).isPositive();

      start = mcu.clock() + 100 * MS;
      mcu.send("reset_step_clock oid=0 clock=" + start,
          "set_next_step_dir oid=0 dir=1",
          "queue_step oid=0 interval=20000 count=40 add=0",
          "queue_step oid=0 interval=20000 count=20 add=500",
          "set_next_step_dir oid=0 dir=0",
          "queue_step oid=0 interval=30000 count=10 add=-100");
      long t = start;
      for (int i = 0; i < 40; i++) {
        expected.add(t += 20000);
      }
      for (int i = 0; i < 20; i++) {
        expected.add(t += 20000 + 500 * i);
      }
      for (int i = 0; i < 10; i++) {
        expected.add(t += 30000 - 100 * i);
      }
      long end = t;
      // Wait until the MCU's clock is past the last step.
      while (mcu.clock() - end < 10 * MS) {
        Thread.sleep(20);
      }
      Message pos = mcu.query("stepper_get_position oid=0", "stepper_position");
      assertThat(pos.getLong("pos")).isEqualTo(40 + 20 - 10);
      sim.control("report");
      Thread.sleep(200);
      assertThat(mcu.query("get_config", "config").getLong("is_shutdown")).isZero();
    }
    Trace tr = Trace.read(trace);
    assertThat(tr.header()).containsEntry("clock_freq", "50000000");
    assertThat(tr.risingEdges("gpio0")).containsExactlyElementsOf(expected);
    // The direction pin is high for the first 60 steps and low for the last 10.
    assertThat(tr.levelAt("gpio1", expected.get(0))).isEqualTo(1);
    assertThat(tr.levelAt("gpio1", expected.get(59))).isEqualTo(1);
    assertThat(tr.levelAt("gpio1", expected.get(60))).isEqualTo(0);
    // The model counted them too: 50 steps from 5 mm at 80 steps/mm.
    assertThat(tr.notes()).anyMatch(n -> n.endsWith("stepper x steps 450 position_mm 5.6250"));
  }

  @Test
  void homingStopsTheStepperAtTheModelledEndstop() throws Exception {
    Path trace = tmp.resolve("trace.txt");
    try (SimMcu sim = SimMcu.start(model(ONE_AXIS), trace, 1);
        McuClient mcu = McuClient.open(sim.pty())) {
      mcu.identify();
      mcu.send("allocate_oids count=3",
          "config_stepper oid=0 step_pin=gpio0 dir_pin=gpio1 invert_step=0"
              + " step_pulse_ticks=100",
          "config_endstop oid=1 pin=gpio2 pull_up=0",
          "config_trsync oid=2",
          "finalize_config crc=5");
      long start = mcu.clock() + 100 * MS;
      // Towards the endstop 5 mm away, for up to 10 mm: 800 steps at 4 kHz.
      mcu.send("trsync_start oid=2 report_clock=" + start + " report_ticks=" + 100 * MS
              + " expire_reason=4",
          "stepper_stop_on_trigger oid=0 trsync_oid=2",
          "trsync_set_timeout oid=2 clock=" + (start + 2000 * MS),
          "endstop_home oid=1 clock=" + start + " sample_ticks=750 sample_count=4"
              + " rest_ticks=2500 pin_value=1 trsync_oid=2 trigger_reason=1",
          "reset_step_clock oid=0 clock=" + start,
          "set_next_step_dir oid=0 dir=0",
          "queue_step oid=0 interval=12500 count=800 add=0");
      Message state = mcu.await(m -> m.name().equals("trsync_state")
          && m.getLong("can_trigger") == 0, Duration.ofSeconds(5));
      assertThat(state.getLong("trigger_reason")).isEqualTo(1);
      mcu.send("endstop_home oid=1 clock=0 sample_ticks=0 sample_count=0 rest_ticks=0"
          + " pin_value=0 trsync_oid=0 trigger_reason=0");
      // 400 steps brought it to 0 mm; the endstop is sampled 4 times 750 ticks apart,
      // well within one 12500-tick step, so it stops on the step that reached it.
      Message pos = mcu.query("stepper_get_position oid=0", "stepper_position");
      assertThat(pos.getLong("pos")).isEqualTo(-400);
      Message endstop = mcu.query("endstop_query_state oid=1", "endstop_state");
      assertThat(endstop.getLong("pin_value")).isEqualTo(1);
      assertThat(endstop.getLong("homing")).isZero();
      Thread.sleep(100);
      assertThat(mcu.query("get_config", "config").getLong("is_shutdown")).isZero();
    }
    assertThat(Trace.read(trace).risingEdges("gpio0")).hasSize(400);
  }

  @Test
  void badInputIsRefusedWithoutHarm() throws Exception {
    try (SimMcu sim = SimMcu.start(null, null, 1); McuClient mcu = McuClient.open(sim.pty())) {
      Dictionary d = mcu.identify();
      // Line noise is skipped (the MCU naks and resynchronises on the next 0x7e).
      mcu.writeRaw(new byte[] {0x7e, 0x33, 0x00, (byte) 0xff, 0x10, 0x7e, 0x7e, 0x01, 0x02});
      mcu.writeRaw(new byte[] {0x7e});
      assertThat(mcu.clock()).isPositive();
      assertThat(mcu.query("get_config", "config").getLong("is_shutdown")).isZero();

      // A well-framed block with an id no message has, and one with a message cut short:
      // named shutdowns, as Klipper's MCU does; clear_shutdown (shutdown-safe) undoes them.
      mcu.sendBlock(new byte[] {(byte) 0x7f});
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Invalid command");
      mcu.send("clear_shutdown");
      mcu.sendBlock(d.command("queue_step").orElseThrow().idBytes());
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Command parser error");
      mcu.send("clear_shutdown");
      assertThat(mcu.query("get_config", "config").getLong("is_shutdown")).isZero();

      mcu.send("allocate_oids count=1",
          "config_stepper oid=0 step_pin=gpio0 dir_pin=gpio1 invert_step=0"
              + " step_pulse_ticks=100",
          "finalize_config crc=1");
      mcu.send("queue_step oid=0 interval=1000 count=0 add=0");
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Invalid count parameter");
      // While shut down, other commands are refused with the reason.
      Message refused = mcu.query("reset_step_clock oid=0 clock=0", "is_shutdown");
      assertThat(reason(refused)).isEqualTo("Invalid count parameter");
      awaitOutput(sim, "escapement-sim: shutdown: Invalid count parameter");
      mcu.send("clear_shutdown");
      // Configuration after finalize_config, and an oid that was never configured.
      mcu.send("config_endstop oid=0 pin=gpio3 pull_up=0");
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Can't assign oid");
      mcu.send("clear_shutdown", "finalize_config crc=2");
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Already finalized");
      mcu.send("clear_shutdown", "queue_step oid=9 interval=1000 count=1 add=0");
      assertThat(reason(mcu.await("shutdown", Duration.ofSeconds(5))))
          .isEqualTo("Invalid oid type");
      mcu.send("clear_shutdown");
      assertThat(mcu.query("get_config", "config").getLong("is_shutdown")).isZero();
      assertThat(sim.isAlive()).isTrue();
      // Only the noise was a framing fault on the way back: every answer decoded.
      assertThat(mcu.errors()).isEmpty();
    }
  }

  /** Waits (up to 5 s) for the process to print the line. */
  static void awaitOutput(SimMcu sim, String line) throws InterruptedException {
    for (int i = 0; i < 100 && !sim.output().contains(line); i++) {
      Thread.sleep(50);
    }
    assertThat(sim.output()).contains(line);
  }

  static String reason(Message m) {
    return m.getSymbol("static_string_id");
  }

  @Test
  void aHeaterTheHostStopsRefreshingIsTurnedOff() throws Exception {
    Path trace = tmp.resolve("trace.txt");
    long on;
    try (SimMcu sim = SimMcu.start(null, trace, 1); McuClient mcu = McuClient.open(sim.pty())) {
      mcu.identify();
      // A heater on gpio12 that may stay on at most 250 ms without a new command.
      mcu.send("allocate_oids count=1",
          "config_digital_out oid=0 pin=gpio12 value=0 default_value=0"
              + " max_duration=" + 250 * MS,
          "finalize_config crc=2");
      on = mcu.clock() + 50 * MS;
      mcu.send("queue_digital_out oid=0 clock=" + on + " on_ticks=1");
      Message shutdown = mcu.await("shutdown", Duration.ofSeconds(5));
      assertThat(shutdown.getSymbol("static_string_id"))
          .isEqualTo("Missed scheduling of next digital out event");
      assertThat(shutdown.getLong("clock") - on).isBetween(250 * MS, 260 * MS);
    }
    Trace tr = Trace.read(trace);
    assertThat(tr.risingEdges("gpio12")).containsExactly(on);
    List<Trace.Change> changes = tr.of("gpio12");
    assertThat(changes.getLast().value()).isZero();
    assertThat(changes.getLast().clock() - on).isBetween(250 * MS, 260 * MS);
  }
}
