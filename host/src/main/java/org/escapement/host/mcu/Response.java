package org.escapement.host.mcu;

import org.escapement.protocol.Message;

/**
 * A message from the MCU with its timing.
 *
 * @param sentTime host time the block the MCU had just acknowledged reached it (0 when unknown,
 *     e.g. after a retransmit); clock sync pairs it with clock values
 * @param receiveTime host time the response arrived
 * @param ackSeq the host sequence number the MCU expected next when it sent this: every block
 *     below it had been processed
 */
public record Response(Message message, double sentTime, double receiveTime, long ackSeq) {
  public String name() {
    return message.name();
  }

  public long getLong(String param) {
    return message.getLong(param);
  }

  public int getInt(String param) {
    return message.getInt(param);
  }
}
