package org.escapement.host.heaters;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.ModuleRegistry;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.SimMcuProcess;

/**
 * The simulated MCU with the heater physics of {@code sim-heaters.model}, its pin trace and
 * its control FIFO (faults switched on while it runs), and optionally our host connected to
 * it in this JVM. Times are read in the MCU's clock from the trace, so they are the printer's
 * own seconds whatever the machine's load.
 */
final class SimPrinter implements AutoCloseable {
  static final double CLOCK_FREQ = 50_000_000;
  static final String EXTRUDER_PIN = "gpio12";
  private static Path elf;

  final Path dir;
  final Path trace;
  final Path control;
  final Path link;
  final double speed;
  final SimMcuProcess sim;
  HostSession session;
  Thread hostThread;
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();
  private PipedOutputStream console;

  static synchronized Path firmware() throws IOException {
    if (elf == null) {
      elf = SimMcuProcess.build(EscapementHome.dir(), "sim");
    }
    return elf;
  }

  /** Starts the sim MCU (not the host) with the heaters of sim-heaters.model. */
  SimPrinter(Path dir, double speed) throws IOException {
    this(dir, speed, "sim-heaters.model");
  }

  /** Starts the sim MCU (not the host) with the physics of resource heaters/{@code model}. */
  SimPrinter(Path dir, double speed, String modelResource) throws IOException {
    this.dir = dir;
    this.speed = speed;
    trace = dir.resolve("trace.txt");
    control = dir.resolve("control");
    link = dir.resolve("mcu");
    Path model = dir.resolve(modelResource);
    try (InputStream in = SimPrinter.class.getResourceAsStream("/heaters/" + modelResource)) {
      Files.copy(in, model);
    }
    // The test machine is shared: a sim starved for a while by other processes is not what
    // these tests are about, so its starvation check allows 1 s instead of 0.1 s.
    List<String> cmd = new ArrayList<>(List.of(firmware().toString(), "-I", link.toString(),
        "--model", model.toString(), "--trace", trace.toString(), "--control",
        control.toString(), "--late-limit-us", "1000000"));
    if (speed != 1) {
      cmd.addAll(List.of("--speed", Double.toString(speed)));
    }
    sim = SimMcuProcess.start(cmd, link);
  }

  /** printer.cfg for the sim: the heaters, with the extruder heater in section {@code ext}. */
  String config(String extruderSection) throws IOException {
    return resource("sim-heaters.cfg").replace("${extruder}", extruderSection);
  }

  /** A printer.cfg from resource heaters/{@code name}, for this sim's pty. */
  String resource(String name) throws IOException {
    try (InputStream in = SimPrinter.class.getResourceAsStream("/heaters/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${serial}", link.toString());
    }
  }

  /** Our host in this JVM, with {@code [extruder]} set up as the motion code will. */
  void startHost(String config) throws Exception {
    Path cfg = dir.resolve("printer.cfg");
    Files.writeString(cfg, config);
    ModuleRegistry registry = TestExtruder.registry();
    PipedInputStream in = new PipedInputStream();
    console = new PipedOutputStream(in);
    StartOptions options = new StartOptions(cfg, null, null, Map.of(), speed, null, "it", dir);
    session = new HostSession(options, registry, "it",
        new PrintStream(replies, true, StandardCharsets.UTF_8), in);
    hostThread = Thread.ofPlatform().name("host").start(() -> {
      try {
        session.run();
      } catch (Exception e) {
        e.printStackTrace();
      }
    });
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (session.printer() == null || !session.printer().isReady()) {
      if (System.nanoTime() > deadline || !hostThread.isAlive()) {
        throw new AssertionError("the host did not get ready: " + replies()
            + "\nsim MCU: " + String.join("\n", sim.output()), null);
      }
      Thread.sleep(20);
    }
  }

  Printer printer() {
    return session.printer();
  }

