package org.escapement.host.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Facts about the machine for the top of the log: CPU and kernel, as klippy reports them. */
public final class HostInfo {
  private HostInfo() {}

  /** {@code 4 core ARMv7 Processor rev 3 (v7l)}; {@code ?} where /proc says nothing. */
  public static String cpu() {
    int cores = Runtime.getRuntime().availableProcessors();
    String model = "?";
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String l : lines) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).strip().equals("model name")) {
          model = l.substring(colon + 1).strip();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: leave the model out
    }
    return cores + " core " + model;
  }

  /** The kernel's own description ({@code /proc/version}), else the OS name and version. */
  public static String linux() {
    try {
      return Files.readString(Path.of("/proc/version")).strip();
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
  }

  /** The Java runtime, like the Python line of klippy's log. */
  public static String java() {
    return "'" + System.getProperty("java.vm.name") + " " + Runtime.version() + "'";
  }
}
