package org.escapement.host.heaters;

import java.util.function.DoubleConsumer;
import org.escapement.host.modules.McuModule;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * When heater and fan changes take effect relative to queued moves: through the toolhead. A
 * fan speed from G-code belongs between the moves before and after it, so it is timed by the
 * toolhead's lookahead; waiting for a temperature keeps the toolhead's print time moving.
 *
 * <p>Without a toolhead (tests of heaters alone) changes take effect as soon as the MCU can
 * schedule them, as they would on an idle toolhead.
 */
public final class ToolheadTiming {
  /** How far ahead of the MCU's clock an idle toolhead starts (Klipper's buffer start). */
  static final double BUFFER_TIME_START = 0.250;

  private final Printer printer;
  private double lastTime;

  public ToolheadTiming(Printer printer) {
    this.printer = printer;
  }

  private Toolhead toolhead() {
    return printer.lookupObjectOrNull("toolhead", Toolhead.class);
  }

  /** The print time at the end of the queued moves (the earliest time for a new event). */
  public double lastMoveTime() {
    Toolhead th = toolhead();
    if (th != null) {
      return th.lastMoveTime();
    }
    McuModule mcu = printer.lookupObjectOrNull("mcu", McuModule.class);
    double now = mcu == null ? 0
        : mcu.mcu().estimatedPrintTime(printer.reactor().monotonic())
            + mcu.mcu().latencyMargin(BUFFER_TIME_START);
    lastTime = Math.max(lastTime, now);
    return lastTime;
  }

  /** Moves the toolhead's clock on by {@code seconds} (nothing to wait for without one). */
  public void dwell(double seconds) {
    Toolhead th = toolhead();
    if (th != null) {
      th.dwell(seconds);
    } else {
      lastTime = lastMoveTime() + seconds;
    }
  }

  /** Runs {@code callback} with the print time at which the moves queued so far end. */
  public void registerLookaheadCallback(DoubleConsumer callback) {
    Toolhead th = toolhead();
    if (th != null) {
      th.registerLookaheadCallback(callback);
    } else {
      callback.accept(lastMoveTime());
    }
  }
}
