package org.escapement.host.leveling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.probe.ManualProbe;
import org.escapement.host.probe.ProbePointsHelper;

/**
 * {@code [screws_tilt_adjust]}: SCREWS_TILT_CALCULATE probes the bed over each levelling
 * screw and tells, for each screw, how far to turn it (whole turns and minutes of a turn,
 * 60 minutes to the turn) to bring it to the base screw's height. The base is the first
 * screw, or with DIRECTION= the highest or lowest one, so that every screw turns the same way.
 */
public final class ScrewsTiltAdjustModule implements StatusProvider {
  /** A thread: its pitch in mm per turn and whether tightening is clockwise. */
  record Thread(double pitch, boolean clockwise) {}

  // Klipper's pitches for its thread choices (the metric coarse pitches).
  static final Map<String, Thread> THREADS = Map.of(
      "CW-M3", new Thread(0.5, true), "CCW-M3", new Thread(0.5, false),
      "CW-M4", new Thread(0.7, true), "CCW-M4", new Thread(0.7, false),
      "CW-M5", new Thread(0.8, true), "CCW-M5", new Thread(0.8, false),
      "CW-M6", new Thread(1.0, true), "CCW-M6", new Thread(1.0, false));

  private final GCodeDispatch gcode;
  private final List<Screw> screws = new ArrayList<>();
  private final Thread thread;
  private final ProbePointsHelper probeHelper;
  private Map<String, Object> results = new LinkedHashMap<>();
  private Double maxDiff;
  private boolean maxDiffError;
  private String direction;

  public ScrewsTiltAdjustModule(Printer printer, ConfigSection section) {
    screws.addAll(Screw.fromConfig(section));
    if (screws.size() < 3) {
      throw new ConfigError("screws_tilt_adjust: Must have at least three screws");
    }
    thread = section.getChoice("screw_thread", THREADS, "CW-M3");
    List<double[]> points = screws.stream().map(s -> new double[] {s.x(), s.y()}).toList();
    probeHelper = new ProbePointsHelper(printer, section, this::probeFinalize, points);
    probeHelper.minimumPoints(3);
    ManualProbe.of(printer);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("SCREWS_TILT_CALCULATE", this::cmdScrewsTiltCalculate, false,
        "Tool to help adjust bed leveling screws by calculating the number of turns to level"
            + " it.");
  }

  private void cmdScrewsTiltCalculate(GCodeCommand c) {
    maxDiff = c.has("MAX_DEVIATION") ? c.getFloat("MAX_DEVIATION", null) : null;
    String dir = c.get("DIRECTION", null);
    if (dir != null) {
      dir = dir.toUpperCase(Locale.ROOT);
      if (!dir.equals("CW") && !dir.equals("CCW")) {
        throw c.error("Error on '" + c.commandLine() + "': DIRECTION must be either CW or CCW");
      }
    }
    direction = dir;
    probeHelper.startProbe(c);
  }

  /** One screw's turn: direction ("CW"/"CCW") and "turns:minutes". */
  record Turn(String sign, String adjust) {}

  /**
   * The turn that moves a screw probed at {@code z} to the base's height {@code zBase}:
   * differences under a micron count as none; minutes are rounded as Python's round() does.
   */
  static Turn turn(double zBase, double z, Thread thread) {
    double diff = zBase - z;
    double adjust = Math.abs(diff) < 0.001 ? 0 : diff / thread.pitch();
    String sign = (adjust >= 0) == thread.clockwise() ? "CW" : "CCW";
    adjust = Math.abs(adjust);
    long fullTurns = (long) adjust;
    long minutes = (long) Math.rint((adjust - fullTurns) * 60);
    return new Turn(sign, String.format(Locale.ROOT, "%02d:%02d", fullTurns, minutes));
  }

  private ProbePointsHelper.Outcome probeFinalize(List<ProbeResult> positions) {
    results = new LinkedHashMap<>();
    maxDiffError = false;
    int base = 0;
    if (direction != null) {
      // Turning every screw one way means leveling to the highest (or the lowest) one.
      boolean useMax = thread.clockwise() == direction.equals("CW");
      for (int i = 1; i < positions.size(); i++) {
        double z = positions.get(i).bedZ();
        double b = positions.get(base).bedZ();
        if (useMax ? z > b : z < b) {
          base = i;
        }
      }
    }
    double zBase = positions.get(base).bedZ();
    gcode.respondInfo("01:20 means 1 full turn and 20 minutes, CW=clockwise, "
        + "CCW=counter-clockwise");
    List<Double> screwDiff = new ArrayList<>();
    for (int i = 0; i < screws.size(); i++) {
      Screw s = screws.get(i);
      double z = positions.get(i).bedZ();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("z", z);
      if (i == base) {
        gcode.respondInfo(String.format(Locale.ROOT, "%s (base) : x=%.1f, y=%.1f, z=%.5f",
            s.name(), s.x(), s.y(), z));
        r.put("sign", thread.clockwise() ? "CW" : "CCW");
        r.put("adjust", "00:00");
        r.put("is_base", true);
      } else {
        screwDiff.add(Math.abs(zBase - z));
        Turn t = turn(zBase, z, thread);
        gcode.respondInfo(String.format(Locale.ROOT,
            "%s : x=%.1f, y=%.1f, z=%.5f : adjust %s %s", s.name(), s.x(), s.y(), z, t.sign(),
            t.adjust()));
        r.put("sign", t.sign());
        r.put("adjust", t.adjust());
        r.put("is_base", false);
      }
      results.put("screw" + (i + 1), r);
    }
    // As in Klipper, MAX_DEVIATION=0 checks nothing.
    if (maxDiff != null && maxDiff != 0
        && screwDiff.stream().anyMatch(d -> d > maxDiff)) {
      maxDiffError = true;
      throw new GCodeError("bed level exceeds configured limits (" + Py.repr(maxDiff)
          + "mm)! Adjust screws and restart print.");
    }
    return ProbePointsHelper.Outcome.DONE;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("error", maxDiffError);
    s.put("max_deviation", maxDiff);
    s.put("results", results);
    return s;
  }
}
