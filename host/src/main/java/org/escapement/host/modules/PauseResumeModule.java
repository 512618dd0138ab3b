package org.escapement.host.modules;

import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [pause_resume]}: PAUSE saves the G-code state (and pauses a virtual SD print, or
 * tells a serial host "action:paused"); RESUME moves back and goes on; CANCEL_PRINT ends the
 * print. Macros commonly wrap these (rename_existing) to park the head.
 */
public final class PauseResumeModule implements StatusProvider {
  private final Printer printer;
  private final GCodeDispatch gcode;
  private final double recoverVelocity;
  private VirtualSdcardModule sd;
  private boolean paused;
  private boolean sdPaused;
  private boolean pauseCommandSent;

  public PauseResumeModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    recoverVelocity = section.getFloat("recover_velocity", 50.0);
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("PAUSE", this::cmdPause, false, "Pauses the current print");
    gcode.register("RESUME", this::cmdResume, false, "Resumes the print from a pause");
    gcode.register("CLEAR_PAUSE", c -> clearPause(), false,
        "Clears the current paused state without resuming the print");
    gcode.register("CANCEL_PRINT", this::cmdCancel, false, "Cancel the current print");
    printer.onEvent(Printer.Event.CONNECT, () ->
        sd = printer.lookupObjectOrNull("virtual_sdcard", VirtualSdcardModule.class));
  }

  private boolean sdActive() {
    return sd != null && sd.isActive();
  }

  /** Pauses the source of the print (from a command or an event such as a runout). */
  public void sendPauseCommand() {
    if (!pauseCommandSent) {
      if (sdActive()) {
        sdPaused = true;
        sd.doPause();
      } else {
        sdPaused = false;
        gcode.respondInfo("action:paused");
      }
      pauseCommandSent = true;
    }
  }

  private void cmdPause(GCodeCommand c) {
    if (paused) {
      c.respondInfo("Print already paused");
      return;
    }
    sendPauseCommand();
    gcode.runScriptFromCommand("SAVE_GCODE_STATE NAME=PAUSE_STATE");
    paused = true;
  }

  private void cmdResume(GCodeCommand c) {
    if (!paused) {
      c.respondInfo("Print is not paused, resume aborted");
      return;
    }
    double velocity = c.getFloat("VELOCITY", recoverVelocity);
    gcode.runScriptFromCommand(String.format(Locale.ROOT,
        "RESTORE_GCODE_STATE NAME=PAUSE_STATE MOVE=1 MOVE_SPEED=%.4f", velocity));
    if (sdPaused) {
      sd.doResume();
      sdPaused = false;
    } else {
      gcode.respondInfo("action:resumed");
    }
    pauseCommandSent = false;
    paused = false;
  }

  private void clearPause() {
    paused = false;
    pauseCommandSent = false;
  }

  private void cmdCancel(GCodeCommand c) {
    if (sdActive() || sdPaused) {
      sd.doCancel();
    } else {
      c.respondInfo("action:cancel");
    }
    clearPause();
  }

  public boolean isPaused() {
    return paused;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return Map.of("is_paused", paused);
  }
}
