package org.escapement.host.motion.steps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * For {@code bench motion}: how far each sent step lies from the time the step generator
 * computed for it, counted in 1 µs bins of earliness, plus late steps and steps more than
 * 25 µs early. Off unless the system property {@code escapement.stepTimingHistogram} names a
 * file, which gets the counts when the JVM exits; then every compressed sequence is replayed
 * step by step, which the normal run does anyway to check it.
 */
public final class StepTimingHistogram {
  static final String PROPERTY = "escapement.stepTimingHistogram";
  static final int EARLY_BINS = 25;
  private static final StepTimingHistogram INSTANCE = create(System.getProperty(PROPERTY));

  // [0, EARLY_BINS): early by [i, i+1) µs; EARLY_BINS: more than 25 µs early; last: late.
  private final AtomicLongArray bins = new AtomicLongArray(EARLY_BINS + 2);
  private final AtomicLongArray exact = new AtomicLongArray(1);

  StepTimingHistogram() {}

  private static StepTimingHistogram create(String path) {
    if (path == null || path.isEmpty()) {
      return null;
    }
    StepTimingHistogram h = new StepTimingHistogram();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.writeString(Path.of(path), h.format());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }));
    return h;
  }

  /** The histogram to record into, or null when not asked for. */
  static StepTimingHistogram active() {
    return INSTANCE;
  }

  /** One step sent at {@code sentTicks}, computed for {@code idealTicks}. */
  void record(long idealTicks, long sentTicks, double ticksPerUs) {
    long early = idealTicks - sentTicks;
    if (early < 0) {
      bins.incrementAndGet(EARLY_BINS + 1);
      return;
    }
    if (early == 0) {
      exact.incrementAndGet(0);
    }
    double us = early / ticksPerUs;
    // Exactly 25 us early is inside the bound: it goes in the last 1 us bin.
    bins.incrementAndGet(us > EARLY_BINS + 1e-9 ? EARLY_BINS
        : Math.min((int) us, EARLY_BINS - 1));
  }

  /**
   * Lines {@code early_us_from early_us_to count}, then {@code late N}, {@code exact N} and
   * {@code beyond_25us N}.
   */
  String format() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < EARLY_BINS; i++) {
      b.append(String.format(Locale.ROOT, "%d %d %d%n", i, i + 1, bins.get(i)));
    }
    b.append("beyond_25us ").append(bins.get(EARLY_BINS)).append('\n');
    b.append("late ").append(bins.get(EARLY_BINS + 1)).append('\n');
    b.append("exact ").append(exact.get(0)).append('\n');
    return b.toString();
  }
}
