package org.escapement.host.mcu.transport;

import java.io.IOException;

/** Opens the transport a {@code serial:} setting names. */
public final class Transports {
  private Transports() {}

  /**
   * {@code tcp:HOST:PORT} for a socket, anything else is a device or pty path.
   *
   * @param baud ignored for sockets
   */
  public static Transport open(String serial, int baud, double timeoutSec) throws IOException {
    if (serial.startsWith("tcp:")) {
      String rest = serial.substring(4);
      int colon = rest.lastIndexOf(':');
      int port;
      try {
        port = colon > 0 ? Integer.parseInt(rest.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port <= 0 || port > 65535) {
        throw new IOException("'" + serial + "' is not tcp:HOST:PORT");
      }
      return TcpTransport.connect(rest.substring(0, colon), port, timeoutSec);
    }
    return SerialPortTransport.open(serial, baud);
  }
}
