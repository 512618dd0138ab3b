package org.escapement.host.leveling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [bed_screws]}: BED_SCREWS_ADJUST takes the nozzle to each bed screw in turn (up to
 * {@code horizontal_move_z}, across, down to {@code probe_height}) for a paper test, and
 * waits for ACCEPT (screw is fine), ADJUSTED (screw was turned noticeably) or ABORT. The
 * coarse pass is over once every screw has been accepted in a row; then the fine-adjust
 * positions, if any, get a pass of their own.
 *
 * <p>As in Klipper, "in a row" counts the accepts since the last ADJUSTED over both
 * passes' lists: a fine pass with fewer positions than there are screws, or an ADJUSTED in
 * the fine pass, goes back to the coarse pass's first screw.
 */
public final class BedScrewsModule implements StatusProvider {
  private final Printer printer;
  private final GCodeDispatch gcode;
  private final List<Screw> coarse = new ArrayList<>();
  private final List<Screw> fine = new ArrayList<>();
  private final double speed;
  private final double liftSpeed;
  private final double horizontalMoveZ;
  private final double probeZ;
  /** "adjust" (the coarse pass), "fine", or null when no session is under way. */
  private String state;
  private int currentScrew;
  private int acceptedScrews;

  public BedScrewsModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    coarse.addAll(Screw.fromConfig(section));
    for (int i = 0; i < coarse.size(); i++) {
      String fineOption = "screw" + (i + 1) + "_fine_adjust";
      if (section.get(fineOption, null) != null) {
        List<Double> f = section.getFloatList(fineOption, null, ",", 2);
        fine.add(new Screw(f.get(0), f.get(1), coarse.get(i).name()));
      }
    }
    if (coarse.size() < 3) {
      throw new ConfigError("bed_screws: Must have at least three screws");
    }
    speed = section.getFloat("speed", 50.0, Bounds.above(0));
    liftSpeed = section.getFloat("probe_speed", 5.0, Bounds.above(0));
    horizontalMoveZ = section.getFloat("horizontal_move_z", 5.0);
    probeZ = section.getFloat("probe_height", 0.0);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("BED_SCREWS_ADJUST", this::cmdBedScrewsAdjust, false,
        "Tool to help adjust bed leveling screws");
  }

  private void move(Double x, Double y, double z, double speed) {
    printer.lookupObject("toolhead", Toolhead.class).manualMove(new Double[] {x, y, z}, speed);
  }

  private void moveToScrew(String pass, int index) {
    move(null, null, horizontalMoveZ, liftSpeed);
    Screw screw = (pass.equals("fine") ? fine : coarse).get(index);
    move(screw.x(), screw.y(), horizontalMoveZ, speed);
    move(screw.x(), screw.y(), probeZ, liftSpeed);
    state = pass;
    currentScrew = index;
    gcode.respondInfo("Adjust " + screw.name() + ". Then run ACCEPT, ADJUSTED, or ABORT\n"
        + "Use ADJUSTED if a significant screw adjustment is made");
    gcode.register("ACCEPT", this::cmdAccept, false, "Accept bed screw position");
    gcode.register("ADJUSTED", this::cmdAdjusted, false,
        "Accept bed screw position after notable adjustment");
    gcode.register("ABORT", c -> {
      unregisterCommands();
      reset();
    }, false, "Abort bed screws tool");
  }

  private void unregisterCommands() {
    gcode.unregister("ACCEPT");
    gcode.unregister("ADJUSTED");
    gcode.unregister("ABORT");
  }

  private void reset() {
    state = null;
    currentScrew = 0;
    acceptedScrews = 0;
  }

  private void cmdBedScrewsAdjust(GCodeCommand c) {
    if (state != null) {
      throw c.error("Already in bed_screws helper; use ABORT to exit");
    }
    acceptedScrews = 0;
    move(null, null, horizontalMoveZ, speed);
    moveToScrew("adjust", 0);
  }

  private void cmdAccept(GCodeCommand c) {
    unregisterCommands();
    acceptedScrews++;
    List<Screw> pass = state.equals("fine") ? fine : coarse;
    if (currentScrew + 1 < pass.size() && acceptedScrews < coarse.size()) {
      moveToScrew(state, currentScrew + 1);
      return;
    }
    if (acceptedScrews < coarse.size()) {
      moveToScrew("adjust", 0);
      return;
    }
    if (state.equals("adjust") && !fine.isEmpty()) {
      acceptedScrews = 0;
      moveToScrew("fine", 0);
      return;
    }
    reset();
    move(null, null, horizontalMoveZ, liftSpeed);
    c.respondInfo("Bed screws tool completed successfully");
  }

  private void cmdAdjusted(GCodeCommand c) {
    unregisterCommands();
    acceptedScrews = -1;
    cmdAccept(c);
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("is_active", state != null);
    s.put("state", state);
    s.put("current_screw", currentScrew);
    s.put("accepted_screws", acceptedScrews);
    return s;
  }
}
