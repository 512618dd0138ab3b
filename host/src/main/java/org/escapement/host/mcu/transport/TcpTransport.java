package org.escapement.host.mcu.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** An MCU behind a TCP socket ({@code serial: tcp:HOST:PORT}), e.g. a serial-to-network bridge. */
public final class TcpTransport implements Transport {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String address;
  private volatile boolean closed;

  private TcpTransport(Socket socket, String address) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.address = address;
  }

  public static TcpTransport connect(String host, int port, double timeoutSec)
      throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeoutSec * 1000));
      s.setSoTimeout(100);
    } catch (IOException e) {
      s.close();
      throw new IOException("cannot connect to tcp:" + host + ":" + port + ": " + e.getMessage(),
          e);
    }
    return new TcpTransport(s, host + ":" + port);
  }

  @Override
  public int read(byte[] buf) throws IOException {
    try {
      return in.read(buf);
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      if (closed) {
        return -1;
      }
      throw e;
    }
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    out.write(buf, off, len);
  }

  @Override
  public String describe() {
    return "tcp:" + address;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.shutdownOutput();
    socket.close();
  }
}
