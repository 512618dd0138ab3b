package org.escapement.host.motion;

import java.util.List;
import java.util.function.DoublePredicate;
import org.escapement.host.mcu.Endstop;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.TriggerStepper;
import org.escapement.host.printer.CommandError;
import org.escapement.host.reactor.Completion;

/**
 * {@code probe:z_virtual_endstop}: a Z endstop that is the probe. It is never armed as an
 * endstop: G28 sees it and runs a probe instead ({@link Homing}), so the Z position after
 * homing is the probe's z_offset at the trigger.
 */
public final class ZVirtualEndstop implements Endstop {
  private final double positionEndstop;
  private final DoublePredicate query;

  /** @param query reads the probe (QUERY_ENDSTOPS) */
  public ZVirtualEndstop(double positionEndstop, DoublePredicate query) {
    this.positionEndstop = positionEndstop;
    this.query = query;
  }

  /** The Z position at the trigger: the probe's z_offset. */
  public double positionEndstop() {
    return positionEndstop;
  }

  private static CommandError internal() {
    return new CommandError("Internal error: probe:z_virtual_endstop homes by probing, not as an endstop");
  }

  @Override
  public Mcu mcu() {
    throw internal();
  }

  @Override
  public void addStepper(TriggerStepper s) {
    // The probe's own endstop stops every Z stepper; this one stops none.
  }

  @Override
  public List<TriggerStepper> steppers() {
    return List.of();
  }

  @Override
  public Completion<Boolean> homeStart(double printTime, double sampleTime, int sampleCount,
      double restTime, boolean triggered) {
    throw internal();
  }

  @Override
  public double homeWait(double homeEndTime) {
    throw internal();
  }

  @Override
  public boolean query(double printTime) {
    return query.test(printTime);
  }
}
