package org.escapement.host.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.escapement.host.sim.SimMcuProcess;

/**
 * A running MCU for tests: the simulated MCU (the {@code sim} build, a Linux process with
 * the printer physics of a model file), or the atmega2560 build in simavr through the
 * bridge. Either way its serial port is a pseudo-terminal at {@link #pty()}, and every pin
 * change goes to the trace file (format: docs/sim-mcu.md).
 *
 * <pre>{@code
 * try (SimMcu mcu = SimMcu.start(model, trace, 1.0)) {
 *   // open mcu.pty() as the MCU's serial port
 *   mcu.control("fault extruder open");
 * }   // stopped; the trace is complete
 * }</pre>
 *
 * The pty link and the control FIFO live in a temporary folder removed by {@link #close()};
 * the trace file is the caller's.
 */
public final class SimMcu implements AutoCloseable {
  /**
   * How to start the sim MCU.
   *
   * @param model printer physics file, or null for none (pins only)
   * @param trace where to write the pin trace, or null for none
   * @param speed simulated time runs this many times faster than wall time (1 = real time)
   * @param extraArgs more options for the simulator (e.g. {@code --late-limit-us 1000})
   */
  public record Options(Path model, Path trace, double speed, List<String> extraArgs) {
    public Options {
      extraArgs = List.copyOf(extraArgs);
    }

    public Options(Path model, Path trace, double speed) {
      this(model, trace, speed, List.of());
    }
  }

  private final SimMcuProcess process;
  private final Path dir;
  private final Path pty;
  private final Path trace;
  private final Path control;

  private SimMcu(SimMcuProcess process, Path dir, Path pty, Path trace, Path control) {
    this.process = process;
    this.dir = dir;
    this.pty = pty;
    this.trace = trace;
    this.control = control;
  }

  /** Builds (if needed) and starts the sim MCU; returns once its pty is there. */
  public static SimMcu start(Path model, Path trace, double speed) throws IOException {
    return start(new Options(model, trace, speed));
  }

  /** Builds (if needed) and starts the sim MCU; returns once its pty is there. */
  public static SimMcu start(Options options) throws IOException {
    Path elf = Firmware.build("sim");
    Path dir = Files.createTempDirectory("escapement-sim");
    Path pty = dir.resolve("pty");
    Path control = dir.resolve("control");
    List<String> cmd = new ArrayList<>(List.of(elf.toString(), "-I", pty.toString(),
        "--control", control.toString()));
    if (options.speed() != 1.0) {
      cmd.addAll(List.of("--speed", Double.toString(options.speed())));
    }
    if (options.model() != null) {
      cmd.addAll(List.of("--model", options.model().toString()));
    }
    if (options.trace() != null) {
      cmd.addAll(List.of("--trace", options.trace().toString()));
    }
    cmd.addAll(options.extraArgs());
    return launch(cmd, dir, pty, options.trace(), control);
  }

  /**
   * Builds (if needed) the atmega2560 firmware and the simavr bridge, and runs the firmware
   * in simavr with UART0 on the pty; the trace (null for none) records the port pins with
   * the AVR's cycle count as the clock.
   */
  public static SimMcu startAvr(Path trace) throws IOException {
    Path elf = Firmware.build("atmega2560");
    Path bridge = Firmware.tool("simavr-bridge");
    Path dir = Files.createTempDirectory("escapement-avr");
    Path pty = dir.resolve("pty");
    List<String> cmd = new ArrayList<>(List.of(bridge.toString(), "-I", pty.toString()));
    if (trace != null) {
      cmd.addAll(List.of("--trace", trace.toString()));
    }
    cmd.add(elf.toString());
    return launch(cmd, dir, pty, trace, null);
  }

  private static SimMcu launch(List<String> cmd, Path dir, Path pty, Path trace, Path control)
      throws IOException {
    try {
      return new SimMcu(SimMcuProcess.start(cmd, pty), dir, pty, trace, control);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The serial port to open (a symlink to the pseudo-terminal). */
  public Path pty() {
    return pty;
  }

  /** The trace file, or null. */
  public Path trace() {
    return trace;
  }

  /**
   * Sends one control command to the sim MCU's physics ({@code fault extruder open},
   * {@code temperature bed 60}, {@code position x 10}, {@code report}; see docs/sim-mcu.md).
   * Commands it cannot understand are reported in {@link #output()}.
   */
  public void control(String command) throws IOException {
    if (control == null) {
      throw new IllegalStateException("only the sim MCU has a control FIFO");
    }
    Files.writeString(control, command + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** What the process printed (its shutdown reasons, control errors), last lines. */
  public List<String> output() {
    return process.output();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the process (its trace is flushed and complete afterwards). */
  @Override
  public void close() {
    process.close();
    try {
      deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
