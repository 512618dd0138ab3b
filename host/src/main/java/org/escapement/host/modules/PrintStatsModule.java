package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.motion.Coord;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [print_stats]}: the state of the current print for user interfaces: file, state
 * (standby, printing, paused, complete, cancelled, error), durations (time before the first
 * extrusion and paused time do not count as printing), filament used, layer info.
 */
public final class PrintStatsModule implements StatusProvider {
  private final Printer printer;
  private String filename = "";
  private String errorMessage = "";
  private String state = "standby";
  private double prevPauseDuration;
  private double lastEpos;
  private double filamentUsed;
  private double totalDuration;
  private Double printStartTime;
  private Double lastPauseTime;
  private double initDuration;
  private Integer totalLayer;
  private Integer currentLayer;

  /** The module, created on first use (virtual_sdcard needs it, with or without a section). */
  public static PrintStatsModule of(Printer printer) {
    PrintStatsModule p = printer.lookupObjectOrNull("print_stats", PrintStatsModule.class);
    if (p == null) {
      p = new PrintStatsModule(printer, null);
      printer.addObject("print_stats", p);
    }
    return p;
  }

  public PrintStatsModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    printer.lookupObject("gcode", GCodeDispatch.class).register("SET_PRINT_STATS_INFO",
        this::cmdSetInfo, false, "Pass slicer info like layer act and total to klipper");
    printer.onEvent("extruder:activate_extruder", o -> lastEpos = ePosition());
  }

  private GCodeMove gcodeMove() {
    return printer.lookupObject("gcode_move", GCodeMove.class);
  }

  private double ePosition() {
    return ((Coord) gcodeMove().status(0).get("position")).getE();
  }

  private void updateFilamentUsage() {
    Map<String, Object> s = gcodeMove().status(0);
    double e = ((Coord) s.get("position")).getE();
    filamentUsed += (e - lastEpos) / (Double) s.get("extrude_factor");
    lastEpos = e;
  }

  public void setCurrentFile(String name) {
    reset();
    filename = name;
  }

  public void noteStart() {
    double now = printer.reactor().monotonic();
    if (printStartTime == null) {
      printStartTime = now;
    } else if (lastPauseTime != null) {
      prevPauseDuration += now - lastPauseTime;
      lastPauseTime = null;
    }
    lastEpos = ePosition();
    state = "printing";
    errorMessage = "";
  }

  public void notePause() {
    if (lastPauseTime == null) {
      lastPauseTime = printer.reactor().monotonic();
      updateFilamentUsage();
    }
    if (!state.equals("error")) {
      state = "paused";
    }
  }

  public void noteComplete() {
    noteFinish("complete", "");
  }

  public void noteError(String message) {
    noteFinish("error", message);
  }

  public void noteCancel() {
    noteFinish("cancelled", "");
  }

  private void noteFinish(String finalState, String message) {
    if (printStartTime == null) {
      return;
    }
    state = finalState;
    errorMessage = message;
    totalDuration = printer.reactor().monotonic() - printStartTime;
    if (filamentUsed < 0.0000001) {
      initDuration = totalDuration - prevPauseDuration; // nothing was extruded
    }
    printStartTime = null;
  }

  public void reset() {
    filename = "";
    errorMessage = "";
    state = "standby";
    prevPauseDuration = 0;
    lastEpos = 0;
    filamentUsed = 0;
    totalDuration = 0;
    printStartTime = null;
    lastPauseTime = null;
    initDuration = 0;
    totalLayer = null;
    currentLayer = null;
  }

  public String state() {
    return state;
  }

  private void cmdSetInfo(GCodeCommand c) {
    int total = c.getInt("TOTAL_LAYER", totalLayer == null ? 0 : totalLayer, Bounds.min(0));
    Integer current = c.has("CURRENT_LAYER")
        ? c.getInt("CURRENT_LAYER", 0, Bounds.min(0)) : currentLayer;
    if (total == 0) {
      totalLayer = null;
      currentLayer = null;
    } else if (totalLayer == null || total != totalLayer) {
      totalLayer = total;
      currentLayer = 0;
    }
    if (totalLayer != null && current != null && !current.equals(currentLayer)) {
      currentLayer = Math.min(current, totalLayer);
    }
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    double paused = prevPauseDuration;
    if (printStartTime != null) {
      if (lastPauseTime != null) {
        paused += eventtime - lastPauseTime;
      } else {
        updateFilamentUsage();
      }
      totalDuration = eventtime - printStartTime;
      if (filamentUsed < 0.0000001) {
        initDuration = totalDuration - paused; // time before the first extrusion
      }
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("filename", filename);
    s.put("total_duration", totalDuration);
    s.put("print_duration", totalDuration - initDuration - paused);
    s.put("filament_used", filamentUsed);
    s.put("state", state);
    s.put("message", errorMessage);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("total_layer", totalLayer);
    info.put("current_layer", currentLayer);
    s.put("info", info);
    return s;
  }
}
