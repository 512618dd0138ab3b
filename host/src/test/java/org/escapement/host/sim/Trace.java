package org.escapement.host.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pin trace of the sim MCU ({@code <clock> <pin> <level>}, {@code <clock> <pin> pwm
 * <value>}) or of the simavr bridge ({@code <cycle> <pin> <level>}); lines starting with
 * {@code #} are the header and notes. Format: docs/sim-mcu.md.
 */
record Trace(Map<String, String> header, List<Change> changes, List<String> notes) {
  /** One pin change: a level (0/1) or, if {@code pwm}, a hardware PWM value. */
  record Change(long clock, String pin, boolean pwm, long value) {}

  static Trace read(Path file) throws IOException {
    Map<String, String> header = new TreeMap<>();
    List<Change> changes = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("# ")) {
        String[] words = line.substring(2).split(" ", 2);
        if (words[0].chars().allMatch(Character::isDigit)) {
          notes.add(line.substring(2));
        } else {
          header.put(words[0], words.length > 1 ? words[1] : "");
        }
        continue;
      }
      String[] f = line.split(" ");
      if (f.length == 3) {
        changes.add(new Change(Long.parseLong(f[0]), f[1], false, Long.parseLong(f[2])));
      } else if (f.length == 4 && f[2].equals("pwm")) {
        changes.add(new Change(Long.parseLong(f[0]), f[1], true, Long.parseLong(f[3])));
      } else {
        throw new IOException(file + ": not a trace line: " + line);
      }
    }
    return new Trace(header, changes, notes);
  }

  /** The changes of one pin, in order. */
  List<Change> of(String pin) {
    return changes.stream().filter(c -> c.pin().equals(pin)).toList();
  }

  /** The clocks at which the pin went from 0 to 1 (pins start low). */
  List<Long> risingEdges(String pin) {
    List<Long> out = new ArrayList<>();
    long level = 0;
    for (Change c : of(pin)) {
      if (c.value() == 1 && level == 0) {
        out.add(c.clock());
      }
      level = c.value();
    }
    return out;
  }

  /** The pin's level just after {@code clock} (-1 if the trace never shows it). */
  long levelAt(String pin, long clock) {
    long level = -1;
    for (Change c : of(pin)) {
      if (c.clock() > clock) {
        break;
      }
      level = c.value();
    }
    return level;
  }
}
