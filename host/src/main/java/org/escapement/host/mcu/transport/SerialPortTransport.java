package org.escapement.host.mcu.transport;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A serial device or pseudo-terminal, opened by path through jSerialComm (ptys are not
 * enumerated, so never by index). 8N1 at the configured baud.
 */
public final class SerialPortTransport implements Transport {
  private final SerialPort port;
  private final String path;
  private final int baud;
  private volatile boolean closed;

  private SerialPortTransport(SerialPort port, String path, int baud) {
    this.port = port;
    this.path = path;
    this.baud = baud;
  }

  /**
   * Opens {@code path}.
   *
   * @throws IOException saying why: missing, not a device, no permission, busy
   */
  public static SerialPortTransport open(String path, int baud) throws IOException {
    Path p = Path.of(path);
    if (!Files.exists(p)) {
      throw new IOException("serial port " + path + " does not exist"
          + " (is the board plugged in and powered?)");
    }
    if (Files.isDirectory(p) || Files.isRegularFile(p)) {
      throw new IOException(path + " is not a serial device");
    }
    if (!Files.isReadable(p) || !Files.isWritable(p)) {
      throw new IOException("no permission to open " + path
          + " (add your user to the group that owns it, often 'dialout')");
    }
    SerialPort port = SerialPort.getCommPort(path);
    port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
    // Reads wait at most 100 ms so the reader notices a close promptly.
    port.setComPortTimeouts(
        SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING, 100, 0);
    if (!port.openPort(0)) {
      throw new IOException("cannot open serial port " + path + " (error "
          + port.getLastErrorCode() + "; is another program using it?)");
    }
    return new SerialPortTransport(port, path, baud);
  }

  /** The underlying port, for reset sequences that toggle DTR/RTS. */
  SerialPort port() {
    return port;
  }

  @Override
  public int read(byte[] buf) throws IOException {
    if (closed) {
      return -1;
    }
    int n = port.readBytes(buf, buf.length);
    if (n < 0) {
      if (closed) {
        return -1;
      }
      throw new IOException("read from " + path + " failed (device unplugged?)");
    }
    return n;
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    int done = 0;
    while (done < len) {
      int n = port.writeBytes(buf, len - done, off + done);
      if (n < 0) {
        throw new IOException("write to " + path + " failed (device unplugged?)");
      }
      done += n;
    }
  }

  @Override
  public String describe() {
    return "serial " + path + " at " + baud + " baud";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    // Closing flushes unsent output, so let it drain first.
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (port.isOpen() && port.bytesAwaitingWrite() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    port.closePort();
  }
}
