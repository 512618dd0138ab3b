package org.escapement.host.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.escapement.host.mcu.transport.SerialPortTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PtyTest {
  @Test
  void passesEveryByteValueBothWaysUnchanged(@TempDir Path tmp) throws Exception {
    Path link = tmp.resolve("ttyTest");
    try (Pty pty = Pty.open(link)) {
      assertThat(Files.isSymbolicLink(link)).isTrue();
      SerialPortTransport port = SerialPortTransport.open(pty.slavePath(), 250000);
      try {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
          all[i] = (byte) i; // includes \r, \n, XON/XOFF, ^C: raw mode must not touch them
        }
        pty.write(all, 0, all.length);
        assertThat(readFully(port, 256)).isEqualTo(all);
        port.write(all, 0, all.length);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[512];
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (got.size() < 256 && System.nanoTime() < deadline) {
          int n = pty.read(buf, 100);
          if (n > 0) {
            got.write(buf, 0, n);
          }
        }
        assertThat(got.toByteArray()).isEqualTo(all);
      } finally {
        port.close();
      }
    }
    assertThat(Files.exists(link)).isFalse();
  }

  private static byte[] readFully(SerialPortTransport port, int n) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[512];
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (out.size() < n && System.nanoTime() < deadline) {
      int k = port.read(buf);
      if (k > 0) {
        out.write(buf, 0, k);
      }
    }
    return out.toByteArray();
  }

  @Test
  void aMissingOrWrongPortIsAClearError(@TempDir Path tmp) throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SerialPortTransport.open(tmp.resolve("ttyNone").toString(), 250000))
        .hasMessageContaining("does not exist").hasMessageContaining("plugged in");
    Path file = Files.writeString(tmp.resolve("notatty"), "x");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SerialPortTransport.open(file.toString(), 250000))
        .hasMessageContaining("is not a serial device");
  }
}
