package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.junit.jupiter.api.Test;

class StatisticsModuleTest {
  /** A heater-like part: active while it has a target. */
  static final class Part implements StatsSource {
    final String text;
    boolean active;

    Part(String text) {
      this.text = text;
    }

    @Override
    public Stats stats(double eventtime) {
      return new Stats(active, text);
    }
  }

  @Test
  void aLineOnlyWhileSomethingIsActiveWithEveryPartInCreationOrder() throws Exception {
    Reactor reactor = new Reactor(ReactorClock.virtual());
    reactor.start("test");
    try {
      Printer printer = new Printer(reactor);
      Part gcode = new Part("gcodein=12");
      Part heater = new Part("extruder: target=200 temp=25.1 pwm=1.000");
      Part empty = new Part("");
      printer.addObject("gcode_io", gcode);
      printer.addObject("extruder", heater);
      printer.addObject("quiet", empty);
      StatisticsModule stats = new StatisticsModule(printer);
      printer.addObject("system_stats", new SystemStats());
      reactor.call(() -> {
        printer.setReady();
        return null;
      });
      assertThat(stats.line(5.0)).isNull();
      heater.active = true;
      // graphstats.py splits on spaces and '=': the same shape as klippy's lines.
      assertThat(stats.line(12.34)).matches("Stats 12\\.3: gcodein=12 extruder: target=200"
          + " temp=25\\.1 pwm=1\\.000 sysload=\\d+\\.\\d\\d cputime=\\d+\\.\\d{3}"
          + "( memavail=\\d+)?");
    } finally {
      reactor.close();
    }
  }
}
