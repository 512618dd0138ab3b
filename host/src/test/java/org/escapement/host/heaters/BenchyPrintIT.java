package org.escapement.host.heaters;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus Benchy, printed by our host (as its own process, as on a printer) on the
 * simulated printer: the bed heats to 130 °C and the hotend to 310 °C before anything moves,
 * the whole file prints, the heaters are off at the end, and the log has the temperatures.
 * Half an hour of printer time, run in real time (a sped-up sim leaves the host too little
 * slack on a busy machine), so it runs only when asked for: {@code -Descapement.benchy=true}.
 */
@EnabledIfSystemProperty(named = "escapement.benchy", matches = "true")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class BenchyPrintIT {
  static final double SPEED = 1;
  @TempDir Path tmp;

  @Test
  void theBenchyHeatsWaitsPrintsAndCoolsDown() throws Exception {
    try (SimPrinter sp = new SimPrinter(tmp, SPEED, "sim-printer.model")) {
      Path cfg = tmp.resolve("printer.cfg");
      Files.writeString(cfg, sp.resource("sim-printer.cfg"));
      Path benchy = Shared.dir().resolve("corpus/gcode/benchy-ideamaker.gcode");
      Path log = tmp.resolve("klippy.log");
      List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
          "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
          "org.escapement.host.Main", "run", cfg.toString(), "-i", benchy.toString(),
          "--speed", Double.toString(SPEED), "-l", log.toString());
      Path out = tmp.resolve("host-output.txt");
      Process host = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      long startClock = sp.report("extruder").clock();
      try {
        // The model's temperatures once a printer second while the host prints.
        while (!host.waitFor((long) (1000 / SPEED), TimeUnit.MILLISECONDS)) {
          sp.report("extruder");
        }
      } finally {
        host.destroyForcibly();
      }
      SimPrinter.ModelState endHotend = sp.report("extruder");
      SimPrinter.ModelState endBed = sp.reports("bed").getLast();
      String output = Files.readString(out).lines().filter(l -> !l.startsWith("B:"))
          .reduce("", (a, b) -> a + b + "\n");
      double printerSeconds = SimPrinter.seconds(endHotend.clock() - startClock);
      Files.copy(log, Path.of(System.getProperty("java.io.tmpdir"), "benchy-klippy.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      String shutdowns = String.join("\n", Files.readAllLines(log).stream()
          .filter(l -> l.contains("hutdown")).limit(20).toList());
      assertThat(host.exitValue()).as(() -> output + shutdowns + "\n"
          + String.join("\n", sp.sim.output())).isZero();

      // Nothing moved before both heaters were at their targets (M190 then M109).
      long firstStep = sp.edges("gpio0").stream().filter(e -> e.clock() > startClock)
          .findFirst().orElseThrow().clock();
      SimPrinter.ModelState hotendAtStart = last(sp.reports("extruder"), firstStep);
      SimPrinter.ModelState bedAtStart = last(sp.reports("bed"), firstStep);
      assertThat(hotendAtStart.celsius()).isGreaterThan(308);
      assertThat(bedAtStart.celsius()).isGreaterThan(127);
      // It printed: the filament the file extrudes went through the extruder.
      double filament = sp.stepperPosition("e");
      // Cooling down: both heaters off at the end.
      assertThat(endHotend.drive()).isZero();
      assertThat(endBed.drive()).isZero();
      List<String> stats = Files.readAllLines(log).stream()
          .filter(l -> l.startsWith("Stats ")).toList();
      assertThat(stats).anyMatch(l -> l.contains("extruder: target=310 temp=3")
          && l.contains("heater_bed: target=130 temp=1"));
      assertThat(stats.getLast()).contains("extruder: target=0", "heater_bed: target=0");
      double hotMin = 999;
      double hotMax = 0;
      for (SimPrinter.ModelState s : sp.reports("extruder")) {
        if (s.clock() > firstStep + 60 * SimPrinter.CLOCK_FREQ && s.clock()
            < endHotend.clock() - 60 * SimPrinter.CLOCK_FREQ) {
          hotMin = Math.min(hotMin, s.celsius());
          hotMax = Math.max(hotMax, s.celsius());
        }
      }
      System.out.printf(Locale.ROOT, "[benchy] %.0f printer seconds (%.0f s heating);"
          + " hotend while printing %.2f..%.2f °C; %.1f mm of filament; %d Stats lines;"
          + " at the end hotend %.1f °C, bed %.1f °C, both off%n", printerSeconds,
          SimPrinter.seconds(firstStep - startClock), hotMin, hotMax, filament, stats.size(),
          endHotend.celsius(), endBed.celsius());
      assertThat(filament).isGreaterThan(3000);
      assertThat(hotMin).isGreaterThan(305);
      assertThat(hotMax).isLessThan(315);
    }
  }

  /** The last report before {@code clock}. */
  static SimPrinter.ModelState last(List<SimPrinter.ModelState> reports, long clock) {
    List<SimPrinter.ModelState> before = new ArrayList<>(reports.stream()
        .filter(r -> r.clock() < clock).toList());
    return before.getLast();
  }
}
