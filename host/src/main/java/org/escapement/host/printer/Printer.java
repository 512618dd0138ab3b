package org.escapement.host.printer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.escapement.host.config.ConfigError;
import org.escapement.host.reactor.Reactor;

/**
 * The printer: the registry of its parts by name (one per config section, plus a few built
 * in), the lifecycle events they subscribe to, and its state (starting, ready, shut down).
 * Everything here runs on the reactor.
 */
public final class Printer {
  /** Lifecycle events, in the order a session goes through them. */
  public enum Event {
    /** MCUs identified: objects may look up MCU constants. */
    MCU_IDENTIFY,
    /** Configure MCUs and other hardware. */
    CONNECT,
    /** Everything is up; printing may start. */
    READY,
    /** Something went wrong; outputs go to their safe state. */
    SHUTDOWN,
    /** After SHUTDOWN: write what led to it into the log (sent messages, G-code input). */
    ANALYZE_SHUTDOWN,
    /** FIRMWARE_RESTART: reset the MCUs before the host restarts. */
    FIRMWARE_RESTART,
    /** The host is stopping (restart or exit). */
    DISCONNECT
  }

  /** As reported to users and API clients ({@code printer.webhooks.state}). */
  public enum State {
    STARTUP, READY, ERROR, SHUTDOWN;

    public String apiName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final String MESSAGE_READY = "Printer is ready";
  public static final String MESSAGE_STARTUP = "Printer is not ready\n"
      + "The klippy host software is attempting to connect.  Please\n"
      + "retry in a few moments.";
  public static final String MESSAGE_RESTART = "Once the underlying issue is corrected, use "
      + "the \"RESTART\"\ncommand to reload the config and restart the host software.\n"
      + "Printer is halted";
  public static final String MESSAGE_FIRMWARE_RESTART = "Once the underlying issue is "
      + "corrected, use the\n\"FIRMWARE_RESTART\" command to reset the firmware, reload the\n"
      + "config, and restart the host software.\nPrinter is shutdown";

  private static final System.Logger LOG = System.getLogger("printer");

  private final Reactor reactor;
  private final StartOptions options;
  private final Map<String, Object> objects = new LinkedHashMap<>();
  private final Map<Event, List<Runnable>> handlers = new LinkedHashMap<>();
  private final Map<String, List<Consumer<Object>>> namedHandlers = new LinkedHashMap<>();
  private final List<java.util.function.BooleanSupplier> inputDoneChecks = new ArrayList<>();
  private State state = State.STARTUP;
  private String stateMessage = MESSAGE_STARTUP;
  private String exitResult;
  private final List<Consumer<String>> exitListeners = new ArrayList<>();

  /** A printer for tests and tools: live, no input file. */
  public Printer(Reactor reactor) {
    this(reactor, StartOptions.live(null));
  }

  public Printer(Reactor reactor, StartOptions options) {
    this.reactor = reactor;
    this.options = options;
  }

  public Reactor reactor() {
    return reactor;
  }

  /** How the host was started (batch mode, input file, ...). */
  public StartOptions startOptions() {
    return options;
  }

  // ---- objects ----

  public void addObject(String name, Object object) {
    if (objects.containsKey(name)) {
      throw new ConfigError("Printer object '" + name + "' already created");
    }
    objects.put(name, object);
  }

  public boolean hasObject(String name) {
    return objects.containsKey(name);
  }

  /** The object, or a config error naming what is missing. */
  public <T> T lookupObject(String name, Class<T> type) {
    Object o = objects.get(name);
    if (o == null) {
      throw new ConfigError("Unknown config object '" + name + "'");
    }
    return type.cast(o);
  }

  public <T> T lookupObjectOrNull(String name, Class<T> type) {
    Object o = objects.get(name);
    return type.isInstance(o) ? type.cast(o) : null;
  }

