package org.escapement.host.mcu.transport;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte pipe to one MCU: a serial device or pty, a TCP socket, or the output file of a batch
 * run. One thread reads, one thread writes; {@link #close} unblocks the reader.
 */
public interface Transport extends Closeable {
  /**
   * Reads what has arrived, waiting a little if nothing has.
   *
   * @return bytes read (0 if nothing arrived yet), or -1 once the link is gone
   * @throws IOException if the device failed (unplugged, say)
   */
  int read(byte[] buf) throws IOException;

  void write(byte[] buf, int off, int len) throws IOException;

  /** What this is, for messages: "serial /dev/ttyACM0 at 250000 baud". */
  String describe();

  /** Waits until written bytes have left, then closes. */
  @Override
  void close() throws IOException;
}
