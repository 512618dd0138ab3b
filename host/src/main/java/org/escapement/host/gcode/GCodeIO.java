package org.escapement.host.gcode;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.regex.Pattern;
import org.escapement.host.gcode.template.PyRepr;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.reactor.Reactor;

/**
 * Feeds G-code from an input (file, console, pty) to the dispatcher, line by line, in order.
 * M112 jumps the queue: it acts the moment it arrives, ahead of lines still waiting. A file
 * starts when the printer is ready and ends the run when its last command is done; a stream
 * can talk to the printer before that (STATUS, RESTART) and gets {@code ok} for every line.
 * When a command ends the run (RESTART), the lines after it wait for the next run.
 * The last blocks read are kept for the log's shutdown dump.
 */
public final class GCodeIO implements StatsSource {
  private static final System.Logger LOG = System.getLogger("gcode");
  private static final Pattern M112 = Pattern.compile("^(?:[nN][0-9]+)?\\s*[mM]112(?:\\s|$)");
  private static final int INPUT_LOG_BLOCKS = 50;

  private record Block(double eventtime, String data) {}

  private final Printer printer;
  private final GCodeDispatch gcode;
  private final GCodeInput input;
  private final ArrayDeque<Block> inputLog = new ArrayDeque<>();
  private boolean processing;
  private volatile long bytesRead;

  public GCodeIO(Printer printer, GCodeDispatch gcode, GCodeInput input) {
    this.printer = printer;
    this.gcode = gcode;
    this.input = input;
    printer.onEvent(Printer.Event.ANALYZE_SHUTDOWN, this::dumpInput);
    if (input instanceof GCodeInput.Stream stream) {
      gcode.addOutput(stream::write);
      Reactor reactor = printer.reactor();
      // The lines go into the input at once (on the reader thread), so none is lost if
      // this run ends before the reactor gets to them: the next run takes them over.
      stream.attach(chunk -> {
        String text = input.add(chunk);
        reactor.post(() -> received(text, chunk.length));
      });
      printer.onEvent(Printer.Event.DISCONNECT, stream::detach);
      if (input.backlog() > 0) {
        reactor.post(this::startProcessing); // lines left by the previous run
      }
    } else if (input instanceof GCodeInput.File file) {
      printer.onEvent(Printer.Event.READY, () -> printer.reactor().spawn(() -> readFile(file)));
    }
  }

  /** A file: read a chunk, run its lines, repeat; at the end wait for the printer to finish. */
  private void readFile(GCodeInput.File file) {
    runLines(false); // left over from before a RESTART
    while (printer.exitResult() == null) {
      byte[] chunk;
      try {
        chunk = file.read();
      } catch (IOException e) {
        gcode.respondError("Unable to read " + file.path() + ": " + e.getMessage());
        return;
      }
      byte[] data = chunk == null ? new byte[0] : chunk;
      logInput(input.add(data), data.length);
      runLines(false);
      if (chunk == null) {
        // Klipper handles end of file in the same read as its last (empty) chunk: no timers
        // run between the last lines and the exit's final flush.
        if (input.backlog() == 0) {
          finish();
        }
        return;
      }
      // Between chunks the reactor runs what is due (step flushing), as between reads of a
      // file descriptor; batch output depends on this order.
      printer.reactor().pause(Reactor.NOW);
    }
  }

  /** A chunk from a stream, already added to the input, on the reactor. */
  private void received(String text, int bytes) {
    logInput(text, bytes);
    for (String line : text.split("\n")) {
      if (M112.matcher(line).find()) {
        printer.invokeShutdown("Shutdown due to M112 command");
      }
    }
    startProcessing();
  }

  private void startProcessing() {
    reportBacklog();
    if (!processing && printer.exitResult() == null) {
      processing = true;
      printer.reactor().spawn(() -> {
        try {
          runLines(true);
        } finally {
          processing = false;
          reportBacklog();
        }
        if (input.ended() && input.backlog() == 0) {
          finish();
        }
      });
    }
  }

  private void logInput(String text, int bytes) {
    bytesRead += bytes;
    if (bytes > 0) {
      inputLog.addLast(new Block(printer.reactor().monotonic(), text));
      if (inputLog.size() > INPUT_LOG_BLOCKS) {
        inputLog.removeFirst();
      }
    }
  }

  /**
   * Runs waiting lines one by one, taking turns with other G-code sources (macros, timers,
   * the API) between bursts; stops where a command ended the run.
   */
  private void runLines(boolean needAck) {
    while (input.backlog() > 0 && printer.exitResult() == null) {
      gcode.mutex().lock();
      try {
        String line;
        while (printer.exitResult() == null && (line = input.nextLine()) != null) {
          reportBacklog();
          gcode.process(java.util.List.of(line), needAck);
        }
      } catch (CommandError e) {
        return; // reported already; from a file, the run is over
      } finally {
        gcode.mutex().unlock();
      }
    }
  }

  private void reportBacklog() {
    if (input instanceof GCodeInput.Stream stream) {
      stream.setBacklog(input.backlog());
    }
  }

  /** End of input: once everything queued has finished, the run ends. */
  private void finish() {
    Reactor reactor = printer.reactor();
    while (!printer.inputDone() && printer.exitResult() == null) {
      reactor.pause(reactor.monotonic() + 0.010);
    }
    if (printer.exitResult() == null) {
      gcode.requestRestart("exit");
    }
  }

  private void dumpInput() {
    StringBuilder sb = new StringBuilder("Dumping gcode input ").append(inputLog.size())
        .append(" blocks");
    for (Block b : inputLog) {
      sb.append(String.format(Locale.ROOT, "\nRead %f: %s", b.eventtime(),
          PyRepr.repr(b.data())));
    }
    LOG.log(System.Logger.Level.INFO, sb.toString());
  }

  /** Bytes of G-code read so far (any thread may ask). */
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public Stats stats(double eventtime) {
    return new Stats(false, "gcodein=" + bytesRead);
  }
}
