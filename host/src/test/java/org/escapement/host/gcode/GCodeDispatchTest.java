package org.escapement.host.gcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GCodeDispatchTest {
  final Reactor reactor = new Reactor(ReactorClock.virtual());
  final Printer printer = new Printer(reactor);
  final GCodeDispatch gcode = new GCodeDispatch(printer, false, "test");
  final List<String> out = Collections.synchronizedList(new ArrayList<>());
  final List<String> seen = new ArrayList<>();

  GCodeDispatchTest() {
    gcode.addOutput(out::add);
    reactor.start("test-reactor");
  }

  @AfterEach
  void close() {
    reactor.close();
  }

  void onReactor(Runnable r) throws Exception {
    reactor.call(() -> {
      r.run();
      return null;
    });
  }

  void lines(String... lines) throws Exception {
    onReactor(() -> gcode.process(List.of(lines), true));
  }

  void ready() throws Exception {
    onReactor(printer::setReady);
    out.clear();
  }

  @Test
  void parsesLinesTheWayKlipperDoes() {
    GCodeParser.Line l = GCodeParser.parse("N12 g1 x10 Y-5.5 *57 ; move");
    assertThat(l.command()).isEqualTo("G1");
    assertThat(l.params()).containsEntry("X", "10").containsEntry("Y", "-5.5")
        .containsEntry("*", "57");
    assertThat(GCodeParser.parse("  ; just a comment").command()).isEmpty();
    assertThat(GCodeParser.parse("M117 Hello World").command()).isEqualTo("M117");
    assertThat(GCodeParser.rawParameters("M117", "N3 M117 Hello *World*12"))
        .isEqualTo("Hello *World");
    assertThat(ExtendedParams.parse("FAN=part SPEED=0.5 MSG=\"hello world\" N='a b'#c", "x"))
        .containsExactly(Map.entry("FAN", "part"), Map.entry("SPEED", "0.5"),
            Map.entry("MSG", "hello world"), Map.entry("N", "a b"));
    assertThatThrownBy(() -> ExtendedParams.parse("SPEED", "SET_FAN SPEED"))
        .hasMessage("Malformed command 'SET_FAN SPEED'");
    assertThatThrownBy(() -> ExtendedParams.parse("MSG=\"open", "RESPOND MSG=\"open"))
        .hasMessageStartingWith("Malformed command");
  }

  @Test
  void answersOkInfoAndErrors() throws Exception {
    gcode.register("G4", c -> {
      seen.add("P=" + c.getFloat("P", 0.0, Bounds.min(0)));
    }, false, null);
    gcode.register("SET_THING", c -> {
      seen.add(c.get("NAME") + "/" + c.getInt("COUNT", 1));
      c.respondInfo("thing set\nsecond line");
    }, false, "Set a thing");
    ready();
    lines("G4 P100", "G4 P-1", "set_thing NAME=Bob COUNT=3", "FOO1", "G4 P=x", "");
    assertThat(seen).containsExactly("P=100.0", "Bob/3");
    assertThat(out).containsExactly("ok", "!! Error on 'G4 P-1': P must have minimum of 0", "ok",
        "// thing set\n// second line", "ok", "// Unknown command:\"FOO1\"", "ok",
        "!! Error on 'G4 P=x': unable to parse =", "ok", "ok");
  }

  @Test
  void beforeReadyOnlyTheBasicsWork() throws Exception {
    gcode.register("G28", c -> seen.add("homed"), false, null);
    lines("G28", "STATUS", "M105", "ECHO MSG=hello", "ECHO hello");
    assertThat(seen).isEmpty();
    // Klipper's startup message: the detail as info, then its first line as the error.
    assertThat(out.get(0)).startsWith("// Printer is not ready\n// The klippy host software");
    assertThat(out.get(1)).isEqualTo("!! Printer is not ready");
    // ECHO is an extended command, so like Klipper it wants KEY=VALUE words.
    assertThat(out).contains("ok T:0", "// ECHO MSG=hello", "!! Malformed command 'ECHO hello'");
    assertThat(String.join("\n", out)).contains("Klipper state: Not ready");
  }

  @Test
  void aScriptStopsAtItsFirstError() throws Exception {
    gcode.register("BAD", c -> {
      throw c.error("bad thing");
    }, false, null);
    gcode.register("GOOD", c -> seen.add("good"), false, null);
    ready();
    assertThatThrownBy(() -> reactor.call(() -> {
      gcode.runScript("GOOD\nBAD\nGOOD");
      return null;
    })).isInstanceOf(ExecutionException.class).hasRootCauseMessage("bad thing");
    assertThat(seen).containsExactly("good");
    assertThat(out).containsExactly("!! bad thing");
  }

  @Test
  void aBugInACommandShutsThePrinterDown() throws Exception {
    gcode.register("CRASH", c -> {
      throw new IllegalStateException("bug");
    }, false, null);
    ready();
    lines("CRASH");
    assertThat(printer.isShutdown()).isTrue();
    assertThat(out).contains("!! Internal error on command:\"CRASH\"");
    assertThat(printer.stateMessage()).startsWith("Internal error on command:\"CRASH\"");
  }

  @Test
  void muxCommandsPickTheirTargetByParameter() throws Exception {
    gcode.registerMux("SET_FAN_SPEED", "FAN", "part_fan", c -> seen.add("part"), "Set fan");
    gcode.registerMux("SET_FAN_SPEED", "FAN", "hotend_fan", c -> seen.add("hotend"), null);
    ready();
    lines("SET_FAN_SPEED FAN=hotend_fan SPEED=1", "SET_FAN_SPEED FAN=part SPEED=1",
        "SET_FAN_SPEED FAN=x SPEED=1");
    assertThat(seen).containsExactly("hotend");
    assertThat(out).contains("!! The value 'part' is not valid for FAN. Did you mean 'part_fan'?",
        "!! The value 'x' is not valid for FAN. Options: 'part_fan', 'hotend_fan'");
  }

  @Test
  void refusesBadOrDuplicateCommandNames() {
    assertThatThrownBy(() -> gcode.register("set_thing", c -> {}, false, null))
        .isInstanceOf(ConfigError.class).hasMessage("Can't register 'set_thing' as it is an"
            + " invalid name");
    gcode.register("THING", c -> {}, false, null);
    assertThatThrownBy(() -> gcode.register("THING", c -> {}, false, null))
        .hasMessage("gcode command THING already registered");
  }

  @Test
  void helpListsDescribedCommands() throws Exception {
    gcode.register("SET_THING", c -> {}, false, "Set a thing");
    ready();
    lines("HELP", "M115");
    assertThat(out.get(0)).contains("// SET_THING : Set a thing").contains("// HELP")
        .doesNotContain("Printer is not ready");
    assertThat(out).contains("ok FIRMWARE_NAME:Klipper FIRMWARE_VERSION:escapement-test");
  }

  @Test
  void m112ShutsDownAtOnce() throws Exception {
    ready();
    lines("M112");
    assertThat(printer.isShutdown()).isTrue();
    assertThat(printer.stateMessage()).startsWith("Shutdown due to M112 command");
  }
}
