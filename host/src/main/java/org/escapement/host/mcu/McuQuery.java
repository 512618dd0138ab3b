package org.escapement.host.mcu;

import org.escapement.protocol.MessageFormat;

/** A command that the MCU answers with a response, e.g. {@code stepper_get_position}. */
public final class McuQuery {
  /** Long enough for a slow UART behind a busy queue; short enough to report a dead MCU. */
  public static final double DEFAULT_TIMEOUT = 5.0;

  private final MessageFormat command;
  private final String responseName;
  private final Long oid;
  private final SerialLink link;

  McuQuery(MessageFormat command, String responseName, Long oid, SerialLink link) {
    this.command = command;
    this.responseName = responseName;
    this.oid = oid;
    this.link = link;
  }

  /** Sends and waits for the answer (in a fiber). */
  public Response send(Object... values) {
    return link.query(command.messageOf(values), responseName, oid, DEFAULT_TIMEOUT);
  }

  /** Sends through {@code queue}, not before {@code minClock}, and waits for the answer. */
  public Response sendTimed(CommandQueue queue, long minClock, Object... values) {
    return link.query(command.messageOf(values), responseName, oid, DEFAULT_TIMEOUT, minClock,
        queue);
  }
}