  /** Objects whose name is {@code prefix} or starts with {@code prefix + " "}, in load order. */
  public <T> Map<String, T> lookupObjects(String prefix, Class<T> type) {
    Map<String, T> out = new LinkedHashMap<>();
    objects.forEach((name, o) -> {
      if ((prefix.isEmpty() || name.equals(prefix) || name.startsWith(prefix + " "))
          && type.isInstance(o)) {
        out.put(name, type.cast(o));
      }
    });
    return out;
  }

  public Map<String, Object> objects() {
    return java.util.Collections.unmodifiableMap(objects);
  }

  // ---- events ----

  public void onEvent(Event event, Runnable handler) {
    handlers.computeIfAbsent(event, e -> new ArrayList<>()).add(handler);
  }

  /** A module-defined event ({@code gcode:command_error}, ...), with one argument. */
  public void onEvent(String event, Consumer<Object> handler) {
    namedHandlers.computeIfAbsent(event, e -> new ArrayList<>()).add(handler);
  }

  public void sendEvent(Event event) {
    for (Runnable h : new ArrayList<>(handlers.getOrDefault(event, List.of()))) {
      h.run();
    }
  }

  public void sendEvent(String event, Object arg) {
    for (Consumer<Object> h : new ArrayList<>(namedHandlers.getOrDefault(event, List.of()))) {
      h.accept(arg);
    }
  }

  // ---- state ----

  public State state() {
    return state;
  }

  public boolean isShutdown() {
    return state == State.SHUTDOWN;
  }

  public boolean isReady() {
    return state == State.READY;
  }

  /** What to tell a user asking why the printer is not ready. */
  public String stateMessage() {
    return stateMessage;
  }

  public void setReady() {
    state = State.READY;
    stateMessage = MESSAGE_READY;
    sendEvent(Event.READY);
  }

  /**
   * Startup failed (config, MCU): the printer stays up but not ready, saying why, until a
   * RESTART. A run from an input file ends here instead.
   */
  public void setError(String message) {
    LOG.log(System.Logger.Level.ERROR, message);
    state = State.ERROR;
    stateMessage = message.stripTrailing() + "\n" + MESSAGE_RESTART;
    if (options.input() != null) {
      requestExit("error_exit");
    }
  }

  /**
   * Something that must be idle before a G-code file run may end (the toolhead with queued
   * moves, a print from virtual SD): checked until all say yes.
   */
  public void addInputDoneCheck(java.util.function.BooleanSupplier idle) {
    inputDoneChecks.add(idle);
  }

  /** Are all the parts that must finish before an input file's run ends idle? */
  public boolean inputDone() {
    boolean all = true;
    for (var check : inputDoneChecks) {
      all &= check.getAsBoolean();
    }
    return all;
  }

  /**
   * Shuts the printer down (outputs to safe states via the SHUTDOWN handlers). Safe to call
   * again; only the first reason is kept.
   */
  public void invokeShutdown(String message) {
    if (state == State.SHUTDOWN) {
      return;
    }
    LOG.log(System.Logger.Level.ERROR, "Transition to shutdown state: " + message);
    state = State.SHUTDOWN;
    stateMessage = message + "\n" + MESSAGE_FIRMWARE_RESTART;
    // Every handler runs, whatever the others do: each one makes its own outputs safe.
    for (Event e : List.of(Event.SHUTDOWN, Event.ANALYZE_SHUTDOWN)) {
      for (Runnable h : new ArrayList<>(handlers.getOrDefault(e, List.of()))) {
        try {
          h.run();
        } catch (RuntimeException ex) {
          LOG.log(System.Logger.Level.ERROR, "Exception in " + e + " handler", ex);
        }
      }
    }
  }

  /** From any thread: shut down on the reactor. */
  public void invokeAsyncShutdown(String message) {
    reactor.post(() -> invokeShutdown(message));
  }

  /** Asks the host to stop: {@code exit}, {@code error_exit}, {@code restart}... */
  public void requestExit(String result) {
    if (exitResult == null) {
      exitResult = result;
      exitListeners.forEach(l -> l.accept(result));
    }
  }

  public String exitResult() {
    return exitResult;
  }

  public void onExit(Consumer<String> listener) {
    exitListeners.add(listener);
  }
}
