package org.escapement.host.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.escapement.host.motion.steps.StepReplay;
import org.escapement.protocol.Block;
import org.escapement.protocol.BlockDecoder;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.escapement.protocol.PayloadReader;

/**
 * The motion pipeline's cost, measured on a whole G-code file planned in batch mode: a child
 * process per run (so its peak memory is its own), timed by GNU time, and its output decoded
 * to count steps and the bytes they cost on the wire.
 */
public final class MotionBench {
  private MotionBench() {}

  /** What one batch run cost. */
  public record Cost(double wallSeconds, double cpuSeconds, long peakRssKb) {}

  /**
   * Runs {@code command} under {@code /usr/bin/time}, its output and errors into {@code log}.
   *
   * @throws IOException when the command fails (with the end of its log) or GNU time is missing
   */
  public static Cost timed(List<String> command, Path log) throws IOException,
      InterruptedException {
    Path time = Path.of("/usr/bin/time");
    if (!Files.isExecutable(time)) {
      throw new IOException("/usr/bin/time (GNU time) is needed to measure peak memory:"
          + " install the Debian package 'time' (scripts/setup-system does)");
    }
    Path figures = Files.createTempFile("escapement-time", ".txt");
    try {
      List<String> cmd = new ArrayList<>(List.of(time.toString(), "-f", "%e %U %S %M", "-o",
          figures.toString()));
      cmd.addAll(command);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      int code = p.waitFor();
      List<String> lines = Files.readAllLines(figures);
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
      String[] f = last.split(" ");
      if (code != 0 || f.length != 4) {
        throw new IOException("exit status " + code + " from " + String.join(" ", command)
            + "\n" + tail(log, 15));
      }
      return new Cost(Double.parseDouble(f[0]), Double.parseDouble(f[1])
          + Double.parseDouble(f[2]), Long.parseLong(f[3]));
    } finally {
      Files.deleteIfExists(figures);
    }
  }

