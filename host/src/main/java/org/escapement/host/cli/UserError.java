package org.escapement.host.cli;

/** A problem the user can fix (a missing file, bad data); its message is all they see. */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
