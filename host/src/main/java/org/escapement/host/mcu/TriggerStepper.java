package org.escapement.host.mcu;

/** A stepper that an endstop trigger stops on its MCU (motion's steppers implement this). */
public interface TriggerStepper {
  Mcu mcu();

  int oid();

  String name();

  /** The MCU stopped the stepper: its step timing and position must be re-read. */
  void noteHomingEnd();
}
