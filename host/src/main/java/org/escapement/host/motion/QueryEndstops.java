package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** QUERY_ENDSTOPS / M119: reads every endstop and reports "open" or "TRIGGERED". */
public final class QueryEndstops implements StatusProvider {
  private final Printer printer;
  private final List<Object[]> endstops = new ArrayList<>();
  private Map<String, Object> lastState = new LinkedHashMap<>();

  public static QueryEndstops of(Printer printer) {
    QueryEndstops q = printer.lookupObjectOrNull("query_endstops", QueryEndstops.class);
    if (q == null) {
      q = new QueryEndstops(printer);
      printer.addObject("query_endstops", q);
    }
    return q;
  }

  private QueryEndstops(Printer printer) {
    this.printer = printer;
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("QUERY_ENDSTOPS", this::cmdQuery, false, "Report on the status of each"
        + " endstop");
    gcode.register("M119", this::cmdQuery, false, null);
  }

  public void register(Endstop endstop, String name) {
    endstops.add(new Object[] {endstop, name});
  }

  private void cmdQuery(GCodeCommand c) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double printTime = toolhead.lastMoveTime();
    Map<String, Object> state = new LinkedHashMap<>();
    for (Object[] e : endstops) {
      state.put((String) e[1], ((Endstop) e[0]).query(printTime) ? 1 : 0);
    }
    lastState = state;
    List<String> parts = new ArrayList<>();
    state.forEach((name, v) -> parts.add(name + ":" + ((int) v != 0 ? "TRIGGERED" : "open")));
    c.respondRaw(String.join(" ", parts));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("last_query", lastState);
  }
}
