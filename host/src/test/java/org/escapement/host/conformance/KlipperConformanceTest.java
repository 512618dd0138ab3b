package org.escapement.host.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.escapement.host.conformance.Conformance.Kind;
import org.escapement.host.conformance.Conformance.Outcome;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Klipper's own regression tests and every corpus printer config, through our batch mode.
 * Each run must do what Klipper's does, or stop at a section we do not support yet with
 * "Section 'x' is not supported yet"; any other failure fails this test. The outcome of
 * every run is written to {@code target/conformance/} and summed up on the console.
 */
class KlipperConformanceTest {
  private static Level savedLevel;
  @TempDir Path tmp;

  @BeforeAll
  static void quiet() {
    savedLevel = Logger.getLogger("").getLevel();
    Logger.getLogger("").setLevel(Level.SEVERE); // hundreds of runs: keep the console readable
  }

  @AfterAll
  static void restore() {
    Logger.getLogger("").setLevel(savedLevel);
  }

  static Path corpus() {
    return Shared.dir().resolve("corpus");
  }

  @Test
  void klipperRegressionTests() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(corpus().resolve("klipper-tests"))) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    List<String> report = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Map<Kind, Integer> counts = new TreeMap<>();
    Map<String, Integer> missing = new TreeMap<>();
    for (Path file : files) {
      KlipperTestFile test = KlipperTestFile.parse(file, Shared.wire());
      for (KlipperTestFile.Run run : test.runs()) {
        Path gcode = run.gcodeFile();
        if (gcode == null) {
          gcode = tmp.resolve("_test_.gcode");
          Files.writeString(gcode, String.join("\n", run.gcode()) + "\n");
        }
        Outcome o = Conformance.run(run.config(), run.dictionaries(), gcode, run.shouldFail(),
            corpus(), tmp);
        counts.merge(o.kind(), 1, Integer::sum);
        String name = file.getFileName() + " (" + run.label() + ")";
        report.add(String.format(Locale.ROOT, "%-11s %s%s", o.kind(), name,
            o.detail().isEmpty() ? "" : ": " + o.detail()));
        if (o.kind() == Kind.UNSUPPORTED) {
          missing.merge(o.detail(), 1, Integer::sum);
        } else if (o.kind() == Kind.FAIL) {
          failures.add(name + ": " + o.detail());
        }
      }
    }
    write("klipper-tests.txt", report, counts, missing);
    assertThat(failures).as("runs that failed other than on an unsupported section")
        .isEmpty();
  }

  @Test
  void everyCorpusConfigLoads() throws Exception {
    // The dictionaries printers.test gives each config; the others get the atmega2560's.
    Map<Path, Map<String, Path>> dicts = new LinkedHashMap<>();
    KlipperTestFile printers = KlipperTestFile.parse(
        corpus().resolve("klipper-tests/printers.test"), Shared.wire());
    printers.runs().forEach(r -> dicts.put(r.config(), r.dictionaries()));
    List<Path> configs;
    try (Stream<Path> s = Files.list(corpus().resolve("klipper-configs"))) {
      configs = s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
    }
    Path empty = tmp.resolve("empty.gcode");
    Files.writeString(empty, "");
    List<String> report = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Map<Kind, Integer> counts = new TreeMap<>();
    Map<String, Integer> missing = new TreeMap<>();
    for (Path cfg : configs) {
      Path config = cfg.normalize();
      if (Files.readAllLines(config).stream().noneMatch(l -> l.strip().equals("[mcu]"))) {
        // sample-*.cfg snippets to paste into a printer.cfg: no printer on their own
        counts.merge(Kind.FRAGMENT, 1, Integer::sum);
        report.add(String.format(Locale.ROOT, "%-11s %s", Kind.FRAGMENT, config.getFileName()));
        continue;
      }
      boolean tested = dicts.containsKey(config);
      Map<String, Path> d = tested ? dicts.get(config) : guessDictionaries(config);
      Outcome o = Conformance.run(config, d, empty, false, corpus(), tmp);
      counts.merge(o.kind(), 1, Integer::sum);
      report.add(String.format(Locale.ROOT, "%-11s %s%s%s", o.kind(), config.getFileName(),
          tested ? "" : " [not in printers.test]", o.detail().isEmpty() ? "" : ": "
              + o.detail()));
      if (o.kind() == Kind.UNSUPPORTED) {
        missing.merge(o.detail(), 1, Integer::sum);
      } else if (o.kind() == Kind.FAIL && tested) {
        failures.add(config.getFileName() + ": " + o.detail());
      }
    }
    write("corpus-configs.txt", report, counts, missing);
    assertThat(failures).as("configs Klipper loads that we reject other than on an"
        + " unsupported section").isEmpty();
  }

  /** The main MCU and every [mcu NAME] get the atmega2560 dictionary. */
  private static Map<String, Path> guessDictionaries(Path config) throws Exception {
    Map<String, Path> d = new LinkedHashMap<>();
    d.put("mcu", Shared.wire("atmega2560.dict"));
    for (String line : Files.readAllLines(config)) {
      String l = line.strip();
      if (l.startsWith("[mcu ") && l.endsWith("]")) {
        d.put(l.substring(5, l.length() - 1).strip(), Shared.wire("atmega2560.dict"));
      }
    }
    return d;
  }

  private static void write(String name, List<String> report, Map<Kind, Integer> counts,
      Map<String, Integer> missing) throws Exception {
    Path dir = Path.of("target", "conformance");
    Files.createDirectories(dir);
    List<String> out = new ArrayList<>(report);
    out.add("");
    out.add("totals: " + counts);
    out.add("not supported yet (runs stopped there):");
    missing.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(e -> out.add(String.format(Locale.ROOT, "  %4d  %s", e.getValue(), e.getKey())));
    Files.write(dir.resolve(name), out);
    System.out.println("conformance " + name + ": " + counts + " (details in "
        + dir.resolve(name).toAbsolutePath() + ")");
  }
}
