package org.escapement.host.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the simulated MCU's steppers did, read back from its pin trace: for each stepper (step
 * and dir pin), the MCU clock of every step and the position after it, in steps.
 */
public final class StepTrace {
  /** One stepper as wired: which pins, which edges step, which dir level counts up. */
  public record Wiring(String stepPin, String dirPin, boolean bothEdges, boolean invertStep,
      boolean dirHighIsPositive) {}

  /** A stepper's steps: clocks and positions (after each step), in trace order. */
  public static final class Steps {
    long[] clocks = new long[1024];
    long[] positions = new long[1024];
    int count;

    void add(long clock, long position) {
      if (count == clocks.length) {
        clocks = Arrays.copyOf(clocks, count * 2);
        positions = Arrays.copyOf(positions, count * 2);
      }
      clocks[count] = clock;
      positions[count] = position;
      count++;
    }

    public int count() {
      return count;
    }

    public long clock(int i) {
      return clocks[i];
    }

    public long position(int i) {
      return positions[i];
    }

    /** Position (steps) at {@code clock}: the last step at or before it. */
    public long positionAt(long clock) {
      int lo = 0;
      int hi = count - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (clocks[mid] <= clock) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found < 0 ? 0 : positions[found];
    }
  }

  private final double clockFreq;
  private final Map<String, Steps> byStepper;

  private StepTrace(double clockFreq, Map<String, Steps> byStepper) {
    this.clockFreq = clockFreq;
    this.byStepper = byStepper;
  }

  public double clockFreq() {
    return clockFreq;
  }

  public Steps steps(String stepper) {
    return byStepper.get(stepper);
  }

  /** Reads a trace file; {@code wiring} names the steppers to follow. */
  public static StepTrace read(Path trace, Map<String, Wiring> wiring) throws IOException {
    Map<String, String> stepPinOwner = new HashMap<>();
    Map<String, String> dirPinOwner = new HashMap<>();
    Map<String, Steps> steps = new HashMap<>();
    Map<String, Integer> dirLevel = new HashMap<>();
    Map<String, Integer> stepLevel = new HashMap<>();
    Map<String, Long> position = new HashMap<>();
    wiring.forEach((name, w) -> {
      stepPinOwner.put(w.stepPin(), name);
      dirPinOwner.put(w.dirPin(), name);
      steps.put(name, new Steps());
      dirLevel.put(name, 0);
      stepLevel.put(name, w.invertStep() ? 1 : 0);
      position.put(name, 0L);
    });
    double freq = 50_000_000;
    try (BufferedReader r = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("#")) {
          if (line.startsWith("# clock_freq ")) {
            freq = Double.parseDouble(line.substring(13).strip());
          }
          continue;
        }
        int a = line.indexOf(' ');
        int b = line.indexOf(' ', a + 1);
        if (a < 0 || b < 0) {
          continue;
        }
        String pin = line.substring(a + 1, b);
        String value = line.substring(b + 1);
        String dirOwner = dirPinOwner.get(pin);
        if (dirOwner != null && !value.startsWith("pwm")) {
          dirLevel.put(dirOwner, Integer.parseInt(value.strip()));
          continue;
        }
        String owner = stepPinOwner.get(pin);
        if (owner == null || value.startsWith("pwm")) {
          continue;
        }
        Wiring w = wiring.get(owner);
        int level = Integer.parseInt(value.strip());
        int prev = stepLevel.get(owner);
        stepLevel.put(owner, level);
        boolean rising = level == 1 && prev == 0;
        boolean falling = level == 0 && prev == 1;
        boolean step = w.bothEdges() ? (rising || falling)
            : w.invertStep() ? falling : rising;
        if (!step) {
          continue;
        }
        boolean positive = (dirLevel.get(owner) == 1) == w.dirHighIsPositive();
        long p = position.get(owner) + (positive ? 1 : -1);
        position.put(owner, p);
        steps.get(owner).add(Long.parseLong(line.substring(0, a)), p);
      }
    }
    return new StepTrace(freq, steps);
  }
}
