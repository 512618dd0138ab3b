package org.escapement.host.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
      "With -o it runs in batch mode: nothing is connected, what would be sent to each MCU is"
          + " written to the file (secondary MCUs to FILE-NAME) and the MCUs' answers are made"
          + " up, as Klipper's batch mode does. Without -i, G-code is read from standard input."
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

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Batch mode: write the MCU command stream here.")
  Path output;

  @Option(names = {"-d", "--dictionary"}, paramLabel = "[NAME=]FILE",
      description = "Batch mode: the data dictionary of the main MCU, or of MCU NAME.")
  List<String> dictionaries = List.of();

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(config)) {
      throw new UserError(config + ": no such file");
    }
    if (input != null && !Files.isRegularFile(input)) {
      throw new UserError(input + ": no such file");
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
    HostSession session = new HostSession(
        new StartOptions(config, input, output, dicts, 1.0), StandardModules.registry(),
        version == null ? "dev" : version, System.out, System.in);
    return session.run();
  }
}
