package org.escapement.host.modules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.reactor.Reactor;

/**
 * The log's {@code Stats} line: once a second, while any part is active (moving, heating,
 * printing), every part's fragment on one line, in the order the parts were created.
 * Klipper's graphstats.py and logextract.py read these lines. Not in batch mode.
 */
public final class StatisticsModule {
  private static final System.Logger LOG = System.getLogger("statistics");
  private final Printer printer;
  private List<StatsSource> sources = List.of();

  public StatisticsModule(Printer printer) {
    this.printer = printer;
    printer.onEvent(Printer.Event.READY, this::start);
  }

  private void start() {
    List<StatsSource> found = new ArrayList<>();
    printer.objects().values().forEach(o -> {
      if (o instanceof StatsSource s) {
        found.add(s);
      }
    });
    sources = found;
    if (!printer.startOptions().isBatch()) {
      Reactor reactor = printer.reactor();
      reactor.registerTimer(this::logStats, Reactor.NOW);
    }
  }

  private double logStats(double eventtime) {
    String line = line(eventtime);
    if (line != null) {
      LOG.log(System.Logger.Level.INFO, line);
    }
    return eventtime + 1.0;
  }

  /** The Stats line for now, or null when nothing is active. */
  String line(double eventtime) {
    boolean active = false;
    List<String> parts = new ArrayList<>();
    for (StatsSource s : sources) {
      StatsSource.Stats st = s.stats(eventtime);
      active |= st.active();
      if (!st.text().isEmpty()) {
        parts.add(st.text());
      }
    }
    return active ? String.format(Locale.ROOT, "Stats %.1f: %s", eventtime,
        String.join(" ", parts)) : null;
  }
}
