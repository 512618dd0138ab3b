package org.escapement.host.motion;

/**
 * An axis beyond X, Y and Z that moves with the toolhead (the extruder, or a manual stepper
 * synced as an axis): it checks and limits moves along it, limits junction speeds, and queues
 * its own part of each move.
 */
public interface ExtraAxis {
  /** Name for status ({@code extruder}); empty for "none". */
  String name();

  /** The G-code letter of the axis ({@code E}). */
  default String gcodeId() {
    return "E";
  }

  /** Refuses or slows down a move along this axis (index {@code axis} into its vectors). */
  void checkMove(Move move, int axis);

  /** The highest squared junction speed this axis allows between two moves. */
  double calcJunction(Move prev, Move move, int axis);

  /** Queues the axis's part of a planned move starting at {@code printTime}. */
  void processMove(double printTime, Move move, int axis);

  /** The trapq this axis's steppers read (null if none). */
  default Trapq trapq() {
    return null;
  }

  /** Where the axis was at {@code printTime} (from sent steps). */
  default double findPastPosition(double printTime) {
    return 0;
  }

  /** The axis used when a printer has no extruder: any E move is an error. */
  ExtraAxis NONE = new ExtraAxis() {
    @Override
    public String name() {
      return "";
    }

    @Override
    public void checkMove(Move move, int axis) {
      throw move.moveError("Extrude when no extruder present");
    }

    @Override
    public double calcJunction(Move prev, Move move, int axis) {
      return move.maxCruiseV2;
    }

    @Override
    public void processMove(double printTime, Move move, int axis) {}
  };
}
