package org.escapement.host.mcu;

import java.util.List;
import org.escapement.host.reactor.Completion;

/**
 * What a homing or probing move needs of an endstop: an MCU input ({@link McuEndstop}), or
 * something wrapping one (a BLTouch, which deploys and stows its pin around the move).
 */
public interface Endstop {
  Mcu mcu();

  void addStepper(TriggerStepper s);

  List<TriggerStepper> steppers();

  /**
   * Starts watching for the trigger at {@code printTime}; the completion says whether homing
   * failed.
   */
  Completion<Boolean> homeStart(double printTime, double sampleTime, int sampleCount,
      double restTime, boolean triggered);

  /** Waits for the move to stop; the print time of the trigger, or 0 if there was none. */
  double homeWait(double homeEndTime);

  /** Reads the endstop now: true when triggered. */
  boolean query(double printTime);
}