  /** Waits for the host to come back ready after a RESTART (SAVE_CONFIG does one). */
  void awaitRestart(Printer before) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (session.printer() == before || !session.printer().isReady()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the host did not restart: " + replies());
      }
      Thread.sleep(20);
    }
  }

  Mcu mcu() {
    return session.mcu("mcu");
  }

  String replies() {
    return replies.toString(StandardCharsets.UTF_8);
  }

  <T> T onReactor(Callable<T> task) throws Exception {
    try {
      return printer().reactor().call(task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** Runs G-code to its end (M109 waits here). */
  void gcode(String script) throws Exception {
    onReactor(() -> {
      printer().lookupObject("gcode", GCodeDispatch.class).runScript(script);
      return null;
    });
  }

  /** Sends a line to the sim's control FIFO ("fault extruder open"). */
  void control(String line) throws IOException {
    try (FileOutputStream out = new FileOutputStream(control.toFile())) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  // ---- the trace ----

  /** A trace note ("# CLOCK text") and a pin edge ("CLOCK gpioN VALUE"). */
  record Note(long clock, String text) {}

  record Edge(long clock, String pin, int value) {}

  List<String> traceLines() throws IOException {
    return Files.readAllLines(trace);
  }

  List<Note> notes() throws IOException {
    List<Note> out = new ArrayList<>();
    Pattern p = Pattern.compile("# (\\d+) (.*)");
    for (String l : traceLines()) {
      Matcher m = p.matcher(l);
      if (m.matches()) {
        out.add(new Note(Long.parseLong(m.group(1)), m.group(2)));
      }
    }
    return out;
  }

  List<Edge> edges(String pin) throws IOException {
    List<Edge> out = new ArrayList<>();
    for (String l : traceLines()) {
      if (l.startsWith("#")) {
        continue;
      }
      String[] f = l.split(" ");
      if (f.length == 3 && f[1].equals(pin)) {
        out.add(new Edge(Long.parseLong(f[0]), pin, Integer.parseInt(f[2])));
      }
    }
    return out;
  }

  /** The clock at which the sim took control line {@code text}. */
  long noteClock(String text) throws IOException {
    return notes().stream().filter(n -> n.text().equals(text)).mapToLong(Note::clock)
        .max().orElseThrow(() -> new AssertionError("no note '" + text + "' in the trace"));
  }

  /** The model's state now: asks for a report and waits for it in the trace. */
  ModelState report(String heater) throws Exception {
    int before = reports(heater).size();
    control("report");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<ModelState> r = reports(heater);
      if (r.size() > before) {
        return r.getLast();
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the sim did not report");
  }

  /** One "heater NAME temperature_c T drive D fault F adc A" note. */
  record ModelState(long clock, double celsius, double drive, String fault) {}

  List<ModelState> reports(String heater) throws IOException {
    List<ModelState> out = new ArrayList<>();
    Pattern p = Pattern.compile("heater " + heater
        + " temperature_c (\\S+) drive (\\S+) fault (\\S+) adc \\d+");
    for (Note n : notes()) {
      Matcher m = p.matcher(n.text());
      if (m.matches()) {
        out.add(new ModelState(n.clock(), Double.parseDouble(m.group(1)),
            Double.parseDouble(m.group(2)), m.group(3)));
      }
    }
    return out;
  }

  /** A stepper's position (mm) in the last report. */
  double stepperPosition(String stepper) throws IOException {
    Pattern p = Pattern.compile("stepper " + stepper + " steps -?\\d+ position_mm (\\S+)");
    double pos = Double.NaN;
    for (Note n : notes()) {
      Matcher m = p.matcher(n.text());
      if (m.matches()) {
        pos = Double.parseDouble(m.group(1));
      }
    }
    return pos;
  }

  /** Waits (wall time) until the model's heater is at least {@code celsius}. */
  ModelState awaitModel(String heater, double celsius, double wallSeconds) throws Exception {
    long deadline = System.nanoTime() + (long) (wallSeconds * 1e9);
    ModelState s;
    do {
      s = report(heater);
      if (s.celsius() >= celsius) {
        return s;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(heater + " reached only " + s.celsius() + " °C");
  }

  /**
   * The MCU's own clock of its shutdown, from the "shutdown clock=..." message it sent, as a
   * 64-bit clock near {@code near}.
   */
  long mcuShutdownClock(long near) throws Exception {
    // A shutdown the host decided (verify_heater) reaches the MCU as emergency_stop, and the
    // MCU's answer may still be on its way when the host already reports the shutdown.
    Pattern shutdown = Pattern.compile("shutdown clock=(\\d+)");
    long deadline = System.nanoTime() + 5_000_000_000L;
    String dump;
    long clock32 = -1;
    while (true) {
      dump = onReactor(() -> mcu().dumpDebug());
      Matcher m = shutdown.matcher(dump);
      if (m.find()) {
        clock32 = Long.parseLong(m.group(1));
        break;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(50);
    }
    if (clock32 < 0) {
      throw new AssertionError("no shutdown message from the MCU:\n" + dump);
    }
    long diff = (clock32 - near) & 0xFFFFFFFFL;
    if (diff >= 1L << 31) {
      diff -= 1L << 32;
    }
    return near + diff;
  }

  /** Waits (wall time) for the printer to shut down. */
  void awaitShutdown(double wallSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (wallSeconds * 1e9);
    while (!printer().isShutdown() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (!printer().isShutdown()) {
      throw new AssertionError("no shutdown within " + wallSeconds + " s");
    }
  }

  static double seconds(long ticks) {
    return ticks / CLOCK_FREQ;
  }

  @Override
  public void close() throws Exception {
    if (session != null) {
      session.stop();
      hostThread.join(10_000);
      console.close();
    }
    sim.close();
  }
}
