package org.escapement.host.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.escapement.host.bench.LinkBench;
import org.escapement.host.bench.MotionBench;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuException;
import org.escapement.host.mcu.transport.Transport;
import org.escapement.host.mcu.transport.Transports;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.FaultRelay;
import org.escapement.host.io.Pty;
import org.escapement.host.sim.SimMcuProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code escapement bench}: figures that anyone can reproduce. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure parts of the system and print the figures.",
    subcommands = {BenchCommand.Link.class, BenchCommand.Motion.class})
public final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code escapement bench link}. */
  @Command(
      name = "link",
      mixinStandardHelpOptions = true,
      description = {
        "Measure the host-MCU link: commands per second sustained, the same through a relay"
            + " that damages bytes and drops blocks (with the bytes retransmitted), and the"
            + " clock-sync error over time.",
        "Without --serial it builds and starts the simulated MCU."
      })
  static final class Link implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--serial", paramLabel = "PATH",
        description = "Measure this MCU (device, pty or tcp:HOST:PORT) instead of the simulated"
            + " one.")
    String serial;

    @Option(names = "--baud", defaultValue = "250000", description = "Baud for --serial.")
    int baud;

    @Option(names = "--flood", defaultValue = "100000",
        description = "Commands (debug_nop) per flood. Default: ${DEFAULT-VALUE}.")
    int flood;

    @Option(names = "--faults", defaultValue = "0.01",
        description = "Fraction of bytes damaged and of blocks dropped in the second run;"
            + " 0 skips it. Default: ${DEFAULT-VALUE}.")
    double faults;

    @Option(names = "--jitter-ms", defaultValue = "0.5",
        description = "Largest delay the relay adds. Default: ${DEFAULT-VALUE}.")
    double jitterMs;

    @Option(names = "--sync-seconds", defaultValue = "60",
        description = "How long to measure the clock-sync error. Default: ${DEFAULT-VALUE}.")
    double syncSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the fault relay.")
    long seed;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path tmp = Files.createTempDirectory("escapement-bench");
      Reactor reactor = new Reactor(ReactorClock.system());
      reactor.start("reactor");
      SimMcuProcess sim = null;
      try {
        String target = serial;
        if (target == null) {
          out.println("building and starting the simulated MCU...");
          out.flush();
          Path elf = SimMcuProcess.build(EscapementHome.dir(), "sim");
          sim = SimMcuProcess.start(elf, new SimMcuProcess.Options(tmp.resolve("sim-mcu")));
          target = sim.serialPath();
        }
        Mcu.Settings settings = new Mcu.Settings(target, baud, null, 5.0);
        runClean(reactor, settings, out);
        if (faults > 0) {
          runFaulty(reactor, settings, out);
        }
        return 0;
      } finally {
        if (sim != null) {
          sim.close();
        }
        reactor.close();
        deleteTree(tmp);
      }
    }

    private void runClean(Reactor reactor, Mcu.Settings settings, PrintWriter out)
        throws Exception {
      Mcu mcu = Mcu.live("mcu", settings, reactor, null);
      call(reactor, () -> {
        mcu.identify();
        out.printf(Locale.ROOT, "mcu: %s %s (%s)%n", mcu.dictionary().app(),
            mcu.dictionary().version(), mcu.dictionary().constant("MCU").orElse("?"));
        LinkBench.Flood f = LinkBench.flood(reactor, mcu, flood);
        out.printf(Locale.ROOT, "clean link: %d debug_nop in %.3f s = %,.0f commands/s%n",
            f.commands(), f.seconds(), f.commandsPerSecond());
        out.flush();
        if (syncSeconds > 0) {
          out.printf(Locale.ROOT, "measuring clock sync for %.0f s...%n", syncSeconds);
          out.flush();
          List<Double> errors = new ArrayList<>();
          List<Double> rtts = new ArrayList<>();
          LinkBench.clockError(reactor, mcu, syncSeconds, 0.1, errors, rtts);
          List<Double> abs = errors.stream().map(Math::abs).toList();
          double medianRtt = LinkBench.quantile(rtts, 0.5);
          // A sample is only as exact as half its round trip: judge the estimate on the tight
          // ones, and show all of them too.
          List<Double> tight = new ArrayList<>();
          for (int i = 0; i < abs.size(); i++) {
            if (rtts.get(i) <= 2 * medianRtt) {
              tight.add(abs.get(i));
            }
          }
          out.printf(Locale.ROOT, "clock sync over %.0f s: %d samples (median round trip %.0f"
                  + " µs); |error| median %.1f µs, 99th percentile %.1f µs, max %.1f µs;"
                  + " over the %d samples with round trip <= %.0f µs: median %.1f µs,"
                  + " 99th percentile %.1f µs, max %.1f µs%n", syncSeconds, errors.size(),
              medianRtt, LinkBench.quantile(abs, 0.5), LinkBench.quantile(abs, 0.99),
              LinkBench.quantile(abs, 1.0), tight.size(), 2 * medianRtt,
              LinkBench.quantile(tight, 0.5), LinkBench.quantile(tight, 0.99),
              LinkBench.quantile(tight, 1.0));
        }
        mcu.close();
        return null;
      });
    }

    private void runFaulty(Reactor reactor, Mcu.Settings settings, PrintWriter out)
        throws Exception {
      Path link = Files.createTempDirectory("escapement-relay").resolve("relay");
      try (Pty pty = Pty.open(link)) {
        Transport toMcu = Transports.open(settings.serial(), settings.baud(), 5.0);
        FaultRelay.Faults f = new FaultRelay.Faults(faults, faults, jitterMs / 1000);
        try (FaultRelay relay = new FaultRelay(FaultRelay.endpoint(pty),
            FaultRelay.endpoint(toMcu), f, seed)) {
          Mcu mcu = Mcu.live("mcu", new Mcu.Settings(pty.slavePath(), settings.baud(), null,
              10.0), reactor, null);
          int count = Math.max(1, flood / 10);
          call(reactor, () -> {
            mcu.identify();
            LinkBench.Flood r = LinkBench.flood(reactor, mcu, count);
            out.printf(Locale.ROOT, "faulty link (%.1f%% of bytes damaged, %.1f%% of blocks"
                    + " dropped, both ways, up to %.1f ms jitter): %d debug_nop in %.3f s ="
                    + " %,.0f commands/s; %d bytes retransmitted for %d sent (%.0f%%)%n",
                faults * 100, faults * 100, jitterMs, r.commands(), r.seconds(),
                r.commandsPerSecond(), r.bytesRetransmitted(), r.bytesWritten(),
                100.0 * r.bytesRetransmitted() / r.bytesWritten());
            out.printf("relay: to MCU %s; to host %s%n", relay.toMcu, relay.toHost);
            mcu.close();
            return null;
          });
        } finally {
          toMcu.close();
        }
      } finally {
        Files.deleteIfExists(link);
        Files.deleteIfExists(link.getParent());
      }
    }

    private static void call(Reactor reactor, java.util.concurrent.Callable<Void> task)
        throws Exception {
      try {
        reactor.call(task);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof McuException m) {
          throw new UserError(m.getMessage(), m);
        }
        throw e.getCause() instanceof Exception ex ? ex : e;
      }
    }
  }

  /** {@code escapement bench motion}. */
  @Command(
      name = "motion",
      mixinStandardHelpOptions = true,
      description = {
        "Measure the motion pipeline on a whole G-code file: the host plans it in batch mode"
            + " (run -o), once per run in a fresh process; prints wall and CPU time, peak"
            + " memory, steps, and the bytes they cost on the wire.",
        "With --klipper it runs Klipper's batch mode on the same printer.cfg, G-code and"
            + " dictionary in the same way, alternating with ours, prints the ratios and"
            + " compares every step time of the two outputs."
      })
  static final class Motion implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--gcode", paramLabel = "FILE",
        description = "Default: the corpus Benchy (../shared/corpus/gcode/"
            + "benchy-ideamaker.gcode).")
    Path gcode;

    @Option(names = "--config", paramLabel = "CFG",
        description = "Default: config-examples/bench-corexy.cfg (CoreXY, STM32F446,"
            + " input shaping and pressure advance on).")
    Path config;

    @Option(names = {"-d", "--dictionary"}, paramLabel = "FILE",
        description = "The MCU's data dictionary. Default: ../shared/corpus/klipper-wire/"
            + "stm32f446.dict.")
    Path dictionary;

    @Option(names = "--runs", defaultValue = "3",
        description = "Runs of each host; medians are shown. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--klipper", paramLabel = "KLIPPY.PY",
        description = "Klipper's klippy/klippy.py, run with --python, to measure side by side.")
    Path klipper;

    @Option(names = "--python", defaultValue = "python3",
        description = "The Python for --klipper. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--jvm-option", paramLabel = "OPT",
        description = "An extra JVM option for our runs (repeatable), after those of"
            + " host/jvm.options and host/jvm-run.options, e.g. -Xmx32m.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--keep", paramLabel = "DIR",
        description = "Keep the outputs and logs in DIR.")
    Path keep;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path home = EscapementHome.dir();
      Path shared = home.resolveSibling("shared");
      Path g = gcode != null ? gcode : shared.resolve("corpus/gcode/benchy-ideamaker.gcode");
      Path cfg = config != null ? config : home.resolve("config-examples/bench-corexy.cfg");
      Path dict = dictionary != null ? dictionary
          : shared.resolve("corpus/klipper-wire/stm32f446.dict");
      for (Path p : klipper == null ? List.of(g, cfg, dict) : List.of(g, cfg, dict, klipper)) {
        if (!Files.isRegularFile(p)) {
          throw new UserError("no such file: " + p);
        }
      }
      if (runs < 1) {
        throw new UserError("--runs must be at least 1");
      }
      Path dir = keep != null ? Files.createDirectories(keep)
          : Files.createTempDirectory("escapement-bench-motion");
      try {
        out.printf("G-code %s%nconfig %s%ndictionary %s%n", g, cfg, dict);
        List<String> java = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java")));
        // The launcher's JVM options for `run` first, so that the runs are what users run.
        for (String name : List.of("host/jvm.options", "host/jvm-run.options")) {
          Path launcherOptions = home.resolve(name);
          if (Files.isRegularFile(launcherOptions)) {
            java.add("@" + launcherOptions);
          }
        }
        Path jar = ownJar();
        // The class cache this process was started with: the launcher's, fresh for this jar.
        String aotProperty = System.getProperty("escapement.aotCache");
        Path aot = aotProperty != null ? Path.of(aotProperty) : null;
        if (aot != null) {
          java.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
        }
        out.printf("JVM class cache: %s%n", aot != null ? aot
            : "none (the launcher makes one once the sim firmware is built; docs/install.md)");
        java.addAll(jvmOptions);
        java.addAll(List.of("--enable-native-access=ALL-UNNAMED",
            "-Descapement.home=" + home, "-jar", jar.toString(), "run",
            cfg.toAbsolutePath().toString(), "-i", g.toAbsolutePath().toString(),
            "-d", dict.toAbsolutePath().toString()));
        List<MotionBench.Cost> ours = new ArrayList<>();
        List<MotionBench.Cost> theirs = new ArrayList<>();
        Path ourOut = dir.resolve("escapement.serial");
        Path theirOut = dir.resolve("klipper.serial");
        for (int i = 0; i < runs; i++) {
          List<String> cmd = new ArrayList<>(java);
          cmd.addAll(List.of("-o", ourOut.toString(), "-l", dir.resolve("escapement.log")
              .toString()));
          ours.add(MotionBench.timed(cmd, dir.resolve("escapement.out")));
          out.printf(Locale.ROOT, "run %d: Escapement %.2f s%n", i + 1, ours.getLast()
              .wallSeconds());
          out.flush();
          if (klipper != null) {
            theirs.add(MotionBench.timed(List.of(python, klipper.toAbsolutePath().toString(),
                cfg.toAbsolutePath().toString(), "-i", g.toAbsolutePath().toString(), "-o",
                theirOut.toString(), "-d", dict.toAbsolutePath().toString(), "-l",
                dir.resolve("klipper.log").toString()), dir.resolve("klipper.out")));
            out.printf(Locale.ROOT, "run %d: Klipper %.2f s%n", i + 1, theirs.getLast()
                .wallSeconds());
            out.flush();
          }
        }
        // One more run of ours, not timed: every sent step against its computed time.
        Path histogram = dir.resolve("step-timing.txt");
        List<String> cmd = new ArrayList<>(java);
        cmd.add(1, "-Descapement.stepTimingHistogram=" + histogram);
        cmd.addAll(List.of("-o", ourOut.toString(), "-l", dir.resolve("escapement.log")
            .toString()));
        MotionBench.timed(cmd, dir.resolve("escapement.out"));
        org.escapement.protocol.Dictionary d = org.escapement.protocol.Dictionary.load(dict);
        MotionBench.Wire ourWire = MotionBench.decode(d, ourOut);
        MotionBench.Wire theirWire = klipper != null ? MotionBench.decode(d, theirOut) : null;
        report(out, MotionBench.median(ours), ourWire,
            klipper != null ? MotionBench.median(theirs) : null, theirWire);
        out.println(MotionBench.describeTiming(Files.readAllLines(histogram)));
        if (theirWire != null) {
          MotionBench.Agreement a = MotionBench.compare(ourWire, theirWire);
          out.printf(Locale.ROOT, "step times: %d steppers in both; %d with the same number"
                  + " of steps, %d ending at the same position; largest difference between"
                  + " matching steps %.1f µs%n", a.steppers(), a.sameCount(), a.samePosition(),
              a.maxDiffUs());
          a.differences().forEach(s -> out.println("  " + s));
        }
        return 0;
      } finally {
        if (keep == null) {
          deleteTree(dir);
        }
      }
    }

    private static void report(PrintWriter out, MotionBench.Cost ours, MotionBench.Wire ow,
        MotionBench.Cost theirs, MotionBench.Wire tw) {
      String row = theirs == null ? "%-26s %14s%n" : "%-26s %14s %14s %10s%n";
      out.printf(Locale.ROOT, row, "median of the runs", "Escapement", "Klipper",
          "ours/theirs");
      line(out, row, "wall time (s)", ours.wallSeconds(), theirs == null ? 0
          : theirs.wallSeconds(), "%.2f", theirs != null);
      line(out, row, "CPU time (s)", ours.cpuSeconds(), theirs == null ? 0
          : theirs.cpuSeconds(), "%.2f", theirs != null);
      line(out, row, "peak memory (MB)", ours.peakRssKb() / 1024.0, theirs == null ? 0
          : theirs.peakRssKb() / 1024.0, "%.1f", theirs != null);
      line(out, row, "output bytes", ow.bytes(), tw == null ? 0 : tw.bytes(), "%,.0f",
          tw != null);
      line(out, row, "steps", ow.steps(), tw == null ? 0 : tw.steps(), "%,.0f", tw != null);
      line(out, row, "queue_step(2) messages", ow.queueSteps(), tw == null ? 0
          : tw.queueSteps(), "%,.0f", tw != null);
      line(out, row, "step message bytes/step", ow.stepMessageBytesPerStep(), tw == null ? 0
          : tw.stepMessageBytesPerStep(), "%.4f", tw != null);
      line(out, row, "output bytes/step", ow.bytesPerStep(), tw == null ? 0
          : tw.bytesPerStep(), "%.4f", tw != null);
      line(out, row, "steps per CPU second", ow.steps() / ours.cpuSeconds(), tw == null ? 0
          : tw.steps() / theirs.cpuSeconds(), "%,.0f", tw != null);
      out.flush();
    }

    private static void line(PrintWriter out, String row, String name, double ours,
        double theirs, String fmt, boolean both) {
      if (both) {
        out.printf(Locale.ROOT, row, name, String.format(Locale.ROOT, fmt, ours),
            String.format(Locale.ROOT, fmt, theirs), String.format(Locale.ROOT, "%.3f",
                ours / theirs));
      } else {
        out.printf(Locale.ROOT, row, name, String.format(Locale.ROOT, fmt, ours));
      }
    }

    private static Path ownJar() throws Exception {
      Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      if (!Files.isRegularFile(jar)) {
        throw new UserError("bench motion runs the host from its jar: start it with"
            + " ./escapement, not from " + jar);
      }
      return jar;
    }
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // leftovers in /tmp are harmless
        }
      });
    } catch (IOException e) {
      // same
    }
  }
}
