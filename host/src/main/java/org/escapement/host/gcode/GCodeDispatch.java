package org.escapement.host.gcode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.escapement.host.config.ConfigError;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.ReactorMutex;

/**
 * Runs G-code: parses each line, finds its handler and answers the way Klipper does ({@code
 * ok}, {@code // info}, {@code !! error}). Traditional commands ({@code G1 X10}) take letter
 * parameters; extended ones ({@code SET_FAN_SPEED FAN=part SPEED=0.5}) take {@code KEY=VALUE}
 * words. Until the printer is ready only a few commands exist; unknown commands are reported,
 * not fatal. An error in a script stops the script; from a file input, it ends the run.
 */
public final class GCodeDispatch implements StatusProvider {
  /** A command's code. */
  @FunctionalInterface
  public interface Handler {
    void run(GCodeCommand cmd);
  }

  private static final System.Logger LOG = System.getLogger("gcode");

  private record Mux(String key, Map<String, Handler> byValue) {}

  private final Printer printer;
  private final ReactorMutex mutex;
  private final boolean fileInput;
  private final String version;
  private final Map<String, Handler> readyHandlers = new LinkedHashMap<>();
  private final Map<String, Handler> baseHandlers = new LinkedHashMap<>();
  private Map<String, Handler> active = baseHandlers;
  private final Map<String, String> help = new TreeMap<>();
  private final Map<String, Mux> mux = new LinkedHashMap<>();
  private final List<Consumer<String>> outputs = new ArrayList<>();
  private boolean ready;

  /**
   * @param fileInput G-code comes from a file given on the command line: an error ends the run
   * @param version reported by M115
   */
  public GCodeDispatch(Printer printer, boolean fileInput, String version) {
    this.printer = printer;
    this.mutex = new ReactorMutex(printer.reactor());
    this.fileInput = fileInput;
    this.version = version;
    printer.onEvent(Printer.Event.READY, () -> {
      ready = true;
      active = readyHandlers;
      respondInfo("Klipper state: Ready");
    });
    printer.onEvent(Printer.Event.SHUTDOWN, () -> {
      if (ready) {
        ready = false;
        active = baseHandlers;
        respondInfo("Klipper state: Shutdown");
      }
      if (fileInput) {
        printer.requestExit("error_exit");
      }
    });
    register("M110", c -> {}, true, null); // line numbers are ignored
    register("M112", c -> printer.invokeShutdown("Shutdown due to M112 command"), true, null);
    register("M115", this::cmdM115, true, null);
    register("RESTART", c -> requestRestart("restart"), true,
        "Reload config file and restart host software");
    register("FIRMWARE_RESTART", c -> requestRestart("firmware_restart"), true,
        "Restart firmware, host, and reload config");
    register("ECHO", c -> c.respondInfo(c.commandLine()), true, null);
    register("STATUS", this::cmdStatus, true, "Report the printer status");
    register("HELP", this::cmdHelp, true,
        "Report the list of available extended G-Code commands");
  }

  public ReactorMutex mutex() {
    return mutex;
  }

  public boolean isReady() {
    return ready;
  }

  // ---- registration ----

