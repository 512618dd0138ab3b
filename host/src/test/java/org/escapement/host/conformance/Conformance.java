package org.escapement.host.conformance;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;

/**
 * Runs a config (and G-code) through the host in batch mode, in this process, and sorts the
 * outcome: it ran as expected, it needs a section we do not have yet, or it failed.
 */
public final class Conformance {
  private static final Pattern UNSUPPORTED =
      Pattern.compile("^!! (?:Section '([^']+)' is not supported yet|(.*not supported yet.*))$");

  /** FRAGMENT: a config snippet with no [mcu], not a printer on its own (not run). */
  public enum Kind { PASS, UNSUPPORTED, FAIL, FRAGMENT }

  /**
   * @param detail for UNSUPPORTED the section (or the message), for FAIL the first error
   */
  public record Outcome(Kind kind, String detail, int exitCode, List<String> output) {}

  private Conformance() {}

  /**
   * @param workDir where relative paths in configs start (Klipper runs its tests from its
   *     source root; the corpus configs expect the corpus folder)
   */
  public static Outcome run(Path config, Map<String, Path> dictionaries, Path gcode,
      boolean shouldFail, Path workDir, Path tmp) throws Exception {
    for (Path dict : dictionaries.values()) {
      if (!Files.exists(dict)) {
        return new Outcome(Kind.UNSUPPORTED, "no dictionary " + dict.getFileName(), -1,
            List.of());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StartOptions options = new StartOptions(config, gcode, tmp.resolve("_test_output"),
        dictionaries, 1.0, null, "conformance", workDir);
    int code = new HostSession(options, StandardModules.registry(), "conformance",
        new PrintStream(out, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    for (String l : lines) {
      Matcher m = UNSUPPORTED.matcher(l);
      if (m.matches()) {
        return new Outcome(Kind.UNSUPPORTED, m.group(1) != null ? m.group(1) : m.group(2), code,
            lines);
      }
    }
    boolean failed = code != 0;
    if (failed == shouldFail) {
      return new Outcome(Kind.PASS, "", code, lines);
    }
    String firstError = lines.stream().filter(l -> l.startsWith("!! ")).findFirst()
        .orElse(shouldFail ? "ran without the expected error" : "exit status " + code);
    return new Outcome(Kind.FAIL, firstError, code, lines);
  }
}
