package org.escapement.host.mcu.transport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Batch mode: what would go to the MCU is written to a file ({@code -o out.serial}); nothing
 * ever comes back (the MCU's answers are made up by the host, as Klipper's batch mode does).
 */
public final class FileTransport implements Transport {
  private final OutputStream out;
  private final Path path;

  public FileTransport(Path path) throws IOException {
    this.path = path;
    this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
  }

  @Override
  public int read(byte[] buf) {
    return -1;
  }

  @Override
  public void write(byte[] buf, int off, int len) throws IOException {
    out.write(buf, off, len);
  }

  @Override
  public String describe() {
    return "batch output " + path;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
