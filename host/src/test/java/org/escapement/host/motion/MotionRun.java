package org.escapement.host.motion;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.Printer;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;

/**
 * One batch-mode run of the whole host on an atmega2560 printer: config text and G-code in;
 * the replies, the decoded MCU stream, and the printer as the run left it, out. A G-code error
 * ends the run, so the printer shows the state right after the failed command.
 */
public final class MotionRun {
  public final int exitCode;
  public final List<String> replies;
  public final List<String> sent;
  public final Printer printer;

  private MotionRun(int exitCode, List<String> replies, List<String> sent, Printer printer) {
    this.exitCode = exitCode;
    this.replies = replies;
    this.sent = sent;
    this.printer = printer;
  }

  /** A corpus config's text without the named sections (ones we do not support yet). */
  public static String corpusConfig(String file, String... dropSections) throws Exception {
    List<String> out = new ArrayList<>();
    boolean dropping = false;
    for (String line : Files.readAllLines(Shared.dir().resolve("corpus/klipper-configs")
        .resolve(file))) {
      String l = line.strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        dropping = List.of(dropSections).contains(l.substring(1, l.length() - 1));
      }
      if (!dropping) {
        out.add(line);
      }
    }
    return String.join("\n", out) + "\n";
  }

  public static MotionRun run(Path dir, String config, String gcode) throws Exception {
    return run(dir, config, gcode, "atmega2560.dict");
  }

  /** As {@link #run(Path, String, String)}, with the main MCU's dictionary from the corpus. */
  public static MotionRun run(Path dir, String config, String gcode, String dictionary)
      throws Exception {
    Path cfg = dir.resolve("printer.cfg");
    Files.writeString(cfg, config);
    Path input = dir.resolve("in.gcode");
    Files.writeString(input, gcode);
    Path out = dir.resolve("out.serial");
    Files.deleteIfExists(out);
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    Path dict = Shared.wire(dictionary);
    var options = new org.escapement.host.printer.StartOptions(cfg, input, out,
        Map.of("mcu", dict), 1.0, null, "test", dir);
    Level saved = Logger.getLogger("").getLevel();
    Logger.getLogger("").setLevel(Level.SEVERE);
    HostSession session = new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream());
    int code;
    try {
      code = session.run();
    } finally {
      Logger.getLogger("").setLevel(saved);
    }
    List<String> sent = Files.exists(out)
        ? WireCapture.decode(Dictionary.load(dict), out) : List.of();
    return new MotionRun(code, replies.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.equals("// Klipper state: Ready")).toList(), sent, session.printer());
  }

  /**
   * The decoded commands sent, or, when the run failed (a config error, say), its replies as
   * one text: what a test of a module's MCU commands and of its errors looks at.
   */
  public List<String> sentOrReplies() {
    return exitCode == 0 ? sent : List.of(String.join("\n", replies).strip());
  }

  /** The first error line without its "!! ", or null. */
  public String error() {
    return replies.stream().filter(l -> l.startsWith("!! ")).findFirst()
        .map(l -> l.substring(3)).orElse(null);
  }

  public Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  /** Each step pin's steps, as the MCU would make them. */
  public Map<String, StepTimeline.Steps> steps() {
    return StepTimeline.of(sent);
  }

  /** A GET_POSITION line's values ("kinematic", "toolhead"...) as numbers by axis. */
  public Map<String, Double> position(String line) {
    String prefix = "// " + line + ": ";
    String found = null;
    for (String r : replies) {
      if (r.startsWith(prefix)) {
        found = r.substring(prefix.length()); // the last GET_POSITION wins
      }
    }
    if (found == null) {
      throw new AssertionError("no '" + line + "' in " + replies);
    }
    Map<String, Double> values = new java.util.LinkedHashMap<>();
    for (String part : found.split(" ")) {
      int colon = part.lastIndexOf(':');
      values.put(part.substring(0, colon), Double.parseDouble(part.substring(colon + 1)));
    }
    return values;
  }
}
