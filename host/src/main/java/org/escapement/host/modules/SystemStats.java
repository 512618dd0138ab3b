package org.escapement.host.modules;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/** {@code system_stats}: load average, the host's CPU time and available memory. */
public final class SystemStats implements StatsSource, StatusProvider {
  private static final Path MEMINFO = Path.of("/proc/meminfo");
  private double loadAvg;
  private double cpuTime;
  private long memAvail;

  @Override
  public Stats stats(double eventtime) {
    loadAvg = Math.max(0, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpuTime = os.getProcessCpuTime() / 1e9;
    }
    String text = String.format(Locale.ROOT, "sysload=%.2f cputime=%.3f", loadAvg, cpuTime);
    Long mem = memAvailable();
    if (mem != null) {
      memAvail = mem;
      text += " memavail=" + mem;
    }
    return new Stats(false, text);
  }

  /** MemAvailable from /proc/meminfo, in kB; null where there is none. */
  private static Long memAvailable() {
    try {
      List<String> lines = Files.readAllLines(MEMINFO);
      for (String l : lines) {
        if (l.startsWith("MemAvailable:")) {
          return Long.parseLong(l.split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: leave it out, as Klipper does
    }
    return null;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("sysload", loadAvg);
    s.put("cputime", cpuTime);
    s.put("memavail", memAvail);
    return s;
  }
}
