package org.escapement.host.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.escapement.host.log.HostInfo;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code escapement run}: the host for a printer.cfg, with klippy's options. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the host for a printer configuration.",
      "G-code comes from the file given with -i (the host exits when it has run), from the"
          + " pseudo-terminal made with -I (for OctoPrint and other serial-port hosts), or"
          + " else from standard input. With -o it runs in batch mode: nothing is connected,"
          + " what would be sent to each MCU is written to the file (secondary MCUs to"
          + " FILE-NAME) and the MCUs' answers are made up, as Klipper's batch mode does."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:the G-code ran through", "1:an error (config, MCU, G-code)",
        "2:bad command line"})
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PRINTER.CFG", description = "The printer configuration.")
  Path config;

  @Option(names = {"-i", "--input"}, paramLabel = "FILE",
      description = "Run this G-code file, then exit.")
  Path input;

  @Option(names = {"-I", "--input-tty"}, paramLabel = "PATH",
      description = "Make a pseudo-terminal for G-code at PATH (e.g. /tmp/printer).")
  Path inputTty;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Batch mode: write the MCU command stream here.")
  Path output;

  @Option(names = {"-d", "--dictionary"}, paramLabel = "[NAME=]FILE",
      description = "Batch mode: the data dictionary of the main MCU, or of MCU NAME.")
  List<String> dictionaries = List.of();

  @Option(names = {"-l", "--logfile"}, paramLabel = "FILE",
      description = "Write the log (klippy.log format) here; it is rotated at each start"
          + " and at midnight, keeping five old logs.")
  Path logfile;

  @Option(names = "-v", description = "Log debug messages too.")
  boolean verbose;

  @Option(names = "--speed", paramLabel = "N", defaultValue = "1",
      description = "Host time runs N times faster, to match a sped-up simulated MCU"
          + " (default: ${DEFAULT-VALUE}).")
  double speed;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(config)) {
      throw new UserError(config + ": no such file");
    }
    if (input != null && !Files.isRegularFile(input)) {
      throw new UserError(input + ": no such file");
    }
    if (input != null && inputTty != null) {
      throw new UserError("-i and -I both give the G-code input; use one");
    }
    if (!(speed > 0)) {
      throw new UserError("--speed must be above 0");
    }
    Map<String, Path> dicts = new LinkedHashMap<>();
    for (String d : dictionaries) {
      int eq = d.indexOf('=');
      dicts.put(eq < 0 ? "mcu" : d.substring(0, eq), Path.of(eq < 0 ? d : d.substring(eq + 1)));
    }
    if (output == null && !dicts.isEmpty()) {
      throw new UserError("-d only applies in batch mode (-o FILE)");
    }
    String version = Cli.class.getPackage().getImplementationVersion();
    version = version == null ? "dev" : version;
    List<String> args = new ArrayList<>(List.of("escapement"));
    args.addAll(spec.commandLine().getParseResult().originalArgs());
    StartOptions options = new StartOptions(config, input, output, dicts, speed, inputTty,
        args.toString(), null);
    try (KlippyLog log = logfile != null ? KlippyLog.toFile(logfile, verbose)
        : KlippyLog.toStderr(verbose)) {
      System.getLogger("host").log(System.Logger.Level.INFO, "Starting Escapement...");
      log.setRolloverInfo("versions", String.join("\n",
          "Args: " + args,
          "Git version: 'escapement-" + version + "'",
          "CPU: " + HostInfo.cpu(),
          "Linux: " + HostInfo.linux(),
          "Java: " + HostInfo.java()), true);
      if (logfile == null && output == null) {
        System.getLogger("host").log(System.Logger.Level.WARNING,
            "No log file specified! Give one with -l for a real printer.");
      }
      HostSession session = new HostSession(options, StandardModules.registry(), version,
          System.out, System.in);
      return session.run();
    }
  }
}
