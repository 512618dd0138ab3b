package org.escapement.host.tmc;

/** A driver's motor current: the amperes asked for, as register bits, and back. */
public interface TmcCurrent {
  /** What the registers give now. */
  record Currents(double run, Double hold, double requestedHold, double max) {}

  Currents get();

  /** Recomputes the bits and writes the registers that changed, not before {@code printTime}. */
  void set(double run, double hold, double printTime);
}
