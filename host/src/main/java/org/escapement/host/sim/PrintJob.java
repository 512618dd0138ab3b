package org.escapement.host.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigFile;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeIO;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.motion.Stepper;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;

/**
 * Prints a G-code file on the simulated printer: builds and starts the sim MCU with its
 * physical model, runs the host against it (live, at real time or sped up), shows progress,
 * then reads back what the MCU's steppers did and compares the printed toolpath with the
 * commanded one.
 */
public final class PrintJob {
  /** What the user asked for. */
  public record Options(Path gcode, Path config, Path model, double speed, Path logFile,
      Path outDir, boolean plot) {}

  /** What happened. */
  public record Report(int exitCode, double printSeconds, double wallSeconds,
      Map<String, Integer> steps, ToolpathCheck.Result deviation, Path plot, Path trace) {}

  private final Options options;
  private final PrintStream console;
  private final Progress progress;

  public PrintJob(Options options, PrintStream console, Progress progress) {
    this.options = options;
    this.console = console;
    this.progress = progress;
  }

  /** Where progress goes (a terminal line, or nothing). */
  public interface Progress {
    void update(double fraction, int layer, double etaSeconds, String state);

    void done();
  }

  public Report run() throws Exception {
    Path home = EscapementHome.dir();
    Files.createDirectories(options.outDir());
    console.println("print: building the simulated MCU (mcu-firmware, board sim)...");
    Path elf = SimMcuProcess.build(home, "sim");
    Path link = options.outDir().resolve("mcu-pty");
    Path trace = options.outDir().resolve("trace.txt");
    Files.deleteIfExists(trace);
    // -r: real-time priority, so a busy machine does not starve the MCU into "Rescheduled
    // timer in the past" (without the permission it only warns).
    List<String> cmd = new ArrayList<>(List.of(elf.toString(), "-r", "-I", link.toString(),
        "--model", options.model().toString(), "--trace", trace.toString()));
    if (options.speed() != 1.0) {
      cmd.addAll(List.of("--speed", Double.toString(options.speed())));
    }
    ToolpathCheck check = new ToolpathCheck();
    long started = System.nanoTime();
    int code;
    HostSession session;
    try (SimMcuProcess sim = SimMcuProcess.start(cmd, link)) {
      StartOptions start = new StartOptions(options.config(), options.gcode(), null, Map.of(),
          options.speed(), null, "print " + options.gcode(), Path.of("").toAbsolutePath(),
          Map.of("mcu.serial", link.toString()));
      OutputStream replies = new LineFilter(console, this::temperatureLine);
      session = new HostSession(start, StandardModules.registry(), "print",
          new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream());
      session.onReady(p -> recordMoves(p, check));
      CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
        try {
          return session.run();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long size = Files.size(options.gcode());
      while (!result.isDone()) {
        Thread.sleep(500);
        reportProgress(session, size, started);
      }
      progress.done();
      code = result.get();
      if (code != 0) {
        // What the simulated MCU said itself (a late timer, a fault), after the host's view.
        for (String line : sim.output()) {
          if (line.startsWith("escapement-sim: ") && !line.contains(" linked at ")) {
            console.println("  " + line);
          }
        }
      }
    }
    double wall = (System.nanoTime() - started) / 1e9;
    return analyse(code, session, trace, check, wall);
  }

  /** Records every toolhead move with the print time it is planned for. */
  private void recordMoves(Printer printer, ToolpathCheck check) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    TreeSet<Double> layers = new TreeSet<>();
    toolhead.addPathListener((start, end, from, to, extruding, known) -> {
      check.addSegment(new ToolpathCheck.Segment(start, end, from, to, known, extruding));
      if (extruding) {
        layers.add(Math.round(to[2] * 1000) / 1000.0);
        currentLayer = layers.size();
        currentZ = to[2];
      }
    });
  }

  private volatile int currentLayer;
  private volatile double currentZ;
  private volatile String lastTemperatures;
  private volatile long lastTemperaturesAt;

  private void temperatureLine(String line) {
    lastTemperatures = line;
    lastTemperaturesAt = System.nanoTime();
  }

  private void reportProgress(HostSession session, long size, long started) {
    Printer p = session.printer();
    if (p == null) {
      return;
    }
    GCodeIO io = p.lookupObjectOrNull("gcode_io", GCodeIO.class);
    if (io == null || !p.isReady()) {
      progress.update(0, currentLayer, Double.NaN, p.isShutdown() ? "shut down" : "starting");
      return;
    }
    double fraction = size == 0 ? 1 : Math.min(1, (double) io.bytesRead() / size);
    double elapsed = (System.nanoTime() - started) / 1e9;
    double eta = fraction > 0.01 ? elapsed * (1 - fraction) / fraction : Double.NaN;
    // While M109/M190 wait, their temperature lines show on the progress line.
    boolean heating = lastTemperatures != null
        && System.nanoTime() - lastTemperaturesAt < 2_000_000_000L;
    progress.update(fraction, currentLayer, eta, heating ? "heating " + lastTemperatures
        : String.format(Locale.ROOT, "Z %.2f", currentZ));
  }

