package org.escapement.host.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The host's log, in klippy.log's format: one plain message per line (no timestamps or
 * levels, so Klipper's log tools read it), written by a background thread so a slow disk
 * never stalls the reactor. The file is rotated when the host starts and at midnight,
 * keeping {@value #BACKUPS} old logs; after a midnight rotation the new file starts again
 * with the rollover information (versions, config, MCUs), so every file stands alone.
 *
 * <p>Without a file, warnings and errors go to standard error in the same format.
 */
public final class KlippyLog implements AutoCloseable {
  static final int BACKUPS = 5;
  private static final DateTimeFormatter ROTATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss", Locale.ROOT);
  private static final Object STOP = new Object();
  private static KlippyLog current;

  private final Path file;
  private final Clock clock;
  private final Handler handler;
  private final Map<String, String> rollover = new TreeMap<>();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  /** Whether rollover info is written when set (not on a quiet stderr). */
  private boolean echoRollover = true;
  private Writer out;
  private LocalDate day;

  private KlippyLog(Path file, Clock clock, Writer initial) {
    this.file = file;
    this.clock = clock;
    this.out = initial;
    this.day = LocalDate.now(clock);
    this.handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (isLoggable(record)) {
          queue.add(getFormatter().format(record));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    handler.setFormatter(new MessageOnly());
    writer = Thread.ofPlatform().daemon().name("log-writer").start(this::drain);
  }

  /**
   * Logs to {@code file} (rotating an existing one out of the way first).
   *
   * @param verbose also debug messages
   */
  public static KlippyLog toFile(Path file, boolean verbose) throws IOException {
    return toFile(file, verbose, Clock.systemDefaultZone());
  }

  static KlippyLog toFile(Path file, boolean verbose, Clock clock) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    if (Files.exists(file) && Files.size(file) > 0) {
      rotate(file, clock);
    }
    KlippyLog log = new KlippyLog(file, clock, open(file));
    log.install(verbose ? Level.FINE : Level.INFO);
    return log;
  }

  /** No file: warnings and errors (everything with {@code verbose}) to standard error. */
  public static KlippyLog toStderr(boolean verbose) {
    KlippyLog log = new KlippyLog(null, Clock.systemDefaultZone(),
        new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
    log.install(verbose ? Level.FINE : Level.WARNING);
    log.echoRollover = verbose;
    return log;
  }

  /** The log in use, if the host set one up (tests and tools may not). */
  public static KlippyLog current() {
    return current;
  }

  private void install(Level level) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.setLevel(level);
    handler.setLevel(level);
    root.addHandler(handler);
    current = this;
  }

  public Path file() {
    return file;
  }

  /**
   * Logs {@code info} and keeps it to repeat at the top of the next file after a rotation
   * (null forgets it). Names sort the repeated blocks.
   */
  public synchronized void setRolloverInfo(String name, String info, boolean log) {
    if (info == null) {
      rollover.remove(name);
      return;
    }
    rollover.put(name, info);
    if (log && echoRollover) {
      queue.add(info + "\n");
    }
  }

  public synchronized void clearRolloverInfo() {
    rollover.clear();
  }

  /** Writes out everything logged so far. */
  public void flush() {
    Object done = new Object();
    synchronized (done) {
      queue.add(done);
      try {
        done.wait(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    queue.add(STOP);
    try {
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Logger.getLogger("").removeHandler(handler);
    if (current == this) {
      current = null;
    }
  }

  private void drain() {
    try {
      while (true) {
        Object item = queue.take();
        if (item == STOP) {
          out.flush();
          if (file != null) {
            out.close();
          }
          return;
        }
        if (item instanceof String line) {
          if (file != null && !LocalDate.now(clock).equals(day)) {
            midnight();
          }
          out.write(line);
          if (queue.isEmpty()) {
            out.flush();
          }
        } else {
          out.flush();
          synchronized (item) {
            item.notifyAll();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      System.err.println("log: writing " + file + " failed: " + e.getMessage());
    }
  }

  private void midnight() throws IOException {
    out.close();
    rotate(file, clock);
    out = open(file);
    day = LocalDate.now(clock);
    List<String> lines;
    synchronized (this) {
      lines = new ArrayList<>(rollover.values());
    }
    lines.add("=============== Log rollover at " + asctime(ZonedDateTime.now(clock))
        + " ===============");
    out.write(String.join("\n", lines) + "\n");
  }

  private static Writer open(Path file) throws IOException {
    return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), StandardCharsets.UTF_8));
  }

  /** klippy.log becomes klippy.log.2026-11-21_14-07-00; the oldest beyond the last few go. */
  static void rotate(Path file, Clock clock) throws IOException {
    String stamp = LocalDateTime.now(clock).format(ROTATED);
    Path target = file.resolveSibling(file.getFileName() + "." + stamp);
    for (int i = 1; Files.exists(target); i++) {
      target = file.resolveSibling(file.getFileName() + "." + stamp + "." + i);
    }
    Files.move(file, target);
    String prefix = file.getFileName() + ".";
    List<Path> old;
    try (var s = Files.list(file.toAbsolutePath().getParent())) {
      old = s.filter(p -> p.getFileName().toString().startsWith(prefix)
              && p.getFileName().toString().substring(prefix.length()).matches(
                  "\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}(\\.\\d+)?"))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    }
    for (Path p : old.subList(Math.min(BACKUPS, old.size()), old.size())) {
      Files.deleteIfExists(p);
    }
  }

  /** Python's time.asctime(): {@code Sat Nov 21 14:07:00 2026}, day padded with a space. */
  public static String asctime(ZonedDateTime t) {
    return String.format(Locale.ROOT, "%s %s %2d %02d:%02d:%02d %d",
        t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT),
        t.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT),
        t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getYear());
  }

  /** The message alone, as Klipper logs it; a stack trace follows for unexpected errors. */
  static final class MessageOnly extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder sb = new StringBuilder(formatMessage(r)).append('\n');
      if (r.getThrown() != null) {
        StringWriter w = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(w));
        sb.append(w);
      }
      return sb.toString();
    }
  }
}
