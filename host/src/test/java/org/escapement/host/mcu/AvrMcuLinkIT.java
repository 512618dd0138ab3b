package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.SimMcuProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link against the firmware built for a real chip (atmega2560, 16 MHz, UART at 250000
 * baud) running in simavr: identify over the UART, clock sync, configuration, and timed
 * commands seen on the chip's port pins.
 */
@Timeout(300)
class AvrMcuLinkIT {
  @Test
  void connectsToTheAtmega2560BuildInSimavr(@TempDir Path tmp) throws Exception {
    Path home = EscapementHome.dir();
    Path elf = SimMcuProcess.build(home, "atmega2560");
    Path tools = SimMcuProcess.buildTools(home);
    Path trace = tmp.resolve("trace.txt");
    Reactor reactor = new Reactor(ReactorClock.system());
    reactor.start("avr-it");
    try (SimMcuProcess avr = SimMcuProcess.startAvr(tools, elf, tmp.resolve("avr"), trace)) {
      Mcu m = Mcu.live("mcu", new Mcu.Settings(avr.serialPath(), 250000, null, 10.0), reactor,
          null);
      SimMcuLinkIT.call(reactor, () -> {
        m.identify();
        return null;
      });
      assertThat(m.dictionary().constant("MCU")).contains("atmega2560");
      assertThat(m.dictionary().constant("RECEIVE_WINDOW")).isPresent();
      assertThat(m.clock().mcuFreq()).isEqualTo(16e6);
      // 200 edges 5 ms apart on PA4 (80000 cycles at 16 MHz).
      List<SimMcuLinkIT.Edge> schedule = SimMcuLinkIT.toggle(reactor, m, "PA4", 200, 80_000);
      String stats = m.link().stats();
      SimMcuLinkIT.call(reactor, () -> {
        m.close();
        return null;
      });
      avr.close();
      // The trace counts CPU cycles; the firmware's clock may start elsewhere, so compare
      // each edge's offset from the first, allowing for interrupt latency.
      List<SimMcuLinkIT.Edge> seen = SimMcuLinkIT.edges(trace, "PA4", 0).stream()
          .skip(1).toList(); // the configuration's initial level
      assertThat(seen).as("link %s", stats).hasSameSizeAs(schedule);
      long first = seen.get(0).clock();
      for (int i = 0; i < schedule.size(); i++) {
        assertThat(seen.get(i).value()).isEqualTo(schedule.get(i).value());
        long expected = schedule.get(i).clock() - schedule.get(0).clock();
        assertThat(seen.get(i).clock() - first).isBetween(expected - 400, expected + 400);
      }
    } finally {
      reactor.close();
    }
  }
}