  static String tail(Path log, int lines) throws IOException {
    List<String> all = Files.readAllLines(log);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The median of each figure over several runs. */
  public static Cost median(List<Cost> runs) {
    return new Cost(median(runs.stream().mapToDouble(Cost::wallSeconds).toArray()),
        median(runs.stream().mapToDouble(Cost::cpuSeconds).toArray()),
        (long) median(runs.stream().mapToDouble(Cost::peakRssKb).toArray()));
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The step times of one stepper, as its MCU would run them. */
  public static final class StepTrack {
    long[] clocks = new long[1024];
    int size;
    long position;
    final StepReplay replay = new StepReplay();
    boolean dirPositive = true;

    void add(long clock) {
      if (size == clocks.length) {
        clocks = Arrays.copyOf(clocks, size * 2);
      }
      clocks[size++] = clock;
    }

    /** Steps in this track. */
    public int steps() {
      return size;
    }

    /** Net steps (forward minus backward). */
    public long position() {
      return position;
    }
  }

  /** The step traffic of one batch output file. */
  public record Wire(long bytes, long steps, long queueSteps, long stepMessageBytes,
      double clockFreq, Map<String, StepTrack> byStepPin) {
    /** Every byte on the wire per step. */
    public double bytesPerStep() {
      return (double) bytes / steps;
    }

    /** The bytes of queue_step, set_next_step_dir and reset_step_clock messages per step. */
    public double stepMessageBytesPerStep() {
      return (double) stepMessageBytes / steps;
    }
  }

  /**
   * Decodes a batch output and replays every stepper's queue_step(2) commands into step clocks
   * (interval first, then interval + add after each step, as the MCU runs them). Steppers are
   * named by their step pin, which two hosts configuring the same printer agree on even when
   * their oids differ.
   */
  public static Wire decode(Dictionary dict, Path serial) throws IOException {
    Map<Long, StepTrack> byOid = new TreeMap<>();
    Map<String, StepTrack> byPin = new TreeMap<>();
    long[] counts = new long[3]; // steps, queue_step messages, step message bytes
    BlockDecoder decoder = new BlockDecoder(new BlockDecoder.Listener() {
      @Override
      public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
        byte[] payload = block.payload();
        PayloadReader in = new PayloadReader(payload, 0, payload.length,
            offset + Block.HEADER_SIZE);
        while (in.hasRemaining()) {
          int before = in.position();
          Message m = dict.read(in);
          int size = in.position() - before;
          switch (m.name()) {
            case "config_stepper" -> {
              StepTrack t = new StepTrack();
              byOid.put(m.getLong("oid"), t);
              byPin.put(m.getSymbol("step_pin"), t);
            }
            case "reset_step_clock" -> {
              StepTrack t = track(byOid, m);
              t.replay.reset(extend(t.replay.clock(), m.getLong("clock")));
              counts[2] += size;
            }
            case "set_next_step_dir" -> {
              track(byOid, m).dirPositive = m.getLong("dir") != 0;
              counts[2] += size;
            }
            case "queue_step", "queue_step2" -> {
              StepTrack t = track(byOid, m);
              int count = m.getInt("count");
              if (m.name().equals("queue_step2")) {
                t.replay.queueStep2(m.getLong("interval_delta"), count, m.getLong("add"),
                    m.getLong("add2"), t::add);
              } else {
                t.replay.queueStep(m.getLong("interval"), count, m.getLong("add"), 0, t::add);
              }
              t.position += t.dirPositive ? count : -count;
              counts[0] += count;
              counts[1]++;
              counts[2] += size;
            }
            default -> { }
          }
        }
      }

      @Override
      public void onFault(BlockDecoder.Fault fault) {
        throw new IllegalStateException(serial + ": " + fault.message());
      }
    });
    long bytes = 0;
    try (InputStream in = Files.newInputStream(serial)) {
      byte[] chunk = new byte[1 << 16];
      for (int n; (n = in.read(chunk)) > 0; ) {
        decoder.feed(chunk, 0, n);
        bytes += n;
      }
    }
    decoder.finish();
    return new Wire(bytes, counts[0], counts[1], counts[2],
        dict.constantNumber("CLOCK_FREQ"), byPin);
  }

  private static StepTrack track(Map<Long, StepTrack> byOid, Message m) {
    StepTrack t = byOid.get(m.getLong("oid"));
    if (t == null) {
      throw new IllegalStateException(m.name() + " for oid " + m.getLong("oid")
          + ", which no config_stepper set up");
    }
    return t;
  }

  /** The 64-bit clock nearest {@code near} whose low 32 bits are {@code low32}. */
  static long extend(long near, long low32) {
    long candidate = (near & ~0xffffffffL) | (low32 & 0xffffffffL);
    if (candidate - near > 0x80000000L) {
      candidate -= 0x100000000L;
    } else if (near - candidate > 0x80000000L) {
      candidate += 0x100000000L;
    }
    return candidate;
  }

  /** How two outputs' step times compare, stepper by stepper. */
  public record Agreement(int steppers, int sameCount, int samePosition, double maxDiffUs,
      List<String> differences) {}

  /**
   * Compares the step clocks of two outputs for the same printer and G-code. With both hosts
   * keeping every step within 25 µs before its exact time, matching steps are never more than
   * 25 µs apart.
   */
  public static Agreement compare(Wire ours, Wire theirs) {
    int steppers = 0, sameCount = 0, samePosition = 0;
    long maxDiff = 0;
    List<String> differences = new ArrayList<>();
    for (var e : ours.byStepPin().entrySet()) {
      StepTrack a = e.getValue(), b = theirs.byStepPin().get(e.getKey());
      if (b == null) {
        differences.add(e.getKey() + ": only in ours");
        continue;
      }
      steppers++;
      if (a.position == b.position) {
        samePosition++;
      } else {
        differences.add(e.getKey() + ": position " + a.position + " vs " + b.position);
      }
      if (a.size != b.size) {
        differences.add(e.getKey() + ": " + a.size + " steps vs " + b.size);
        continue;
      }
      sameCount++;
      for (int i = 0; i < a.size; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a.clocks[i] - b.clocks[i]));
      }
    }
    return new Agreement(steppers, sameCount, samePosition, maxDiff * 1e6 / ours.clockFreq(),
        differences);
  }

  /**
   * The step timing histogram of {@code StepTimingHistogram} as text: how many steps were
   * late, how many more than 25 µs early, and the spread of the rest in 5 µs groups.
   */
  public static String describeTiming(List<String> lines) {
    long[] groups = new long[5];
    long late = 0, beyond = 0, exact = 0, total = 0;
    for (String line : lines) {
      String[] f = line.trim().split(" ");
      switch (f[0]) {
        case "late" -> late = Long.parseLong(f[1]);
        case "beyond_25us" -> beyond = Long.parseLong(f[1]);
        case "exact" -> exact = Long.parseLong(f[1]);
        default -> {
          long n = Long.parseLong(f[2]);
          groups[Math.min(4, Integer.parseInt(f[0]) / 5)] += n;
          total += n;
        }
      }
    }
    total += late + beyond;
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
        "step timing against the computed step times (%,d steps): %d late, %d more than 25"
            + " µs early, %,d exact; early by", total, late, beyond, exact));
    for (int i = 0; i < 5; i++) {
      b.append(String.format(java.util.Locale.ROOT, "%s %d-%d µs: %.1f%%", i == 0 ? "" : ",",
          5 * i, 5 * i + 5, 100.0 * groups[i] / Math.max(1, total)));
    }
    return b.toString();
  }
}
