package org.escapement.host.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The simulated MCU (the firmware built for the {@code sim} board) as a child process: built
 * with make when needed, started with its pty linked at a path of ours, stopped on close.
 */
public final class SimMcuProcess implements AutoCloseable {
  /**
   * How to run it.
   *
   * @param link where its pty appears (what the host opens)
   * @param speed simulated time runs this many times faster than wall time
   * @param model printer physics file, or null
   * @param trace where to record every pin change, or null
   */
  public record Options(Path link, double speed, Path model, Path trace) {
    public Options(Path link) {
      this(link, 1.0, null, null);
    }
  }

  private final Process process;
  private final Path link;
  private final ArrayDeque<String> output = new ArrayDeque<>();

  private SimMcuProcess(Process process, Path link) {
    this.process = process;
    this.link = link;
  }

  /**
   * Builds {@code mcu-firmware} for {@code configs/NAME.config} (make is incremental) and
   * returns the firmware executable.
   */
  public static Path build(Path home, String config) throws IOException {
    Path fw = home.resolve("mcu-firmware");
    runMake(fw, config + " firmware", List.of("KCONFIG_CONFIG=configs/" + config + ".config",
        "OUT=out/" + config + "/"));
    return fw.resolve("out/" + config + "/escapement.elf");
  }

  private static void runMake(Path fw, String what, List<String> args) throws IOException {
    Path log = Files.createTempFile("escapement-make", ".log");
    List<String> cmd = new ArrayList<>(List.of("make", "-C", fw.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    try {
      Process p = pb.start();
      if (!p.waitFor(600, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("building the " + what + " took over 10 minutes");
      }
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log);
        throw new IOException("building the " + what + " failed:\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while building the " + what, e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Builds the host tools of mcu-firmware (the simavr bridge, the console...). */
  public static Path buildTools(Path home) throws IOException {
    Path fw = home.resolve("mcu-firmware");
    runMake(fw, "tools", List.of("tools"));
    return fw.resolve("out/tools");
  }

  /** Starts the simulated MCU (the firmware built for the sim board). */
  public static SimMcuProcess start(Path elf, Options o) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(elf.toString(), "-I", o.link().toString()));
    if (o.speed() != 1.0) {
      cmd.addAll(List.of("--speed", Double.toString(o.speed())));
    }
    if (o.model() != null) {
      cmd.addAll(List.of("--model", o.model().toString()));
    }
    if (o.trace() != null) {
      cmd.addAll(List.of("--trace", o.trace().toString()));
    }
    return start(cmd, o.link());
  }

  /**
   * Starts AVR firmware in simavr through the bridge from {@link #buildTools}: UART0 on a pty
   * at {@code link}, the port pins traced to {@code trace} (null for none).
   */
  public static SimMcuProcess startAvr(Path tools, Path elf, Path link, Path trace)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(tools.resolve("simavr-bridge").toString(),
        "-I", link.toString()));
    if (trace != null) {
      cmd.addAll(List.of("--trace", trace.toString()));
    }
    cmd.add(elf.toString());
    return start(cmd, link);
  }

  /**
   * Starts {@code command}, a simulator that links its pty at {@code link} and says so on
   * stdout ("... linked at PATH"), and waits for that.
   */
  public static SimMcuProcess start(List<String> command, Path link) throws IOException {
    Files.deleteIfExists(link);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    SimMcuProcess sim = new SimMcuProcess(p, link);
    Object ready = new Object();
    boolean[] linked = {false};
    Thread.ofPlatform().daemon().name("sim-mcu output").start(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (sim.output) {
            sim.output.add(line);
            if (sim.output.size() > 200) {
              sim.output.poll();
            }
          }
          if (line.contains(" linked at ")) {
            synchronized (ready) {
              linked[0] = true;
              ready.notifyAll();
            }
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      synchronized (ready) {
        ready.notifyAll();
      }
    });
    long deadline = System.nanoTime() + 10_000_000_000L;
    synchronized (ready) {
      while (!linked[0] && p.isAlive() && System.nanoTime() < deadline) {
        try {
          ready.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!linked[0]) {
      sim.close();
      throw new IOException("the simulated MCU did not start: " + String.join("\n",
          sim.output()));
    }
    return sim;
  }

  /** The path to open as the MCU's serial port. */
  public String serialPath() {
    return link.toString();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** What the simulator printed (the last 200 lines). */
  public List<String> output() {
    synchronized (output) {
      return new ArrayList<>(output);
    }
  }

  /** Stops it (SIGTERM, then SIGKILL after 2 s). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
