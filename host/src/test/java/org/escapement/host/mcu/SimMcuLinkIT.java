package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.escapement.host.mcu.transport.Transport;
import org.escapement.host.mcu.transport.Transports;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.FaultRelay;
import org.escapement.host.io.Pty;
import org.escapement.host.sim.SimMcuProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The link against the real firmware, built for the simulated MCU, checked in its trace. */
@Timeout(180)
class SimMcuLinkIT {
  static Path elf;

  @BeforeAll
  static void buildFirmware() throws IOException {
    elf = SimMcuProcess.build(EscapementHome.dir(), "sim");
  }

  @TempDir Path tmp;
  final Reactor reactor = new Reactor(ReactorClock.system());
  final List<AutoCloseable> cleanup = new ArrayList<>();
  final List<String> events = Collections.synchronizedList(new ArrayList<>());

  SimMcuLinkIT() {
    reactor.start("it-reactor");
  }

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    reactor.close();
  }

  SimMcuProcess startSim(Path trace) throws IOException {
    SimMcuProcess sim = SimMcuProcess.start(elf, new SimMcuProcess.Options(tmp.resolve("mcu"),
        1.0, null, trace));
    cleanup.add(sim);
    return sim;
  }

  Mcu mcu(String serial) {
    Mcu m = Mcu.live("mcu", new Mcu.Settings(serial, 250000, null, 10.0), reactor, null);
    m.setListener(new Mcu.Listener() {
      @Override
      public void mcuShutdown(Mcu mcu, String reason) {
        events.add("shutdown: " + reason);
      }

      @Override
      public void mcuLost(Mcu mcu, String message) {
        events.add("lost: " + message);
      }
    });
    return m;
  }

  <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
    return call(reactor, task);
  }

  static <T> T call(Reactor reactor, java.util.concurrent.Callable<T> task) throws Exception {
    try {
      return reactor.call(task);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /** One edge of an output in the trace. */
  record Edge(long clock, int value) {}

  /** The edges of {@code pin} in a trace ("CLOCK PIN VALUE" lines), from clock {@code from}. */
  static List<Edge> edges(Path trace, String pin, long from) throws IOException {
    List<Edge> out = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" ");
      if (f.length == 3 && f[1].equals(pin)) {
        long clock = Long.parseLong(f[0]);
        if (clock >= from) {
          out.add(new Edge(clock, Integer.parseInt(f[2])));
        }
      }
    }
    return out;
  }

  /**
   * Configures {@code pin} as an output and toggles it {@code count} times, {@code spacing}
   * ticks apart, starting a second from now: each command may only be sent once the MCU has run
   * the one {@code moveCount - 8} before it (its move queue has room), as the motion code will
   * do. Waits until the last should have run; returns the schedule.
   */
  static List<Edge> toggle(Reactor reactor, Mcu m, String pin, int count, long spacing)
      throws Exception {
    return call(reactor, () -> {
      int oid = m.createOid();
      m.addConfigCmd("config_digital_out oid=" + oid + " pin=" + pin
          + " value=0 default_value=0 max_duration=0", false, false);
      m.configure();
      McuCommand out = m.lookupCommand("queue_digital_out oid=%c clock=%u on_ticks=%u");
      long start = m.clock().clockAt(reactor.monotonic() + 1.0);
      int window = Math.max(1, m.moveCount() - 8);
      List<Edge> schedule = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        long clock = start + i * spacing;
        long minClock = i >= window ? schedule.get(i - window).clock() : 0;
        int value = (i + 1) % 2;
        out.sendTimed(minClock, clock, (long) oid, clock & 0xFFFFFFFFL, (long) value);
        schedule.add(new Edge(clock, value));
      }
      reactor.pause(reactor.monotonic() + 1.5 + count * spacing / m.clock().mcuFreq());
      return schedule;
    });
  }

  List<Edge> toggle(Mcu m, int count, long spacing) throws Exception {
    return toggle(reactor, m, "gpio5", count, spacing);
  }

  @Test
  void everyQueuedCommandRunsOnceInOrderAtItsClock() throws Exception {
    Path trace = tmp.resolve("trace.txt");
    SimMcuProcess sim = startSim(trace);
    Mcu m = mcu(sim.serialPath());
    call(() -> {
      m.identify();
      return null;
    });
    assertThat(m.dictionary().constant("MCU")).contains("sim");
    List<Edge> schedule = toggle(m, 3_000, 100_000); // 2 ms apart at 50 MHz: 6 s
    call(() -> {
      m.close();
      return null;
    });
    sim.close();
    assertThat(events).as("sim said: %s", sim.output()).isEmpty();
    assertThat(edges(trace, "gpio5", schedule.get(0).clock()))
        .containsExactlyElementsOf(schedule);
  }

  /**
   * The same schedule through a relay that flips a bit in 1% of bytes, drops 1% of blocks and
   * adds jitter, both ways: the trace is edge for edge what it is on a clean line.
   */
  @Test
  void aNoisyLineLeavesTheTraceUnchanged() throws Exception {
    Path trace = tmp.resolve("trace.txt");
    SimMcuProcess sim = startSim(trace);
    Pty pty = Pty.open(tmp.resolve("relay"));
    cleanup.add(pty);
    Transport toMcu = Transports.open(sim.serialPath(), 250000, 5);
    cleanup.add(toMcu);
    FaultRelay relay = new FaultRelay(FaultRelay.endpoint(pty), FaultRelay.endpoint(toMcu),
        new FaultRelay.Faults(0.01, 0.01, 0.0005), 7);
    cleanup.add(relay);
    Mcu m = mcu(pty.slavePath());
    call(() -> {
      m.identify();
      return null;
    });
    List<Edge> schedule = toggle(m, 3_000, 100_000);
    String stats = m.link().stats();
    call(() -> {
      m.close();
      return null;
    });
    sim.close();
    assertThat(events).as("sim said: %s", sim.output()).isEmpty();
    assertThat(edges(trace, "gpio5", schedule.get(0).clock()))
        .containsExactlyElementsOf(schedule);
    assertThat(relay.toMcu.corruptedBytes.get()).isPositive();
    assertThat(relay.toMcu.droppedBlocks.get()).isPositive();
    assertThat(LinkBenchFields.retransmitted(stats)).isPositive();
    assertThat(events).isEmpty();
  }

  @Test
  void anMcuProcessThatDiesIsReportedLostAtOnce() throws Exception {
    SimMcuProcess sim = startSim(null);
    Mcu m = mcu(sim.serialPath());
    call(() -> {
      m.identify();
      return null;
    });
    long start = System.nanoTime();
    sim.close();
    while (events.isEmpty() && System.nanoTime() - start < 5e9) {
      Thread.sleep(10);
    }
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.5);
    assertThat(events).singleElement().asString()
        .startsWith("lost: Lost communication with MCU 'mcu'");
    call(() -> {
      m.close();
      return null;
    });
  }

  @Test
  void firmwareRestartGivesAFreshMcu() throws Exception {
    SimMcuProcess sim = startSim(null);
    Mcu first = mcu(sim.serialPath());
    call(() -> {
      first.identify();
      first.createOid();
      first.addConfigCmd("config_trsync oid=0", false, false);
      first.configure();
      assertThat(first.restartMethod()).isEqualTo(Mcu.RestartMethod.COMMAND);
      first.firmwareRestart();
      return null;
    });
    // After the reset the MCU holds no configuration: a different one is accepted.
    Mcu second = mcu(sim.serialPath());
    call(() -> {
      second.identify();
      for (int i = 0; i < 3; i++) {
        second.addConfigCmd("config_trsync oid=" + second.createOid(), false, false);
      }
      second.configure();
      second.close();
      return null;
    });
    assertThat(second.configCrc()).isNotEqualTo(first.configCrc());
  }

  /** Reads fields of a Stats line. */
  static final class LinkBenchFields {
    static long retransmitted(String stats) {
      for (String part : stats.split(" ")) {
        if (part.startsWith("bytes_retransmit=")) {
          return Long.parseLong(part.substring("bytes_retransmit=".length()));
        }
      }
      throw new AssertionError("no bytes_retransmit in " + stats);
    }
  }
}
