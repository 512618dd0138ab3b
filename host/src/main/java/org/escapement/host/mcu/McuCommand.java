package org.escapement.host.mcu;

import org.escapement.protocol.MessageFormat;

/** A command of one MCU, checked against its dictionary once, sent many times. */
public final class McuCommand {
  private final MessageFormat format;
  private final SerialLink link;
  private final CommandQueue queue;

  McuCommand(MessageFormat format, SerialLink link, CommandQueue queue) {
    this.format = format;
    this.link = link;
    this.queue = queue;
  }

  public MessageFormat format() {
    return format;
  }

  /** Sends now (as soon as the link allows); values in format order. */
  public void send(Object... values) {
    sendTimed(0, 0, values);
  }

  /**
   * Sends with scheduling constraints.
   *
   * @param minClock not before the MCU clock reaches this (room in its move queue)
   * @param reqClock must arrive before the MCU clock reaches this
   */
  public void sendTimed(long minClock, long reqClock, Object... values) {
    link.send(format.messageOf(values).encode(), minClock, reqClock, queue);
  }
}
