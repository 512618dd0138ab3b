package org.escapement.host.modules;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [virtual_sdcard]}: prints G-code files from a folder on the host, as if from an SD
 * card (M20–M27, SDCARD_PRINT_FILE, SDCARD_RESET_FILE). The file is run line by line by the
 * host, taking turns with other G-code sources; position and progress are reported.
 */
public final class VirtualSdcardModule implements StatusProvider, StatsSource {
  static final List<String> VALID_GCODE_EXTS = List.of("gcode", "g", "gco");
  static final String DEFAULT_ERROR_GCODE = """
      {% if 'heaters' in printer %}
         TURN_OFF_HEATERS
      {% endif %}
      """;

  private final Printer printer;
  private final Path dir;
  private final PrintStatsModule printStats;
  private final MacroSupport macros;
  private final TemplateEngine.Template onErrorGcode;
  private final GCodeDispatch gcode;
  private RandomAccessFile currentFile;
  private Path currentPath;
  private long filePosition;
  private long fileSize;
  private long nextFilePosition;
  private boolean mustPauseWork;
  private boolean cmdFromSd;
  private boolean working;

  public VirtualSdcardModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    dir = printer.startOptions().resolvePath(section.get("path"));
    printStats = PrintStatsModule.of(printer);
    macros = MacroSupport.of(printer);
    onErrorGcode = macros.load(section, "on_error_gcode", DEFAULT_ERROR_GCODE);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M20", this::cmdM20, false, null);
    gcode.register("M21", c -> c.respondRaw("SD card ok"), false, null);
    gcode.register("M23", this::cmdM23, false, null);
    gcode.register("M24", c -> doResume(), false, null);
    gcode.register("M25", c -> doPause(), false, null);
    gcode.register("M26", this::cmdM26, false, null);
    gcode.register("M27", this::cmdM27, false, null);
    for (String cmd : List.of("M28", "M29", "M30")) {
      gcode.register(cmd, c -> {
        throw c.error("SD write not supported");
      }, false, null);
    }
    gcode.register("SDCARD_RESET_FILE", this::cmdResetFile, false,
        "Clears a loaded SD File. Stops the print if necessary");
    gcode.register("SDCARD_PRINT_FILE", this::cmdPrintFile, false,
        "Loads a SD file and starts the print.  May include files in subdirectories.");
    printer.onEvent(Printer.Event.ANALYZE_SHUTDOWN, this::logShutdownContext);
    printer.addInputDoneCheck(() -> !working);
  }

  // ---- files ----

  /** (name relative to the folder, size) of the G-code files, sorted case-insensitively. */
  List<Map.Entry<String, Long>> fileList(boolean subdirs) {
    List<Map.Entry<String, Long>> out = new ArrayList<>();
    try (Stream<Path> s = subdirs ? Files.walk(dir) : Files.list(dir)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        String rel = dir.relativize(p).toString();
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          return;
        }
        if (subdirs) {
          int dot = name.lastIndexOf('.');
          if (dot < 0 || !VALID_GCODE_EXTS.contains(name.substring(dot + 1))) {
            return;
          }
        }
        try {
          out.add(Map.entry(rel, Files.size(p)));
        } catch (IOException e) {
          // a file that vanished while listing: skip it
        }
      });
    } catch (IOException e) {
      throw new CommandError("Unable to get file list");
    }
    out.sort(Comparator.comparing(e -> e.getKey().toLowerCase(Locale.ROOT)));
    return out;
  }

  private void loadFile(GCodeCommand c, String filename, boolean subdirs) {
    String name = filename;
    List<Map.Entry<String, Long>> files = fileList(subdirs);
    boolean exact = files.stream().anyMatch(e -> e.getKey().equals(name));
    String chosen = exact ? name : files.stream().map(Map.Entry::getKey)
        .filter(k -> k.equalsIgnoreCase(name)).findFirst().orElse(null);
    if (chosen == null) {
      throw c.error("Unable to open file");
    }
    Path p = dir.resolve(chosen).normalize();
    try {
      currentFile = new RandomAccessFile(p.toFile(), "r");
      fileSize = currentFile.length();
    } catch (IOException e) {
      throw c.error("Unable to open file");
    }
    c.respondRaw("File opened:" + filename + " Size:" + fileSize);
    c.respondRaw("File selected");
    currentPath = p;
    filePosition = 0;
    printStats.setCurrentFile(filename);
  }

  private void resetFile() {
    if (currentFile != null) {
      doPause();
      closeFile();
    }
    filePosition = 0;
    fileSize = 0;
    printStats.reset();
    printer.sendEvent("virtual_sdcard:reset_file", null);
  }

  private void closeFile() {
    try {
      currentFile.close();
    } catch (IOException e) {
      // closing a read-only file: nothing to lose
    }
    currentFile = null;
    currentPath = null;
  }

  // ---- pause, resume, cancel (also used by pause_resume) ----

  public boolean isActive() {
    return working;
  }

  public void doPause() {
    if (working) {
      mustPauseWork = true;
      Reactor reactor = printer.reactor();
      while (working && !cmdFromSd) {
        reactor.pause(reactor.monotonic() + 0.001);
      }
    }
  }

  public void doResume() {
    if (working) {
      throw new CommandError("SD busy");
    }
    if (currentFile == null) {
      throw new CommandError("No file selected (M23 or SDCARD_PRINT_FILE first)");
    }
    mustPauseWork = false;
    working = true;
    printer.reactor().spawn(this::work);
  }

  public void doCancel() {
    if (currentFile != null) {
      doPause();
      closeFile();
      printStats.noteCancel();
    }
    filePosition = 0;
    fileSize = 0;
  }

  // ---- commands ----

  private void cmdM20(GCodeCommand c) {
    c.respondRaw("Begin file list");
    for (Map.Entry<String, Long> f : fileList(false)) {
      c.respondRaw(f.getKey() + " " + f.getValue());
    }
    c.respondRaw("End file list");
  }

  private void cmdM23(GCodeCommand c) {
    if (working) {
      throw c.error("SD busy");
    }
    resetFile();
    String name = c.rawParameters().strip();
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    loadFile(c, name, false);
  }

  private void cmdM26(GCodeCommand c) {
    if (working) {
      throw c.error("SD busy");
    }
    filePosition = c.getInt("S", null, org.escapement.host.config.Bounds.min(0));
  }

  private void cmdM27(GCodeCommand c) {
    if (currentFile == null) {
      c.respondRaw("Not SD printing.");
      return;
    }
    c.respondRaw("SD printing byte " + filePosition + "/" + fileSize);
  }

  private void cmdResetFile(GCodeCommand c) {
    if (cmdFromSd) {
      throw c.error("SDCARD_RESET_FILE cannot be run from the sdcard");
    }
    resetFile();
  }

  private void cmdPrintFile(GCodeCommand c) {
    if (working) {
      throw c.error("SD busy");
    }
    resetFile();
    String name = c.get("FILENAME");
    if (name.startsWith("/")) {
      name = name.substring(1);
    }
    loadFile(c, name, true);
    doResume();
  }

  /** Where the next line starts; a command may move it (SDCARD_LOOP). */
  public long filePosition() {
    return nextFilePosition;
  }

  public void setFilePosition(long pos) {
    nextFilePosition = pos;
  }

  public boolean isCmdFromSd() {
    return cmdFromSd;
  }

  // ---- the print ----

  /** Runs the file from filePosition, line by line, until its end, a pause or an error. */
  private void work() {
    System.getLogger("virtual_sdcard").log(System.Logger.Level.INFO,
        "Starting SD card print (position " + filePosition + ")");
    Reactor reactor = printer.reactor();
    String errorMessage = null;
    try {
      currentFile.seek(filePosition);
      printStats.noteStart();
      LineReader reader = new LineReader(currentFile);
      while (!mustPauseWork) {
        byte[] line = reader.next();
        if (line == null) {
          closeFile();
          System.getLogger("virtual_sdcard").log(System.Logger.Level.INFO,
              "Finished SD card print");
          gcode.respondRaw("Done printing file");
          break;
        }
        // Let other sources (macros, the API) in between lines.
        while (gcode.mutex().isLocked()) {
          reactor.pause(reactor.monotonic() + 0.050);
        }
        cmdFromSd = true;
        long next = filePosition + line.length + 1;
        nextFilePosition = next;
        try {
          gcode.runScript(new String(line, StandardCharsets.UTF_8));
        } catch (CommandError e) {
          errorMessage = e.getMessage();
          try {
            gcode.runScript(macros.render(onErrorGcode, macros.context()));
          } catch (CommandError e2) {
            System.getLogger("virtual_sdcard").log(System.Logger.Level.WARNING,
                "virtual_sdcard on_error: " + e2.getMessage());
          }
          break;
        }
        cmdFromSd = false;
        filePosition = nextFilePosition;
        if (nextFilePosition != next) {
          currentFile.seek(filePosition); // a command moved the position
          reader = new LineReader(currentFile);
        }
      }
    } catch (IOException e) {
      System.getLogger("virtual_sdcard").log(System.Logger.Level.ERROR,
          "virtual_sdcard read: " + e.getMessage());
      errorMessage = "Error reading " + currentPath + ": " + e.getMessage();
    } finally {
      System.getLogger("virtual_sdcard").log(System.Logger.Level.INFO,
          "Exiting SD card print (position " + filePosition + ")");
      working = false;
      cmdFromSd = false;
    }
    if (errorMessage != null) {
      printStats.noteError(errorMessage);
    } else if (currentFile != null) {
      printStats.notePause();
    } else {
      printStats.noteComplete();
    }
  }

  /** Reads '\n'-separated lines as bytes, so positions count bytes as the file does. */
  private static final class LineReader {
    private final RandomAccessFile file;
    private final byte[] buf = new byte[8192];
    private int len;
    private int pos;
    private boolean eof;

    LineReader(RandomAccessFile file) {
      this.file = file;
    }

    byte[] next() throws IOException {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      while (true) {
        if (pos == len) {
          if (eof) {
            return line.size() > 0 ? line.toByteArray() : null;
          }
          len = file.read(buf);
          pos = 0;
          if (len <= 0) {
            len = 0;
            eof = true;
            continue;
          }
        }
        byte b = buf[pos++];
        if (b == '\n') {
          return line.toByteArray();
        }
        line.write(b);
      }
    }
  }

  private void logShutdownContext() {
    if (working && currentPath != null) {
      System.getLogger("virtual_sdcard").log(System.Logger.Level.INFO,
          "Virtual sdcard shutdown at position " + filePosition + " of " + currentPath);
      mustPauseWork = true;
    }
  }

  @Override
  public Stats stats(double eventtime) {
    return working ? new Stats(true, "sd_pos=" + filePosition) : new Stats(false, "");
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("file_path", currentPath == null ? null : currentPath.toString());
    s.put("progress", fileSize == 0 ? 0.0 : (double) filePosition / fileSize);
    s.put("is_active", working);
    s.put("file_position", filePosition);
    s.put("file_size", fileSize);
    return s;
  }
}
