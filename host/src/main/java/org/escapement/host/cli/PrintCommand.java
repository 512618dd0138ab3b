package org.escapement.host.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.PrintJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code escapement print}: a G-code file on the simulated printer, checked afterwards. */
@Command(
    name = "print",
    mixinStandardHelpOptions = true,
    description = {
      "Print a G-code file on the simulated printer: build and start the simulated MCU,"
          + " connect, home, heat and print with a progress line; afterwards read back the"
          + " MCU's step trace and report how far the printed toolpath strayed from the"
          + " commanded one, with a PNG of the printed path.",
      "Without a file it prints config-examples/demo.gcode (a couple of minutes in real"
          + " time)."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:printed to the end", "1:the print failed (error, shutdown)",
        "2:bad command line"})
public final class PrintCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE.gcode", arity = "0..1",
      description = "The G-code to print (default: config-examples/demo.gcode).")
  Path gcode;

  @Option(names = "--config", paramLabel = "PRINTER.CFG",
      description = "Printer configuration (default: config-examples/sim-printer.cfg); its"
          + " [mcu] serial is pointed at the simulated MCU.")
  Path config;

  @Option(names = "--model", paramLabel = "FILE",
      description = "The sim MCU's physical model (default: the config's name with .model).")
  Path model;

  @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
      description = "Run the simulated printer and the host N times faster than real time"
          + " (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = {"-l", "--logfile"}, paramLabel = "FILE",
      description = "Write the log (klippy.log format) here.")
  Path logfile;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "print-output",
      description = "Where the trace, plot and log go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--no-plot", description = "Skip the PNG of the printed path.")
  boolean noPlot;

  @Override
  public Integer call() throws Exception {
    Path home = EscapementHome.dir();
    Path file = gcode != null ? gcode : home.resolve("config-examples/demo.gcode");
    Path cfg = config != null ? config : home.resolve("config-examples/sim-printer.cfg");
    Path mdl = model != null ? model : cfg.resolveSibling(
        cfg.getFileName().toString().replaceFirst("\\.cfg$", "") + ".model");
    for (Path p : new Path[] {file, cfg, mdl}) {
      if (!Files.isRegularFile(p)) {
        throw new UserError(p + ": no such file");
      }
    }
    if (!(speed > 0) || speed > 1000) {
      throw new UserError("--speed must be above 0 and at most 1000");
    }
    PrintStream console = System.out;
    org.escapement.host.log.KlippyLog log = logfile != null
        ? org.escapement.host.log.KlippyLog.toFile(logfile, false)
        : org.escapement.host.log.KlippyLog.toStderr(false);
    try (log) {
      PrintJob job = new PrintJob(new PrintJob.Options(file.toAbsolutePath(),
          cfg.toAbsolutePath(), mdl.toAbsolutePath(), speed, logfile, out.toAbsolutePath(),
          !noPlot), console, new TerminalProgress(System.err));
      PrintJob.Report r = job.run();
      console.println();
      console.println(String.format(Locale.ROOT, "print: %s in %.1f s of printer time"
          + " (%.1f s wall)", r.exitCode() == 0 ? "finished" : "FAILED", r.printSeconds(),
          r.wallSeconds()));
      for (Map.Entry<String, Integer> e : r.steps().entrySet()) {
        console.println(String.format(Locale.ROOT, "  %-12s %,d steps", e.getKey(),
            e.getValue()));
      }
      if (r.deviation().points() > 0) {
        console.println(String.format(Locale.ROOT, "  toolpath vs commanded: max %.4f mm,"
            + " 99%% within %.4f mm, mean %.4f mm (%,d points)", r.deviation().max(),
            r.deviation().p99(), r.deviation().mean(), r.deviation().points()));
      }
      if (r.plot() != null) {
        console.println("  plot: " + r.plot());
      }
      console.println("  trace: " + r.trace());
      return r.exitCode();
    }
  }

  /** One line on a terminal, rewritten in place: percent, layer, ETA. */
  static final class TerminalProgress implements PrintJob.Progress {
    private final PrintStream out;

    TerminalProgress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(double fraction, int layer, double eta, String state) {
      int width = 30;
      int filled = (int) Math.round(fraction * width);
      String bar = "#".repeat(filled) + "-".repeat(width - filled);
      String etaText = Double.isNaN(eta) ? "--:--" : String.format(Locale.ROOT, "%d:%02d",
          (int) eta / 60, (int) eta % 60);
      out.print(String.format(Locale.ROOT, "\r[%s] %5.1f%%  layer %d  %s  ETA %s   ", bar,
          fraction * 100, layer, state, etaText));
      out.flush();
    }

    @Override
    public void done() {
      out.println();
    }
  }
}
