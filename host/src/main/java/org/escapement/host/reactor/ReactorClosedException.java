package org.escapement.host.reactor;

/** Thrown in a fiber that was waiting when its reactor shut down, so that it unwinds. */
public final class ReactorClosedException extends RuntimeException {
  public ReactorClosedException() {
    super("reactor closed");
  }
}
