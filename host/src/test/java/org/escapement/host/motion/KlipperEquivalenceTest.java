package org.escapement.host.motion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our batch output against Klipper's, for every capture in the corpus: same config, same
 * G-code. Per stepper the step count and final position must be equal and every step within
 * 50 µs of Klipper's (both hosts place each step at most 25 µs early, never late).
 */
class KlipperEquivalenceTest {
  static final double TOLERANCE_SECONDS = 0.000050;
  @TempDir Path tmp;

  /** Runs a config and G-code in batch mode; returns the decoded stream of each MCU. */
  Map<String, List<String>> ours(Path config, Path gcode, Map<String, Path> dicts)
      throws Exception {
    Level saved = Logger.getLogger("").getLevel();
    Logger.getLogger("").setLevel(Level.SEVERE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      StartOptions options = new StartOptions(config, gcode, tmp.resolve("out.serial"), dicts,
          1.0, null, "test", Shared.dir().resolve("corpus"));
      int code = new HostSession(options, StandardModules.registry(), "test",
          new PrintStream(out, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
          .run();
      assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    } finally {
      Logger.getLogger("").setLevel(saved);
    }
    Map<String, List<String>> streams = new LinkedHashMap<>();
    for (Map.Entry<String, Path> d : dicts.entrySet()) {
      Path file = d.getKey().equals("mcu") ? tmp.resolve("out.serial")
          : tmp.resolve("out.serial-" + d.getKey());
      streams.put(d.getKey(), WireCapture.decode(Dictionary.load(d.getValue()), file));
    }
    return streams;
  }

  void assertSameSteps(List<String> klipper, List<String> ours, double clockFreq) {
    Map<String, StepTimeline.Steps> k = StepTimeline.of(klipper);
    Map<String, StepTimeline.Steps> e = StepTimeline.of(ours);
    assertThat(e.keySet()).containsExactlyInAnyOrderElementsOf(k.keySet());
    long tolerance = Math.round(TOLERANCE_SECONDS * clockFreq);
    for (String pin : k.keySet()) {
      StepTimeline.Steps ks = k.get(pin);
      StepTimeline.Steps es = e.get(pin);
      assertThat(es.clocks).as("steps of " + pin).hasSameSizeAs(ks.clocks);
      assertThat(es.position).as("final position of " + pin).isEqualTo(ks.position);
      assertThat(StepTimeline.firstDirMismatch(ks, es)).as("direction of " + pin).isEqualTo(-1);
      assertThat(StepTimeline.maxDifference(ks, es)).as("largest step time difference on "
          + pin + " (ticks)").isLessThanOrEqualTo(tolerance);
    }
  }

  static Path corpus(String path) {
    return Shared.dir().resolve("corpus").resolve(path);
  }

  @Test
  void cartesianMoveTestMatchesKlipper() throws Exception {
    Map<String, List<String>> s = ours(corpus("klipper-configs/example-cartesian.cfg"),
        corpus("klipper-tests/move.gcode"), Map.of("mcu", Shared.wire("atmega2560.dict")));
    assertSameSteps(Files.readAllLines(Shared.wire("cartesian_move.parsed.txt")), s.get("mcu"),
        16e6);
  }

  @Test
  void inputShaperMoveTestMatchesKlipper() throws Exception {
    Path config = Path.of(getClass().getResource("/motion/input_shaper-no-accelerometers.cfg")
        .toURI());
    Map<String, List<String>> s = ours(config, corpus("klipper-tests/move.gcode"),
        Map.of("mcu", Shared.wire("atmega2560.dict")));
    assertSameSteps(Files.readAllLines(Shared.wire("input_shaper_move.parsed.txt")),
        s.get("mcu"), 16e6);
  }

  @Test
  void multiMcuMoveTestMatchesKlipperOnEveryMcu() throws Exception {
    Path dict = Shared.wire("atmega2560.dict");
    Map<String, Path> dicts = new LinkedHashMap<>();
    dicts.put("mcu", dict);
    dicts.put("zboard", dict);
    dicts.put("auxboard", dict);
    Map<String, List<String>> s = ours(corpus("klipper-configs/sample-multi-mcu.cfg"),
        corpus("klipper-tests/move.gcode"), dicts);
    assertSameSteps(Files.readAllLines(Shared.wire("multi_mcu_move.parsed.txt")), s.get("mcu"),
        16e6);
    assertSameSteps(Files.readAllLines(Shared.wire("multi_mcu_move.parsed-zboard.txt")),
        s.get("zboard"), 16e6);
    assertSameSteps(Files.readAllLines(Shared.wire("multi_mcu_move.parsed-auxboard.txt")),
        s.get("auxboard"), 16e6);
  }
}
