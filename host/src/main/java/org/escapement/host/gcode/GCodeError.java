package org.escapement.host.gcode;

/** A command failed in a way the user should hear about ("!! message"); the printer goes on. */
public final class GCodeError extends RuntimeException {
  public GCodeError(String message) {
    super(message);
  }
}
