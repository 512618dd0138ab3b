package org.escapement.host.printer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.escapement.host.mcu.transport.SerialPortTransport;
import org.escapement.host.modules.StandardModules;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * G-code from a console, a pty and a file across restarts: the answers a terminal or a
 * serial-port host sees. The MCU side runs in batch mode, so no hardware is needed.
 */
class InputSourcesTest {
  @TempDir Path tmp;
  final Lines answers = new Lines();
  PipedOutputStream typing;
  CompletableFuture<Integer> exit;

  /** Collects answer lines and lets a test wait for one. */
  static final class Lines extends OutputStream {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      buf.write(b);
      notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      buf.write(b, off, len);
      notifyAll();
    }

    synchronized List<String> lines() {
      return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** Waits until a line equal to {@code line} has appeared {@code times} times. */
    List<String> await(String line, int times) throws InterruptedException {
      return await(line::equals, line, times);
    }

    synchronized List<String> await(java.util.function.Predicate<String> match, String line,
        int times) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (lines().stream().filter(match).count() < times) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no '" + line + "' x" + times + " in " + lines());
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return lines();
    }
  }

  Path config(String text) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + text);
    return cfg;
  }

  void startConsole(Path cfg) throws Exception {
    typing = new PipedOutputStream();
    PipedInputStream console = new PipedInputStream(typing, 65536);
    StartOptions options = new StartOptions(cfg, null, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    PrintStream out = new PrintStream(answers, true, StandardCharsets.UTF_8);
    exit = CompletableFuture.supplyAsync(() -> {
      try {
        return new HostSession(options, StandardModules.registry(), "test", out, console)
            .run();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  void type(String text) throws Exception {
    typing.write(text.getBytes(StandardCharsets.UTF_8));
    typing.flush();
  }

  @AfterEach
  void closeConsole() throws Exception {
    if (typing != null) {
      typing.close();
    }
    if (exit != null) {
      exit.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConsoleGetsOkForEveryLineAndStaysUpAfterErrors() throws Exception {
    startConsole(config(""));
    answers.await("// Klipper state: Ready", 1);
    type("STATUS\nNOSUCH\nECHO MSG=a\nG1 X=abc\nECHO MSG=b\n");
    List<String> got = answers.await("ok", 5);
    assertThat(got).containsExactly("// Klipper state: Ready",
        "// Klipper state: Ready", "ok",
        "// Unknown command:\"NOSUCH\"", "ok",
        "// ECHO MSG=a", "ok",
        "!! Unable to parse move 'G1 X=abc'", "ok",
        "// ECHO MSG=b", "ok");
    typing.close();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void aBrokenConfigLeavesTheHostUpUntilRestartLoadsTheFixedOne() throws Exception {
    Path cfg = config("[gcode_macro HI]\ngcode: ECHO MSG=hi\ngcod: oops\n");
    startConsole(cfg);
    String error = "!! Option 'gcod' is not valid in section 'gcode_macro hi' (";
    answers.await(l -> l.startsWith(error) && l.endsWith("printer.cfg:11)"), error, 1);
    type("HI\nSTATUS\n");
    List<String> got = answers.await("ok", 2);
    assertThat(String.join("\n", got)).contains("!! Option 'gcod' is not valid")
        .contains("use the \"RESTART\"").contains("Klipper state: Not ready");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n[gcode_macro HI]\ngcode: ECHO MSG=hi\n");
    type("RESTART\n");
    answers.await("// Klipper state: Ready", 1);
    type("HI\n");
    answers.await("// ECHO MSG=hi", 1);
  }

  @Test
  void m112JumpsTheQueue() throws Exception {
    // A macro that takes a while: the M112 typed behind it acts before it finishes.
    startConsole(config("""
        [gcode_macro SLOW]
        gcode:
          {% for i in range(300) %}
            SET_GCODE_VARIABLE MACRO=SLOW VARIABLE=n VALUE={i}
          {% endfor %}
          ECHO MSG=slow_done
        variable_n: 0
        """));
    answers.await("// Klipper state: Ready", 1);
    type("SLOW\nECHO MSG=queued\nM112\n");
    List<String> got = answers.await("ok", 3);
    assertThat(got).contains("// Klipper state: Shutdown");
    int shutdown = got.indexOf("// Klipper state: Shutdown");
    int queued = got.indexOf("// ECHO MSG=queued");
    assertThat(queued).as("ECHO after the macro ran after the shutdown, or not at all")
        .satisfiesAnyOf(i -> assertThat(i).isEqualTo(-1), i -> assertThat(i).isGreaterThan(shutdown));
  }

  @Test
  void aPtySpeaksTheSerialDialect() throws Exception {
    Path cfg = config("");
    Path link = tmp.resolve("printer");
    StartOptions options = new StartOptions(cfg, null, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, link, "test", tmp);
    HostSession session = new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(OutputStream.nullOutputStream()), null);
    exit = CompletableFuture.supplyAsync(() -> {
      try {
        return session.run();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(link) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    SerialPortTransport port = SerialPortTransport.open(link.toString(), 250000);
    try {
      // What OctoPrint sends on connect: a line number reset with checksum, then M115, M105.
      byte[] hello = "N0 M110 N0*125\nM115\nM105\n".getBytes(StandardCharsets.US_ASCII);
      port.write(hello, 0, hello.length);
      List<String> got = readLines(port, 3);
      assertThat(got).containsExactly("ok",
          "ok FIRMWARE_NAME:Klipper FIRMWARE_VERSION:escapement-test", "ok T:0");
      byte[] restart = "FIRMWARE_RESTART\n".getBytes(StandardCharsets.US_ASCII);
      port.write(restart, 0, restart.length);
    } finally {
      port.close();
    }
    // The session went on: restarted, and still answering on the same pty.
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (session.printer().state() != Printer.State.READY
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(session.printer().state()).isEqualTo(Printer.State.READY);
    port = SerialPortTransport.open(link.toString(), 250000);
    try {
      byte[] status = "STATUS\n".getBytes(StandardCharsets.US_ASCII);
      port.write(status, 0, status.length);
      assertThat(readLines(port, 1)).containsExactly("ok");
    } finally {
      port.close();
    }
    session.stop();
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(Files.exists(link)).as("the pty's link is removed at exit").isFalse();
  }

  private static List<String> readLines(SerialPortTransport port, int n) throws Exception {
    List<String> lines = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[256];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      int k = port.read(buf);
      for (int i = 0; i < k; i++) {
        if (buf[i] == '\n') {
          String l = sb.toString();
          sb.setLength(0);
          if (!l.startsWith("// Klipper state")) {
            lines.add(l);
          }
        } else {
          sb.append((char) buf[i]);
        }
      }
      if (lines.size() >= n) {
        break;
      }
    }
    return lines;
  }
}
