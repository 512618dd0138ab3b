package org.escapement.host.printer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.modules.StandardModules;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole host run in batch mode: config in, G-code through, MCU stream and replies out. */
class HostSessionTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();

  static final String MCU = "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
      + "max_velocity: 300\nmax_accel: 3000\n\n";

  int run(String config, String gcode) throws Exception {
    return run(config, gcode, InputStream.nullInputStream());
  }

  int run(String config, String gcode, InputStream console) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, config);
    Path input = null;
    if (gcode != null) {
      input = tmp.resolve("in.gcode");
      Files.writeString(input, gcode);
    }
    StartOptions options = new StartOptions(cfg, input, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    return new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), console).run();
  }

  /** What the host answered, after the "ready" every run starts with. */
  List<String> replies() {
    List<String> lines = replies.toString(StandardCharsets.UTF_8).lines().toList();
    if (!lines.isEmpty() && lines.get(0).equals("// Klipper state: Ready")) {
      return lines.subList(1, lines.size());
    }
    return lines;
  }

  @Test
  void macrosKeepVariablesAndReadEachOtherThroughPrinter() throws Exception {
    String config = MCU + """
        [gcode_macro HELLO]
        variable_count: 0
        gcode:
          {action_respond_info("hello %s, count %d" % (params.NAME|default("world"), count))}
          SET_GCODE_VARIABLE MACRO=HELLO VARIABLE=count VALUE={count + 1}

        [gcode_macro CHECK]
        gcode:
          {% if printer["gcode_macro HELLO"].count != 2 %}
            {action_raise_error("count is %d" % printer["gcode_macro HELLO"].count)}
          {% endif %}
          {action_respond_info("checked")}
        """;
    assertThat(run(config, "HELLO\nhello NAME=you\nCHECK\n")).isZero();
    assertThat(replies()).containsExactly("// hello world, count 0", "// hello you, count 1",
        "// checked");
  }

  @Test
  void extendedParametersNeedNameEqualsValueAsInKlipper() throws Exception {
    assertThat(run(MCU, "ECHO hello\n")).isEqualTo(1);
    assertThat(replies()).containsExactly("!! Malformed command 'ECHO hello'");
  }

  @Test
  void anErrorStopsTheFileAndFailsTheRun() throws Exception {
    String config = MCU + """
        [gcode_macro FAIL]
        gcode:
          {action_raise_error("nozzle too cold")}
        """;
    assertThat(run(config, "ECHO MSG=before\nFAIL\nECHO MSG=after\n")).isEqualTo(1);
    assertThat(replies()).containsExactly("// ECHO MSG=before", "!! nozzle too cold");
  }

  @Test
  void theMcuIsConfiguredInTheBatchStream() throws Exception {
    assertThat(run(MCU, "")).isZero();
    List<String> sent = WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")),
        tmp.resolve("out.serial"));
    assertThat(sent).anyMatch(l -> l.startsWith("allocate_oids count="))
        .anyMatch(l -> l.startsWith("finalize_config crc="));
  }

  @Test
  void configMistakesSayWhatAndWhere() throws Exception {
    assertThat(run("[gcode_macro X]\ngcode: M115\n", "")).isEqualTo(1);
    assertThat(replies()).containsExactly("!! Section 'mcu' must be specified");

    replies.reset();
    assertThat(run(MCU + "[gcode_makro X]\ngcode: M115\n", "")).isEqualTo(1);
    assertThat(replies()).singleElement().asString()
        .startsWith("!! Section 'gcode_makro x' is not a valid config section")
        .contains("printer.cfg:9");

    replies.reset();
    assertThat(run(MCU + "[gcode_macro X]\ngcode: M115\ngcod: M115\n", "")).isEqualTo(1);
    assertThat(replies()).singleElement().asString()
        .startsWith("!! Option 'gcod' is not valid in section 'gcode_macro x'");

    replies.reset();
    assertThat(run(MCU + "[palette2]\nserial: /dev/null\n", "")).isEqualTo(1);
    assertThat(replies()).containsExactly("!! Section 'palette2' is not supported yet");

    replies.reset();
    assertThat(run(MCU + "[gcode_macro X]\ngcode:\n  {% if %}\n", "")).isEqualTo(1);
    // Multi-line errors: the detail as info, then the first line as the error.
    assertThat(replies()).hasSize(3).last().asString()
        .isEqualTo("!! Error loading template 'gcode_macro X:gcode'");
    assertThat(replies().get(1)).startsWith("// line 2: {% if %}");
  }

  @Test
  void renameExistingWrapsTheBuiltin() throws Exception {
    String config = MCU + """
        [gcode_macro ECHO]
        rename_existing: ECHO_BASE
        gcode:
          ECHO_BASE {rawparams} TAG=wrapped
        """;
    assertThat(run(config, "ECHO MSG=hi\n")).isZero();
    assertThat(replies()).containsExactly("// ECHO_BASE MSG=hi TAG=wrapped");
  }

  @Test
  void savedVariablesSurviveARestart() throws Exception {
    String config = MCU + """
        [save_variables]
        filename: vars.cfg

        [gcode_macro SHOW]
        gcode:
          {action_respond_info("offset=%s" % printer.save_variables.variables.offset|default("none"))}
        """;
    assertThat(run(config, "SHOW\nSAVE_VARIABLE VARIABLE=offset VALUE=0.25\nSHOW\n")).isZero();
    assertThat(Files.readString(tmp.resolve("vars.cfg"))).isEqualTo(
        "[Variables]\noffset = 0.25\n");
    replies.reset();
    assertThat(run(config, "SHOW\nSAVE_VARIABLE VARIABLE=Bad VALUE=1\n")).isEqualTo(1);
    assertThat(replies()).containsExactly("// offset=0.25",
        "!! VARIABLE must not contain upper case");
  }

  @Test
  void restartInAFileGoesOnWithTheRestOfTheFile() throws Exception {
    assertThat(run(MCU, "ECHO MSG=a\nRESTART\nECHO MSG=b\n")).isZero();
    assertThat(replies()).containsExactly("// ECHO MSG=a", "// Klipper state: Ready",
        "// ECHO MSG=b");
  }

  @Test
  void theLogHasTheStartTheConfigAndAShutdownDump() throws Exception {
    Path logFile = tmp.resolve("klippy.log");
    try (KlippyLog log = KlippyLog.toFile(logFile, false)) {
      assertThat(run(MCU + "[gcode_macro HI]\ngcode:\n  ECHO MSG=hi\n", "HI\nM112\n"))
          .isEqualTo(1);
      log.flush();
    }
    String text = Files.readString(logFile);
    assertThat(text).containsSubsequence("Start printer at ",
        "===== Config file =====\n[mcu]\nserial = /dev/ttyACM0\n\n[printer]\n"
            + "kinematics = none\nmax_velocity = 300\nmax_accel = 3000\n\n[gcode_macro HI]\n"
            + "gcode = \n\tECHO MSG=hi\n=======================",
        "Loaded MCU 'mcu' 137 commands", "MCU 'mcu' config: ADC_MAX=1023",
        "Configured MCU 'mcu' (500 moves)",
        "Transition to shutdown state: Shutdown due to M112 command",
        "Dumping gcode input 1 blocks\nRead ", ": 'HI\\nM112\\n'\n");
    assertThat(replies()).containsExactly("// ECHO MSG=hi", "// Klipper state: Shutdown");
  }

  @Test
  void delayedGcodeRunsAfterItsDelayAndCanBeRearmed() throws Exception {
    String config = MCU + """
        [delayed_gcode TICK]
        initial_duration: 0.5
        gcode:
          ECHO MSG=tick
          {% if printer["gcode_macro COUNT"].n < 2 %}
            SET_GCODE_VARIABLE MACRO=COUNT VARIABLE=n VALUE={printer["gcode_macro COUNT"].n + 1}
            UPDATE_DELAYED_GCODE ID=TICK DURATION=0.1
          {% endif %}

        [gcode_macro COUNT]
        variable_n: 0
        gcode:
        """;
    // The console stays open until the ticks are seen, so the host keeps running.
    PipedOutputStream typing = new PipedOutputStream();
    PipedInputStream console = new PipedInputStream(typing);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
      try {
        return run(config, null, console);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (replies().stream().filter(l -> l.equals("// ECHO MSG=tick")).count() < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    typing.close();
    assertThat(code.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(replies()).containsExactly("// ECHO MSG=tick", "// ECHO MSG=tick", "// ECHO MSG=tick");
  }
}