  private Report analyse(int code, HostSession session, Path trace, ToolpathCheck check,
      double wall) throws IOException {
    Printer printer = session.printer();
    Toolhead toolhead = printer.lookupObjectOrNull("toolhead", Toolhead.class);
    if (toolhead == null || !Files.exists(trace)) {
      return new Report(code, 0, wall, Map.of(), check.result(), null, trace);
    }
    // Each stepper's physical start position comes from the model; the trace counts steps.
    ConfigFile model = ConfigFile.read(options.model());
    Config config = Config.load(options.config());
    Map<String, StepTrace.Wiring> wiring = new LinkedHashMap<>();
    Map<String, double[]> scale = new LinkedHashMap<>(); // stepper -> {start mm, mm per step}
    List<Stepper> steppers = toolhead.kinematics().steppers();
    for (Stepper s : steppers) {
      ConfigSection sec = config.section(s.name());
      String stepPin = stripPin(sec.get("step_pin"));
      String dirPin = sec.get("dir_pin");
      boolean dirInverted = dirPin.strip().startsWith("!");
      ConfigFile.Section m = modelStepper(model, stripPin(stepPin));
      if (m == null) {
        continue;
      }
      double startMm = Double.parseDouble(value(m, "position_mm", "0"));
      wiring.put(s.name(), new StepTrace.Wiring(stepPin, stripPin(dirPin), s.stepBothEdge(),
          sec.get("step_pin").strip().startsWith("!"), !dirInverted));
      scale.put(s.name(), new double[] {startMm, s.stepDist()});
    }
    StepTrace steps = StepTrace.read(trace, wiring);
    // Walk all step events in time order; after each, the toolhead point.
    List<double[]> printed = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(wiring.keySet());
    int[] idx = new int[names.size()];
    Map<String, Double> pos = new LinkedHashMap<>();
    for (String n : names) {
      pos.put(n, scale.get(n)[0]);
      counts.put(n, steps.steps(n).count());
    }
    double lastTime = 0;
    while (true) {
      int next = -1;
      long best = Long.MAX_VALUE;
      for (int i = 0; i < names.size(); i++) {
        StepTrace.Steps st = steps.steps(names.get(i));
        if (idx[i] < st.count() && st.clock(idx[i]) < best) {
          best = st.clock(idx[i]);
          next = i;
        }
      }
      if (next < 0) {
        break;
      }
      String n = names.get(next);
      double[] sc = scale.get(n);
      pos.put(n, sc[0] + steps.steps(n).position(idx[next]) * sc[1]);
      idx[next]++;
      double[] p = toolhead.kinematics().calcPosition(pos);
      double time = best / steps.clockFreq();
      lastTime = time;
      check.addPoint(time, p);
      printed.add(new double[] {p[0], p[1]});
    }
    Path png = null;
    if (options.plot() && !printed.isEmpty()) {
      png = options.outDir().resolve("toolpath.png");
      ToolpathPlot.write(png, "Printed toolpath: " + options.gcode().getFileName(), printed,
          check.segments());
    }
    return new Report(code, lastTime, wall, counts, check.result(), png, trace);
  }

  private static String stripPin(String desc) {
    return desc.strip().replaceFirst("^[\\^~!]+", "").strip();
  }

  private static ConfigFile.Section modelStepper(ConfigFile model, String stepPin) {
    for (ConfigFile.Section s : model.sections()) {
      if (s.name().startsWith("stepper ") && stepPin.equals(value(s, "step_pin", ""))) {
        return s;
      }
    }
    return null;
  }

  private static String value(ConfigFile.Section s, String option, String fallback) {
    ConfigFile.Entry e = s.option(option);
    return e == null ? fallback : e.value().strip();
  }

  /**
   * Passes the host's answers to the console, except the state chatter and the temperature
   * lines of a heating wait, which go to the progress line instead.
   */
  private static final class LineFilter extends OutputStream {
    private static final Pattern TEMPERATURES = Pattern
        .compile("(\\S+:-?[0-9.]+ /-?[0-9.]+\\s*)+");
    private final PrintStream out;
    private final Consumer<String> temperatures;
    private final StringBuilder line = new StringBuilder();

    LineFilter(PrintStream out, Consumer<String> temperatures) {
      this.out = out;
      this.temperatures = temperatures;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String l = line.toString();
        line.setLength(0);
        if (TEMPERATURES.matcher(l).matches()) {
          temperatures.accept(l.strip());
        } else if (!l.equals("ok") && !l.startsWith("// Klipper state")) {
          out.println("\r" + l);
        }
      } else {
        line.append((char) b);
      }
    }
  }
}
