package org.escapement.host.motion.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The figures docs/input-shaping.md quotes for each shaper are computed here: the doc must
 * hold this very table (on a mismatch, the test prints the table to paste).
 */
class ShaperFiguresTest {
  static final double FREQ = 50;
  static final double DAMPING = 0.1;
  static final double ACCEL = 3000;

  static String table() {
    StringBuilder t = new StringBuilder();
    t.append("| shaper | vibration left at f | at 0.9 f / 1.1 f | band with <= 5% left"
        + " | spread (ms) | lag at 3000 mm/s^2 (mm) |\n");
    t.append("|---|---|---|---|---|---|\n");
    for (Shapers.Type type : Shapers.TYPES) {
      Shapers.Shaper s = Shapers.create(type.name(), FREQ, DAMPING);
      // Where at least 95% of the vibration is gone, as fractions of f.
      double lo = Double.NaN;
      double hi = Double.NaN;
      for (double r = 0.5; r <= 1.5; r += 0.001) {
        if (Shapers.residualVibration(s, FREQ * r, DAMPING) <= 0.05) {
          if (Double.isNaN(lo)) {
            lo = r;
          }
          hi = r;
        }
      }
      double spread = Shapers.spreadSec(s);
      t.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% / %.1f%% | %.2f f .. %.2f f"
          + " | %.2f | %.4f |\n", type.name(),
          100 * Shapers.residualVibration(s, FREQ, DAMPING),
          100 * Shapers.residualVibration(s, 0.9 * FREQ, DAMPING),
          100 * Shapers.residualVibration(s, 1.1 * FREQ, DAMPING), lo, hi, spread * 1000,
          ACCEL * spread * spread / 2));
    }
    return t.toString();
  }

  @Test
  void theDocsQuoteTheComputedFigures() throws Exception {
    String table = table();
    Path doc = Path.of("..", "docs", "input-shaping.md");
    String text = Files.exists(doc) ? Files.readString(doc) : "";
    if (!text.contains(table)) {
      System.out.print(table);
    }
    assertThat(text).as("docs/input-shaping.md holds the shaper figures").contains(table);
  }
}
