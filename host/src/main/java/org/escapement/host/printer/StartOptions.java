package org.escapement.host.printer;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the host was started ({@code ./escapement run} options, with klippy's meanings).
 *
 * @param config the printer.cfg
 * @param input G-code file to run, then exit (null: none)
 * @param batchOutput batch mode: write what would go to the MCU here (null: live)
 * @param dictionaries batch mode: data dictionary per MCU name ("mcu" for the main one)
 * @param speed simulated time runs this many times faster (1 for real printers)
 * @param ptyPath G-code from a pseudo-terminal made at this path (null: standard input),
 *     when there is no input file
 * @param args the command line, for the log
 * @param workDir relative paths in the config (virtual SD, variables file) start here; null:
 *     the working directory, as in Klipper
 * @param overrides config values set from outside the file, as {@code "section.option"} to
 *     value ({@code "mcu.serial"} for the simulated printer's pty)
 */
public record StartOptions(Path config, Path input, Path batchOutput,
    Map<String, Path> dictionaries, double speed, Path ptyPath, String args, Path workDir,
    Map<String, String> overrides) {
  public StartOptions(Path config, Path input, Path batchOutput, Map<String, Path> dictionaries,
      double speed, Path ptyPath, String args, Path workDir) {
    this(config, input, batchOutput, dictionaries, speed, ptyPath, args, workDir, Map.of());
  }

  /** Live, G-code from standard input. */
  public static StartOptions live(Path config) {
    return new StartOptions(config, null, null, Map.of(), 1.0, null, "", null);
  }

  /** A path from the config: {@code ~} is the home directory, relative is from workDir. */
  public Path resolvePath(String path) {
    String p = path.equals("~") || path.startsWith("~/")
        ? System.getProperty("user.home") + path.substring(1) : path;
    Path base = workDir != null ? workDir : Path.of("").toAbsolutePath();
    return base.resolve(p).normalize();
  }

  public boolean isBatch() {
    return batchOutput != null;
  }

  /** Batch output of a secondary MCU: {@code out.serial-NAME}, as Klipper names it. */
  public Path batchOutputFor(String mcu) {
    return mcu.equals("mcu") ? batchOutput
        : batchOutput.resolveSibling(batchOutput.getFileName() + "-" + mcu);
  }
}
