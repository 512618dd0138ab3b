package org.escapement.host.printer;

/**
 * A request failed in a way the user should hear about ("!! message"), and the printer goes
 * on: a move out of range, a bad parameter, a homing move that never triggered. Any part may
 * throw it; G-code reports it to whoever sent the command.
 */
public class CommandError extends RuntimeException {
  public CommandError(String message) {
    super(message);
  }
}
