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
    subcommands = {BenchCommand.Link.class})
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
