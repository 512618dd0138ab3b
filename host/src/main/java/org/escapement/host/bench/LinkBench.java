package org.escapement.host.bench;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuCommand;
import org.escapement.host.mcu.McuQuery;
import org.escapement.host.mcu.Response;
import org.escapement.host.reactor.Reactor;

/** Measurements of an MCU link, run in a fiber on a connected {@link Mcu}. */
public final class LinkBench {
  private LinkBench() {}

  /** A flood of commands and how long the MCU took to run them all. */
  public record Flood(int commands, double seconds, long bytesWritten, long bytesRetransmitted) {
    public double commandsPerSecond() {
      return commands / seconds;
    }
  }

  /**
   * Queues {@code count} {@code debug_nop} commands as fast as possible and waits for a query
   * sent after them to come back: by then the MCU has run them all (one queue, in order).
   */
  public static Flood flood(Reactor reactor, Mcu mcu, int count) {
    McuCommand nop = mcu.lookupCommand("debug_nop");
    McuQuery uptime = mcu.lookupQuery("get_uptime", "uptime high=%u clock=%u", null);
    String before = mcu.link().stats();
    double start = reactor.monotonic();
    for (int i = 0; i < count; i++) {
      nop.send();
    }
    uptime.send();
    double took = reactor.monotonic() - start;
    String after = mcu.link().stats();
    return new Flood(count, took, field(after, "bytes_write") - field(before, "bytes_write"),
        field(after, "bytes_retransmit") - field(before, "bytes_retransmit"));
  }

  static long field(String stats, String name) {
    for (String part : stats.split(" ")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new IllegalArgumentException("no " + name + " in " + stats);
  }

  /**
   * Clock-sync accuracy, measured out of sample: every {@code period} s a {@code get_clock}
   * query (whose answer does not feed the regression) is compared with the host's estimate of
   * the MCU clock at the middle of that round trip. The MCU read its clock somewhere in the
   * round trip, so each sample is exact to within half its round-trip time.
   *
   * @param errorsUs filled with one error (µs, estimate minus MCU) per sample
   * @param rttsUs filled with each sample's round-trip time (µs)
   */
  public static void clockError(Reactor reactor, Mcu mcu, double seconds, double period,
      List<Double> errorsUs, List<Double> rttsUs) {
    McuQuery getClock = mcu.lookupQuery("get_clock", "clock clock=%u", null);
    double end = reactor.monotonic() + seconds;
    while (reactor.monotonic() < end) {
      reactor.pause(reactor.monotonic() + period);
      double queued = reactor.monotonic();
      Response r = getClock.send();
      // sentTime is when the block carrying the query reached the MCU (0 if it was resent).
      double sent = r.sentTime() > 0 ? r.sentTime() : queued;
      double received = r.receiveTime();
      long mcuClock = mcu.clock().extend(r.getLong("clock"));
      double mid = (sent + received) / 2;
      long estimate = mcu.clock().clockAt(mid);
      double freq = mcu.clock().mcuFreq();
      errorsUs.add((estimate - mcuClock) / freq * 1e6);
      rttsUs.add((received - sent) * 1e6);
    }
  }

  /** The value at quantile {@code q} (0..1) of {@code values}. */
  public static double quantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }
}
