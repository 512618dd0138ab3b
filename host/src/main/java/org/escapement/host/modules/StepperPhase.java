package org.escapement.host.modules;

/**
 * Which of its {@code phases} microstep positions (4 full steps' worth) a stepper was in when
 * its endstop triggered, with a count of how often each came up. A stepper's driver repeats
 * its coil currents every 4 full steps, so an endstop that triggers within the same phase
 * every time pins the position down far more precisely than the switch itself.
 */
final class StepperPhase {
  final String stepper;
  /** Microstep positions per electrical cycle; null when unknown (no stats). */
  final Integer phases;
  final int[] history;
  /** Counted only for ENDSTOP_PHASE_CALIBRATE (no [endstop_phase] section uses it). */
  final boolean statsOnly;
  boolean isPrimary;
  Integer lastPhase;
  Long lastMcuPosition;

  StepperPhase(String stepper, Integer phases, boolean statsOnly) {
    this.stepper = stepper;
    this.phases = phases;
    this.history = phases == null ? null : new int[phases];
    this.statsOnly = statsOnly;
  }

  /** A phase out of {@code driverPhases} (as a driver reports it) in this stepper's terms. */
  int convertPhase(int driverPhase, int driverPhases) {
    return (int) ((double) driverPhase / driverPhases * phases + .5) % phases;
  }

  /** The phase at the trigger position (in MCU steps), counted in the history. */
  int calcPhase(long triggerMcuPosition) {
    int phase = (int) Math.floorMod(triggerMcuPosition, (long) phases);
    history[phase]++;
    lastPhase = phase;
    lastMcuPosition = triggerMcuPosition;
    return phase;
  }
}