  /** A command is traditional when it is a letter and a number ({@code G1}, {@code M104}). */
  static boolean isTraditional(String cmd) {
    String first = cmd.toUpperCase(Locale.ROOT).split("\\s+")[0];
    if (first.length() < 2 || !Character.isUpperCase(first.charAt(0))
        || !Character.isDigit(first.charAt(1))) {
      return false;
    }
    try {
      Double.parseDouble(first.substring(1));
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Registers {@code cmd}.
   *
   * @param whenNotReady also available before the printer is ready (and after shutdown)
   * @param description shown by HELP; null hides the command there
   */
  public void register(String cmd, Handler handler, boolean whenNotReady, String description) {
    if (readyHandlers.containsKey(cmd)) {
      throw new ConfigError("gcode command " + cmd + " already registered");
    }
    Handler h = handler;
    if (!isTraditional(cmd)) {
      if (!cmd.equals(cmd.toUpperCase(Locale.ROOT)) || cmd.isEmpty()
          || !cmd.replace('_', 'A').chars().allMatch(Character::isLetterOrDigit)
          || Character.isDigit(cmd.charAt(0))
          || (cmd.length() > 1 && Character.isDigit(cmd.charAt(1)))) {
        throw new ConfigError("Can't register '" + cmd + "' as it is an invalid name");
      }
      h = c -> {
        c.params().clear();
        c.params().putAll(ExtendedParams.parse(c.rawParameters(), c.commandLine()));
        handler.run(c);
      };
    }
    readyHandlers.put(cmd, h);
    if (whenNotReady) {
      baseHandlers.put(cmd, h);
    }
    if (description != null) {
      help.put(cmd, description);
    }
  }

  /** Removes a command; returns its handler (null if none), for macros that rename it. */
  public Handler unregister(String cmd) {
    Handler old = readyHandlers.remove(cmd);
    baseHandlers.remove(cmd);
    help.remove(cmd);
    return old;
  }

  /** Every registered command name (once the printer is ready), in registration order. */
  public java.util.Set<String> commands() {
    return java.util.Collections.unmodifiableSet(readyHandlers.keySet());
  }

  /** The handler registered for {@code cmd}, or null. */
  public Handler handler(String cmd) {
    return readyHandlers.get(cmd);
  }

  /**
   * One command name shared by several objects, chosen by a parameter ({@code SET_FAN_SPEED
   * FAN=part}); {@code value} null is the default when the parameter is missing.
   */
  public void registerMux(String cmd, String key, String value, Handler handler,
      String description) {
    Mux m = mux.get(cmd);
    if (m == null) {
      m = new Mux(key, new LinkedHashMap<>());
      mux.put(cmd, m);
      Mux fm = m;
      register(cmd, c -> runMux(cmd, fm, c), false, description);
    }
    if (!m.key().equals(key)) {
      throw new ConfigError("mux command " + cmd + " " + key + " " + value
          + " may have only one key (" + m.key() + ")");
    }
    if (m.byValue().containsKey(value)) {
      throw new ConfigError("mux command " + cmd + " " + key + " " + value
          + " already registered (" + m.byValue().keySet() + ")");
    }
    m.byValue().put(value, handler);
  }

  private void runMux(String cmd, Mux m, GCodeCommand c) {
    String v = m.byValue().containsKey(null) ? c.get(m.key(), null) : c.get(m.key());
    Handler h = m.byValue().get(v);
    if (h == null) {
      List<String> options = new ArrayList<>();
      String guess = "";
      for (String known : m.byValue().keySet()) {
        if (known == null) {
          continue;
        }
        options.add("'" + known + "'");
        if (!v.isEmpty() && known.contains(v)) {
          guess = ". Did you mean '" + known + "'?";
        }
      }
      if (guess.isEmpty()) {
        guess = ". Options: " + String.join(", ", options);
      }
      throw c.error("The value '" + v + "' is not valid for " + m.key() + guess);
    }
    h.run(c);
  }

  /**
   * A command to hand to a handler directly (a wrapper calling the command it replaced, as
   * [safe_z_home] calls the original G28); {@code params} by upper-case name.
   */
  public GCodeCommand createCommand(String command, String commandLine,
      Map<String, String> params) {
    return new GCodeCommand(this, command, commandLine, new LinkedHashMap<>(params), false);
  }

  // ---- running ----

  /** Runs a script in the current fiber, taking turns with other sources. Errors propagate. */
  public void runScript(String script) {
    mutex.lock();
    try {
      process(List.of(script.split("\n", -1)), false);
    } finally {
      mutex.unlock();
    }
  }

  /** Runs a script from inside a command (the caller already holds the turn). */
  public void runScriptFromCommand(String script) {
    process(List.of(script.split("\n", -1)), false);
  }

  /**
   * Runs lines from an input (console, file, pty). With {@code needAck} each line gets its
   * "ok" and an error is reported and the next line runs; without, the first error propagates.
   */
  public void process(List<String> lines, boolean needAck) {
    for (String line : lines) {
      GCodeParser.Line parsed = GCodeParser.parse(line);
      GCodeCommand cmd = new GCodeCommand(this, parsed.command(), parsed.original(),
          parsed.params(), needAck);
      Handler h = active.get(parsed.command());
      try {
        if (h != null) {
          h.run(cmd);
        } else {
          runDefault(cmd);
        }
      } catch (CommandError | org.escapement.host.mcu.McuException e) {
        // An MCU that stopped answering fails the command, as any error does; the MCU's
        // own shutdown (if that is why) is reported separately.
        respondError(e.getMessage());
        printer.sendEvent("gcode:command_error", e.getMessage());
        if (!needAck) {
          throw e instanceof CommandError ce ? ce : new GCodeError(e.getMessage());
        }
      } catch (org.escapement.host.reactor.ReactorClosedException e) {
        throw e;
      } catch (RuntimeException e) {
        String msg = "Internal error on command:\"" + parsed.command() + "\"";
        LOG.log(System.Logger.Level.ERROR, msg, e);
        printer.invokeShutdown(msg);
        respondError(msg);
        if (!needAck) {
          throw new GCodeError(msg);
        }
      }
      cmd.ack(null);
    }
  }

  private void runDefault(GCodeCommand c) {
    String cmd = c.command();
    if (cmd.equals("M105")) {
      c.ack("T:0"); // no heaters (yet): answer temperature polls anyway
      return;
    }
    if (cmd.equals("M21")) {
      return;
    }
    if (!ready) {
      throw c.error(printer.stateMessage());
    }
    if (cmd.isEmpty()) {
      return;
    }
    if (cmd.contains(" ")) {
      // M117/M118 followed by text that parsed as part of the command
      String real = cmd.split(" ")[0];
      if (List.of("M117", "M118", "M23").contains(real) && active.containsKey(real)) {
        c.setCommand(real);
        active.get(real).run(c);
        return;
      }
    } else if ((cmd.equals("M140") || cmd.equals("M104")) && c.getFloat("S", 0.0) == 0) {
      return; // turning off a heater that does not exist
    } else if (cmd.equals("M107") || (cmd.equals("M106")
        && (c.getFloat("S", 1.0) == 0 || fileInput))) {
      return; // a fan command without a fan
    }
    c.respondInfo("Unknown command:\"" + cmd + "\"");
  }

  // ---- answers ----

  public void addOutput(Consumer<String> listener) {
    outputs.add(listener);
  }

  public void respondRaw(String message) {
    for (Consumer<String> o : outputs) {
      o.accept(message);
    }
  }

  public void respondInfo(String message) {
    List<String> lines = new ArrayList<>();
    for (String l : message.strip().split("\n")) {
      lines.add(l.strip());
    }
    respondRaw("// " + String.join("\n// ", lines));
  }

  public void respondError(String message) {
    LOG.log(System.Logger.Level.WARNING, message);
    String[] lines = message.strip().split("\n");
    if (lines.length > 1) {
      respondInfo(message);
    }
    respondRaw("!! " + lines[0].strip());
    if (fileInput) {
      printer.requestExit("error_exit");
    }
  }

  /**
   * Ends the run ({@code exit}, {@code restart}, {@code firmware_restart}) once queued motion
   * has finished: motors off, half a second, then wait for the MCUs to catch up.
   */
  public void requestRestart(String result) {
    Toolhead toolhead = printer.lookupObjectOrNull("toolhead", Toolhead.class);
    if (ready && toolhead != null) {
      double printTime = toolhead.lastMoveTime();
      if (result.equals("exit")) {
        LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
            "Exiting (print time %.3fs)", printTime));
      }
      printer.sendEvent("gcode:request_restart", printTime);
      toolhead.dwell(0.500);
      toolhead.waitMoves();
    }
    printer.requestExit(result);
  }

  // ---- built-in commands ----

  private void cmdM115(GCodeCommand c) {
    String msg = "FIRMWARE_NAME:Klipper FIRMWARE_VERSION:escapement-" + version;
    if (!c.ack(msg)) {
      c.respondInfo(msg);
    }
  }

  private void cmdStatus(GCodeCommand c) {
    if (ready) {
      c.respondInfo("Klipper state: Ready");
      return;
    }
    throw c.error(printer.stateMessage().stripTrailing() + "\nKlipper state: Not ready");
  }

  private void cmdHelp(GCodeCommand c) {
    List<String> out = new ArrayList<>();
    if (!ready) {
      out.add("Printer is not ready - not all commands available.");
    }
    out.add("Available extended commands:");
    new TreeMap<>(active).keySet().forEach(cmd -> {
      if (help.containsKey(cmd)) {
        out.add(String.format("%-10s: %s", cmd, help.get(cmd)));
      }
    });
    c.respondInfo(String.join("\n", out));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> commands = new TreeMap<>();
    active.keySet().forEach(cmd -> commands.put(cmd,
        help.containsKey(cmd) ? Map.of("help", help.get(cmd)) : Map.of()));
    return Map.of("commands", commands);
  }
}
