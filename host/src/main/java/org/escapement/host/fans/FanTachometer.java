package org.escapement.host.fans;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.McuCounter;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.printer.Printer;

/**
 * A fan's speed sensor ({@code tachometer_pin}): pulses counted by the MCU, turned into
 * revolutions per minute once a second. Null RPM when the fan has none.
 */
final class FanTachometer {
  private static final double SAMPLE_TIME = 1.0;
  private final int pulsesPerRevolution;
  private Double lastTime;
  private long lastCount;
  private double frequency;

  private FanTachometer(Printer printer, ConfigSection section) {
    pulsesPerRevolution = section.getInt("tachometer_ppr", 2, Bounds.min(1));
    double pollTime = section.getFloat("tachometer_poll_interval", 0.0015, Bounds.above(0));
    McuCounter counter = new McuCounter(
        PinSetup.pin(printer, section, "tachometer_pin", "endstop"), SAMPLE_TIME, pollTime);
    counter.setCallback(this::counted);
  }

  /** The tachometer of the section, or null without {@code tachometer_pin}. */
  static FanTachometer of(Printer printer, ConfigSection section) {
    return section.get("tachometer_pin", null) == null ? null
        : new FanTachometer(printer, section);
  }

  private void counted(double time, long count, double countTime) {
    if (lastTime == null) {
      lastTime = time;
    } else {
      double dt = countTime - lastTime;
      if (dt > 0) {
        lastTime = countTime;
        frequency = (count - lastCount) / dt;
      } else {
        lastTime = time; // no pulses since the last report: stopped
        frequency = 0;
      }
    }
    lastCount = count;
  }

  double rpm() {
    // The MCU counts both edges of each pulse: pulses = edges / 2, and 60 s per minute.
    return frequency * 30.0 / pulsesPerRevolution;
  }
}
