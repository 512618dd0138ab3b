package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Printing from the virtual SD card: progress, pause/resume/cancel, errors, idle timeout. */
class PrintJobTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static final String PRINTER = """
      [mcu]
      serial: /dev/ttyACM0

      [printer]
      kinematics: none
      max_velocity: 300
      max_accel: 3000

      [virtual_sdcard]
      path: gcodes
      on_error_gcode:
        ECHO MSG=on_error

      [pause_resume]

      [gcode_macro REPORT]
      gcode:
        {% set ps = printer.print_stats %}
        {% set sd = printer.virtual_sdcard %}
        ECHO MSG={ps.state}/{ps.filename}/{sd.is_active}/{"%.2f" % sd.progress}
      """;

  List<String> run(String extraConfig, String gcode) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, PRINTER + extraConfig);
    Path input = tmp.resolve("in.gcode");
    Files.writeString(input, gcode);
    StartOptions options = new StartOptions(cfg, input, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(out, true, StandardCharsets.UTF_8), InputStream.nullInputStream()).run();
    return out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.equals("// Klipper state: Ready")).toList();
  }

  void gcodeFile(String name, String text) throws Exception {
    Files.createDirectories(tmp.resolve("gcodes"));
    Files.writeString(tmp.resolve("gcodes").resolve(name), text);
  }

  @Test
  void aFileRunsToTheEndAndIsReportedComplete() throws Exception {
    gcodeFile("part.gcode", "ECHO MSG=one\nREPORT\nECHO MSG=two\n");
    List<String> replies = run("", "REPORT\nSDCARD_PRINT_FILE FILENAME=part.gcode\nM400\n");
    assertThat(replies).containsSubsequence("// ECHO MSG=standby//False/0.00",
        "File opened:part.gcode Size:33", "File selected", "// ECHO MSG=one",
        "// ECHO MSG=printing/part.gcode/True/0.39", "// ECHO MSG=two", "Done printing file");
  }

  @Test
  void anErrorInTheFileStopsItRunsOnErrorGcodeAndSaysError() throws Exception {
    gcodeFile("bad.gcode", "ECHO MSG=one\nG1 X=nope\nECHO MSG=never\n");
    List<String> replies = run("[gcode_macro SHOW]\ngcode:\n"
        + "  ECHO MSG={printer.print_stats.state}\n",
        "SDCARD_PRINT_FILE FILENAME=bad.gcode\n");
    assertThat(replies).contains("// ECHO MSG=one", "!! Unable to parse move 'G1 X=nope'",
        "// ECHO MSG=on_error").doesNotContain("// ECHO MSG=never");
  }

  @Test
  void pauseResumeAndCancelFollowThePrintStatsStates() throws Exception {
    // Typed at a console while the file prints: the file pauses itself, the user resumes.
    gcodeFile("long.gcode", "ECHO MSG=a\nPAUSE\nECHO MSG=b\nPAUSE\nECHO MSG=c\n");
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, PRINTER);
    java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
    java.io.PipedInputStream console = new java.io.PipedInputStream(typing, 65536);
    StartOptions options = new StartOptions(cfg, null, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    HostSession session = new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(out, true, StandardCharsets.UTF_8), console);
    java.util.concurrent.CompletableFuture<Integer> exit =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return session.run();
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
    type(typing, "SDCARD_PRINT_FILE FILENAME=long.gcode\n");
    awaitLine("// ECHO MSG=a");
    type(typing, "REPORT\nRESUME\n");
    awaitLine("// ECHO MSG=b");
    type(typing, "REPORT\nCANCEL_PRINT\nREPORT\n");
    awaitLine("// ECHO MSG=cancelled/long.gcode/False/0.00");
    typing.close();
    assertThat(exit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsSubsequence(
        "// ECHO MSG=a", "// ECHO MSG=paused/long.gcode/False/0.38", "// ECHO MSG=b",
        "// ECHO MSG=paused/long.gcode/False/0.76", "// ECHO MSG=cancelled/long.gcode/False/0.00")
        .doesNotContain("// ECHO MSG=c");
  }

  private static void type(java.io.OutputStream o, String text) throws Exception {
    o.write(text.getBytes(StandardCharsets.UTF_8));
    o.flush();
  }

  private void awaitLine(String line) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!out.toString(StandardCharsets.UTF_8).lines().toList().contains(line)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + line + "' in " + out);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void messagesProgressAndResponses() throws Exception {
    List<String> replies = run("[respond]\n\n[gcode_macro SHOW]\ngcode:\n"
        + "  ECHO MSG={printer.display_status.message|replace(' ', '_')}/"
        + "{printer.display_status.progress}\n",
        "M117 Hello there, world\nM73 P42\nSHOW\nM118 hi there\n"
        + "RESPOND TYPE=command MSG=\"x y\"\nRESPOND PREFIX=>> MSG=z\nRESPOND TYPE=bogus\n");
    assertThat(replies).containsSubsequence("// ECHO MSG=Hello_there,_world/0.42",
        "echo: hi there", "// x y", ">> z",
        "!! RESPOND TYPE 'bogus' is invalid. Must be one of 'echo', 'command', or 'error'");
  }

  @Test
  void missingFilesAreNamed() throws Exception {
    gcodeFile("part.gcode", "ECHO MSG=x\n");
    assertThat(run("", "SDCARD_PRINT_FILE FILENAME=nope.gcode\n"))
        .contains("!! Unable to open file");
  }
}
