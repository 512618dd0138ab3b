package org.escapement.host.gcode;

import org.escapement.host.printer.CommandError;

/** A G-code command failed ("!! message"); the printer goes on. */
public final class GCodeError extends CommandError {
  public GCodeError(String message) {
    super(message);
  }
}
