package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [display_status]}: the message (M117, SET_DISPLAY_TEXT) and print progress (M73, or
 * the virtual SD card's) that screens and web interfaces show. Always present.
 */
public final class DisplayStatusModule implements StatusProvider {
  /** An M73 progress holds this long (seconds) unless a print keeps it alive. */
  static final double M73_TIMEOUT = 5.0;

  private final Printer printer;
  private Double progress;
  private double expireProgress;
  private String message;

  public DisplayStatusModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M73", this::cmdM73, false, null);
    gcode.register("M117", c -> message = c.rawParameters().isEmpty() ? null
        : c.rawParameters(), false, null);
    gcode.register("SET_DISPLAY_TEXT", c -> message = c.get("MSG", null), false,
        "Set or clear the display message");
  }

  private void cmdM73(GCodeCommand c) {
    Double p = c.getFloatOrNull("P", org.escapement.host.config.Bounds.NONE);
    if (p != null) {
      progress = Math.min(1.0, Math.max(0.0, p / 100.0));
      expireProgress = printer.reactor().monotonic() + M73_TIMEOUT;
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Double p = progress;
    if (p != null && eventtime > expireProgress) {
      IdleTimeoutModule idle = printer.lookupObjectOrNull("idle_timeout",
          IdleTimeoutModule.class);
      if (idle == null || !idle.state().equals("Printing")) {
        progress = p = null;
      }
    }
    if (p == null) {
      VirtualSdcardModule sd = printer.lookupObjectOrNull("virtual_sdcard",
          VirtualSdcardModule.class);
      p = sd == null ? 0.0 : (Double) sd.status(eventtime).get("progress");
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("progress", p);
    s.put("message", message);
    return s;
  }
}
