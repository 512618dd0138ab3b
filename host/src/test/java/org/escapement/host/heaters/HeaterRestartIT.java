package org.escapement.host.heaters;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESTART (and SAVE_CONFIG) while a heater is on: the host turns it off and lets go of the
 * MCU only once it is off, so the MCU keeps running and the next session configures it. The
 * off used to be scheduled at the time of the heater's last change; its command waits until
 * the MCU has taken that change, arrived late and shut the MCU down ("Timer too close"), in
 * about one restart in ten.
 */
class HeaterRestartIT {
  @TempDir Path tmp;

  @Test
  void restartsWhileHeatingLeaveTheMcuRunning() throws Exception {
    try (SimPrinter sp = new SimPrinter(tmp, 2)) {
      sp.startHost(sp.config("extruder"));
      for (int i = 0; i < 20; i++) {
        sp.gcode("M104 S210");
        // Restart at different points of the heater's update cycle (0.3 s readings).
        Thread.sleep(300 + 97 * (i % 7));
        var before = sp.printer();
        sp.gcode("RESTART");
        sp.awaitRestart(before);
      }
    }
  }
}
