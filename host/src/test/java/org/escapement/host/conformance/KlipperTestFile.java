package org.escapement.host.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of Klipper's regression scripts ({@code test/klippy/*.test}): DICTIONARY, CONFIG, GCODE
 * and SHOULD_FAIL directives, other lines being G-code. Several CONFIG lines make several
 * runs, each with the dictionary and G-code in effect where it appears, as Klipper's runner
 * reads them.
 */
public record KlipperTestFile(Path file, List<Run> runs) {
  /**
   * One host run.
   *
   * @param dictionaries data dictionary by MCU name ({@code mcu} for the main one)
   * @param gcodeFile the GCODE file, or null for the inline lines
   */
  public record Run(Path config, Map<String, Path> dictionaries, Path gcodeFile,
      List<String> gcode, boolean shouldFail) {
    public String label() {
      return config.getFileName().toString();
    }
  }

  public static KlipperTestFile parse(Path file, Path dictDir) throws IOException {
    Path dir = file.getParent();
    Path config = null;
    Path gcodeFile = null;
    Map<String, Path> dicts = null;
    boolean shouldFail = false;
    boolean multi = false;
    List<String> gcode = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    for (String raw : Files.readAllLines(file)) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      switch (parts[0]) {
        case "CONFIG" -> {
          if (config != null && !multi) {
            multi = true;
            runs.add(new Run(config, dicts, gcodeFile, List.copyOf(gcode), shouldFail));
          }
          config = dir.resolve(parts[1]).normalize();
          if (multi) {
            runs.add(new Run(config, dicts, gcodeFile, List.copyOf(gcode), shouldFail));
          }
        }
        case "DICTIONARY" -> {
          dicts = new LinkedHashMap<>();
          dicts.put("mcu", dictDir.resolve(parts[1]));
          for (int i = 2; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            dicts.put(kv[0].strip(), dictDir.resolve(kv[1].strip()));
          }
        }
        case "GCODE" -> gcodeFile = dir.resolve(parts[1]).normalize();
        case "SHOULD_FAIL" -> shouldFail = true;
        default -> gcode.add(line);
      }
    }
    if (!multi) {
      runs.add(new Run(config, dicts, gcodeFile, List.copyOf(gcode), shouldFail));
    }
    for (Run r : runs) {
      if (r.config() == null || r.dictionaries() == null) {
        throw new IOException(file + ": a run without CONFIG or DICTIONARY");
      }
      if (r.gcodeFile() != null && !r.gcode().isEmpty()) {
        throw new IOException(file + ": both a GCODE file and G-code lines");
      }
    }
    return new KlipperTestFile(file, runs);
  }
}
