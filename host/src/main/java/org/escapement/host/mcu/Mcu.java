package org.escapement.host.mcu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.escapement.host.mcu.transport.FileTransport;
import org.escapement.host.mcu.transport.Transport;
import org.escapement.host.mcu.transport.Transports;
import org.escapement.host.reactor.Reactor;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Message;
import org.escapement.protocol.MessageFormat;
import org.escapement.protocol.ProtocolException;
import org.escapement.protocol.UnknownEnumerationValueException;

/**
 * One micro-controller ({@code [mcu]} or {@code [mcu NAME]}): its connection, clock, and
 * configuration. Lifecycle, in fibers: {@link #identify()} (open the port, fetch the
 * dictionary, sync clocks), then modules allocate oids and add config commands, then {@link
 * #configure()} (send the configuration, or check it when the MCU kept it from an earlier
 * session). One instance serves one session; a host restart makes new ones.
 */
public final class Mcu implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("mcu");

  /** How a FIRMWARE_RESTART resets the board. */
  public enum RestartMethod {
    /** Toggle DTR, as an Arduino bootloader expects (the default for UARTs). */
    ARDUINO,
    /** The Fysetc Cheetah's RTS/DTR dance. */
    CHEETAH,
    /** The firmware's own {@code reset} / {@code config_reset} command. */
    COMMAND,
    /** Power-cycle the Raspberry Pi's USB hub. */
    RPI_USB
  }

  /**
   * Where and how to reach the MCU.
   *
   * @param serial device or pty path, or {@code tcp:HOST:PORT}
   * @param restartMethod null to pick from what the firmware offers
   * @param connectTimeout seconds to wait for the port to appear and for identify to finish
   */
  public record Settings(String serial, int baud, RestartMethod restartMethod,
      double connectTimeout) {
    public Settings(String serial) {
      this(serial, 250000, null, 5.0);
    }
  }

  /** Opens the byte pipe to the MCU; tests substitute their own. */
  @FunctionalInterface
  public interface TransportFactory {
    Transport open(Settings settings) throws IOException;

    TransportFactory DEFAULT = s -> Transports.open(s.serial(), s.baud(), s.connectTimeout());
  }

  /** Batch mode: commands go to {@code output}; the MCU is described by {@code dictionary}. */
  public record Batch(Path output, Dictionary dictionary) {}

  /** What the printer hears from an MCU. Called on the reactor. */
  public interface Listener {
    /** The MCU shut down (its reason is a firmware string such as "Timer too close"). */
    default void mcuShutdown(Mcu mcu, String reason) {}

    /** The host lost the MCU: no clock answers, or the device went away. */
    default void mcuLost(Mcu mcu, String message) {}
  }

  private static final String GET_CONFIG = "get_config";
  private static final String CONFIG_RESPONSE =
      "config is_config=%c crc=%u is_shutdown=%c move_count=%hu";
  /** Batch mode's stand-in for get_config: an unconfigured MCU with 500 move slots. */
  private static final int BATCH_MOVE_COUNT = 500;

  private final String name;
  private final Settings settings;
  private final Batch batch;
  private final Reactor reactor;
  private final ClockSync clock;
  private final TransportFactory transportFactory;
  private Listener listener = new Listener() {};

  private SerialLink link;
  private Dictionary dictionary;
  private Reactor.Timer clockTimer;
  private Reactor.Timer healthTimer;
  private CommandQueue clockQueue;
  private byte[] getClockCmd;

  // configuration
  private int oidCount;
  private final List<Runnable> configCallbacks = new ArrayList<>();
  private java.util.function.UnaryOperator<String> configRewriter = c -> c;
  private final List<String> configCmds = new ArrayList<>();
  private final List<String> restartCmds = new ArrayList<>();
  private final List<String> initCmds = new ArrayList<>();
  private boolean finalized;
  private long configCrc;
  private int reservedMoveSlots;
  private int moveCount;

  // state
  private boolean shutdown;
  private String shutdownReason = "";
  private boolean lost;
  /** Klipper's default [mcu] max_stepper_error: 25 us. */
  public static final double DEFAULT_MAX_STEPPER_ERROR = 0.000025;

  private double maxStepperError = DEFAULT_MAX_STEPPER_ERROR;
  private double taskAwake;
  private double taskAvg;
  private double taskStddev;

  private Mcu(String name, Settings settings, Batch batch, Reactor reactor, Mcu main,
      TransportFactory transportFactory) {
    this.name = name;
    this.settings = settings;
    this.batch = batch;
    this.reactor = reactor;
    this.clock = main == null ? new ClockSync() : new SecondaryClockSync(main.clock);
    this.transportFactory = transportFactory;
  }

  /** A live MCU; {@code main} is null for the main MCU, else the main MCU (for clock sync). */
  public static Mcu live(String name, Settings settings, Reactor reactor, Mcu main) {
    return live(name, settings, reactor, main, TransportFactory.DEFAULT);
  }

  public static Mcu live(String name, Settings settings, Reactor reactor, Mcu main,
      TransportFactory transportFactory) {
    return new Mcu(name, settings, null, reactor, main, transportFactory);
  }

  /** A batch-mode MCU writing to a file. */
  public static Mcu batch(String name, Batch batch, Reactor reactor, Mcu main) {
    return new Mcu(name, null, batch, reactor, main, null);
  }

  public String name() {
    return name;
  }

  public boolean isBatch() {
    return batch != null;
  }

  public void setListener(Listener listener) {
    this.listener = listener;
  }

  private String mcuQuoted() {
    return "MCU '" + name + "'";
  }

  private McuException error(String message) {
    return new McuException(message);
  }

  // ---- connect ----

  /**
   * Opens the connection, loads the dictionary and starts clock sync (in a fiber).
   *
   * @throws McuException saying what failed: the port, identify, the dictionary
   */
  public void identify() {
    if (batch != null) {
      Transport out;
      try {
        out = new FileTransport(batch.output());
      } catch (IOException e) {
        throw error("mcu '" + name + "': cannot write " + batch.output() + ": " + e.getMessage());
      }
      link = new SerialLink(name, reactor, out, true);
      link.setDictionary(batch.dictionary());
      dictionary = batch.dictionary();
      clock.startBatch(constantNumber("CLOCK_FREQ"));
    } else {
      link = new SerialLink(name, reactor, openTransport(), false);
      link.onDisconnect(this::linkLost);
      link.start();
      dictionary = link.identify(Math.max(settings.connectTimeout(), 1.0));
      startClockSync();
    }
    link.registerResponse("shutdown", null, this::handleShutdown);
    link.registerResponse("is_shutdown", null, this::handleShutdown);
    link.registerResponse("starting", null, r -> {
      if (!shutdown) {
        lose(mcuQuoted() + " spontaneous restart");
      }
    });
    link.registerResponse("stats", null, this::handleStats);
    LOG.log(System.Logger.Level.INFO, logInfo());
  }

  private Transport openTransport() {
    double deadline = reactor.monotonic() + settings.connectTimeout();
    while (true) {
      try {
        return transportFactory.open(settings);
      } catch (IOException e) {
        if (reactor.monotonic() + 0.5 > deadline) {
          throw error("mcu '" + name + "': " + e.getMessage());
        }
        reactor.pause(reactor.monotonic() + 0.5); // the device may still be enumerating
      }
    }
  }

  private void startClockSync() {
    double freq = constantNumber("CLOCK_FREQ");
    McuQuery uptime = lookupQuery("get_uptime", "uptime high=%u clock=%u", null);
    Response up = uptime.send();
    clock.setSink(link::setClockEstimate);
    // If the query had to be resent its send time is unknown (0); the arrival of the answer
    // is then the best guess, off by at most a round trip, which the samples below correct.
    double seedTime = up.sentTime() > 0 ? up.sentTime() : up.receiveTime();
    clock.start(freq, (up.getLong("high") << 32) | up.getLong("clock"), seedTime);
    McuQuery getClock = lookupQuery("get_clock", "clock clock=%u", null);
    for (int i = 0; i < 8; i++) {
      reactor.pause(reactor.monotonic() + 0.050);
      clock.forgiveNextSample();
      Response r = getClock.send();
      clock.handleClock(r.getLong("clock"), r.sentTime(), r.receiveTime());
    }
    if (clock instanceof SecondaryClockSync secondary) {
      secondary.alignWithMain(reactor.monotonic());
    }
    getClockCmd = requireCommand("get_clock").messageOf().encode();
    clockQueue = link.newCommandQueue();
    link.registerResponse("clock", null,
        r -> clock.handleClock(r.getLong("clock"), r.sentTime(), r.receiveTime()));
    clockTimer = reactor.registerTimer(now -> {
      link.send(getClockCmd, 0, 0, clockQueue);
      clock.querySent();
      return now + ClockSync.QUERY_PERIOD;
    }, Reactor.NOW);
    healthTimer = reactor.registerTimer(this::checkHealth, reactor.monotonic() + 1.0);
  }

  /** Seconds a step may be placed early by step compression ([mcu] max_stepper_error). */
  public double maxStepperError() {
    return maxStepperError;
  }

  public void setMaxStepperError(double seconds) {
    maxStepperError = seconds;
  }

  private double checkHealth(double now) {
    if (!clock.isActive()) {
      lose("Lost communication with MCU '" + name + "'");
      return Reactor.NEVER;
    }
    if (clock instanceof SecondaryClockSync) {
      clock.calibrate(0, now);
    }
    return now + 1.0;
  }

  private void linkLost(String reason) {
    lose("Lost communication with MCU '" + name + "' (" + reason + ")");
  }

  private void lose(String message) {
    if (lost) {
      return;
    }
    lost = true;
    LOG.log(System.Logger.Level.ERROR, message);
    listener.mcuLost(this, message);
  }

  private void handleShutdown(Response r) {
    if (shutdown) {
      return;
    }
    shutdown = true;
    shutdownReason = r.message().getSymbol("static_string_id");
    LOG.log(System.Logger.Level.ERROR, "MCU '" + name + "' shutdown: " + shutdownReason);
    listener.mcuShutdown(this, shutdownReason);
  }

  /** For the log after a shutdown: the clock sync state and the last messages both ways. */
  public String dumpDebug() {
    if (link == null || batch != null) {
      return "";
    }
    return "MCU '" + name + "' shutdown: " + (shutdownReason == null ? "" : shutdownReason)
        + "\n" + clock.dumpDebug() + "\n" + link.dumpDebug();
  }

  private void handleStats(Response r) {
    // The MCU reports its task loop every 5 s: count, sum of durations, sum of squares/base.
    double freq = clock.mcuFreq();
    long count = r.getLong("count");
    double sum = r.getLong("sum");
    double sumsq = r.getLong("sumsq") * constantNumberOr("STATS_SUMSQ_BASE", 1);
    if (count == 0) {
      return;
    }
    double c = 1.0 / (count * freq);
    taskAvg = sum * c;
    taskStddev = c * Math.sqrt(Math.max(0, count * sumsq - sum * sum));
    taskAwake = sum / freq;
  }

  /** Klipper's "Loaded MCU" and "MCU config" log lines. */
  public String logInfo() {
    String constants = dictionary.constants().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    return String.format("Loaded MCU '%s' %d commands (%s / %s)%nMCU '%s' config: %s", name,
        dictionary.messages().size(), dictionary.version(), dictionary.buildVersions(), name,
        constants);
  }

  // ---- configuration (modules call these before configure) ----

  public int createOid() {
    checkNotFinalized();
    return oidCount++;
  }

  /** Runs just before the configuration is built, so modules can add their commands late. */
  public void registerConfigCallback(Runnable callback) {
    checkNotFinalized();
    configCallbacks.add(callback);
  }

  /**
   * Adds a command in text form ({@code config_stepper oid=0 step_pin=PF0 ...}).
   *
   * @param isInit sent after the configuration, every session (initial states)
   * @param onRestart sent instead of the configuration when the MCU kept it
   */
  public void addConfigCmd(String cmd, boolean isInit, boolean onRestart) {
    checkNotFinalized();
    (onRestart ? restartCmds : isInit ? initCmds : configCmds).add(cmd);
  }

  /** A move-queue slot kept back for a scheduled output (digital out, pwm). */
  public void requestMoveQueueSlot() {
    reservedMoveSlots++;
  }

  private void checkNotFinalized() {
    if (finalized) {
      throw new IllegalStateException("MCU '" + name + "' is already configured");
    }
  }

  /**
   * Rewrites each config command before it is sent (pin aliases to the MCU's own names, checks
   * for reserved pins); the CRC covers the rewritten text.
   */
  public void setConfigRewriter(java.util.function.UnaryOperator<String> rewriter) {
    this.configRewriter = rewriter;
  }

  private void finalizeConfig() {
    for (Runnable cb : configCallbacks) {
      cb.run();
    }
    finalized = true;
    configCmds.replaceAll(configRewriter);
    initCmds.replaceAll(configRewriter);
    restartCmds.replaceAll(configRewriter);
    configCmds.add(0, "allocate_oids count=" + oidCount);
    CRC32 crc = new CRC32();
    crc.update(String.join("\n", configCmds).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    configCrc = crc.getValue();
    configCmds.add("finalize_config crc=" + configCrc);
  }

  /**
   * Sends the configuration (in a fiber): the full one to an unconfigured MCU, only the restart
   * commands to one that kept a matching configuration.
   *
   * @throws McuException if the MCU has another configuration, is shut down, or rejects it
   */
  public void configure() {
    Map<String, Long> cfg = getConfig();
    if (cfg.get("is_config") == 0) {
      if (settings != null && settings.restartMethod() == RestartMethod.RPI_USB) {
        throw error(mcuQuoted() + ": restart_method rpi_usb is not supported yet");
      }
      finalizeConfig();
      LOG.log(System.Logger.Level.INFO, "Sending MCU '" + name + "' printer configuration...");
      sendAll(configCmds);
    } else {
      finalizeConfig();
      if (cfg.get("crc") != configCrc) {
        throw error(mcuQuoted() + " CRC does not match config: the MCU still holds the"
            + " configuration of an earlier session. Run FIRMWARE_RESTART (or power-cycle the"
            + " board) to load this one.");
      }
      sendAll(restartCmds);
    }
    sendAll(initCmds);
    cfg = getConfig();
    if (cfg.get("is_config") == 0 && batch == null) {
      throw error("Unable to configure MCU '" + name + "'");
    }
    moveCount = cfg.get("move_count").intValue();
    if (moveCount < reservedMoveSlots) {
      throw error("Too few moves available on MCU '" + name + "'");
    }
    LOG.log(System.Logger.Level.INFO, "Configured MCU '" + name + "' (" + moveCount + " moves)");
  }

  private Map<String, Long> getConfig() {
    if (batch != null) {
      return Map.of("is_config", 0L, "crc", 0L, "is_shutdown", 0L, "move_count",
          (long) BATCH_MOVE_COUNT);
    }
    Response r = lookupQuery(GET_CONFIG, CONFIG_RESPONSE, null).send();
    if (shutdown) {
      throw error(mcuQuoted() + " error during config: " + shutdownReason);
    }
    if (r.getLong("is_shutdown") != 0) {
      throw error("Can not update MCU '" + name + "' config as it is shutdown"
          + " (run FIRMWARE_RESTART)");
    }
    return Map.of("is_config", r.getLong("is_config"), "crc", r.getLong("crc"),
        "move_count", r.getLong("move_count"));
  }

  private void sendAll(List<String> cmds) {
    for (String text : cmds) {
      Message m;
      try {
        m = dictionary.parseText(text);
      } catch (UnknownEnumerationValueException e) {
        if (e.enumeration().equals("pin")) {
          throw error("Pin '" + e.value() + "' is not a valid pin name on mcu '" + name + "'");
        }
        throw error(mcuQuoted() + ": " + e.getMessage() + " in '" + text + "'");
      } catch (ProtocolException e) {
        throw error(mcuQuoted() + ": " + e.getMessage() + " in '" + text + "'");
      }
      link.send(m);
    }
  }

  // ---- commands ----

  private MessageFormat requireCommand(String format) {
    try {
      return dictionary.requireCommand(format);
    } catch (ProtocolException e) {
      throw error("mcu '" + name + "': " + e.getMessage());
    }
  }

  public McuCommand lookupCommand(String format) {
    return new McuCommand(requireCommand(format), link, link.defaultQueue());
  }

  public McuCommand lookupCommand(String format, CommandQueue queue) {
    return new McuCommand(requireCommand(format), link, queue);
  }

  /** Null if the firmware does not have the command. */
  public McuCommand tryLookupCommand(String format) {
    return dictionary.command(format.trim().split("\\s+")[0]).isPresent()
        ? lookupCommand(format) : null;
  }

  public McuQuery lookupQuery(String format, String responseFormat, Long oid) {
    MessageFormat cmd = requireCommand(format);
    MessageFormat resp;
    try {
      resp = dictionary.requireResponse(responseFormat);
    } catch (ProtocolException e) {
      throw error("mcu '" + name + "': " + e.getMessage());
    }
    return new McuQuery(cmd, resp.name(), oid, link);
  }

  public CommandQueue newCommandQueue() {
    return link.newCommandQueue();
  }

  public void registerResponse(String name, Long oid, SerialLink.ResponseHandler handler) {
    link.registerResponse(name, oid, handler);
  }

  public SerialLink link() {
    return link;
  }

  public Dictionary dictionary() {
    return dictionary;
  }

  public double constantNumber(String constant) {
    try {
      return dictionary.constantNumber(constant);
    } catch (ProtocolException e) {
      throw error("mcu '" + name + "': " + e.getMessage());
    }
  }

  public double constantNumberOr(String constant, double fallback) {
    return dictionary.constant(constant).map(Double::parseDouble).orElse(fallback);
  }

  /** Move-queue slots left for steppers (the MCU's total less the scheduled outputs'). */
  public int stepperMoveSlots() {
    return moveCount - reservedMoveSlots;
  }

  public int moveCount() {
    return moveCount;
  }

  public long configCrc() {
    return configCrc;
  }

  // ---- time ----

  public ClockSync clock() {
    return clock;
  }

  public long printTimeToClock(double printTime) {
    return clock.printTimeToClock(printTime);
  }

  public double clockToPrintTime(long mcuClock) {
    return clock.clockToPrintTime(mcuClock);
  }

  public double estimatedPrintTime(double eventtime) {
    return clock.estimatedPrintTime(eventtime);
  }

  /** Host time now, on the reactor's clock. */
  public double reactorTime() {
    return reactor.monotonic();
  }

  /**
   * The clock to start a periodic query at: the next whole print second at least half a second
   * away, plus 10 ms per oid so the queries of different objects do not coincide.
   */
  public long querySlot(int oid) {
    long slot = secondsToClock(oid * 0.01);
    double t = Math.floor(estimatedPrintTime(reactor.monotonic()) + 1.5);
    return printTimeToClock(t) + slot;
  }

  /** A margin for the host's own latency, in print seconds (see Reactor.latencyScale). */
  public double latencyMargin(double wallSeconds) {
    return wallSeconds * reactor.latencyScale();
  }

  public long secondsToClock(double seconds) {
    return (long) (seconds * clock.mcuFreq());
  }

  /**
   * Re-aligns a secondary MCU's print time with the main MCU's (motion calls this once a
   * second).
   *
   * @return the print-time-to-clock map now in use: {offset, frequency}, clock = (t - offset) *
   *     frequency
   */
  public double[] calibrateClock(double printTime, double eventtime) {
    return clock.calibrate(printTime, eventtime);
  }

  // ---- shutdown and restart ----

  public boolean isShutdown() {
    return shutdown;
  }

  public String shutdownReason() {
    return shutdownReason;
  }

  /** Sends emergency_stop (the printer is shutting down). */
  public void emergencyStop() {
    if (link != null && dictionary != null && dictionary.command("emergency_stop").isPresent()) {
      link.send(dictionary.command("emergency_stop").get().messageOf());
    }
  }

  /** The restart method in effect: configured, else what the firmware supports. */
  public RestartMethod restartMethod() {
    if (settings != null && settings.restartMethod() != null) {
      return settings.restartMethod();
    }
    boolean hasCommand = dictionary != null && (dictionary.command("reset").isPresent()
        || dictionary.command("config_reset").isPresent());
    boolean uart = dictionary != null && dictionary.constant("SERIAL_BAUD").isPresent();
    return hasCommand && !uart ? RestartMethod.COMMAND : RestartMethod.ARDUINO;
  }

  /**
   * Resets the board (FIRMWARE_RESTART), in a fiber, and disconnects. The printer then
   * reconnects with new Mcu objects.
   */
  public void firmwareRestart() {
    if (batch != null) {
      return;
    }
    switch (restartMethod()) {
      case COMMAND -> restartViaCommand();
      case ARDUINO -> {
        close();
        BoardReset.arduino(settings.serial(), reactor);
      }
      case CHEETAH -> {
        close();
        BoardReset.cheetah(settings.serial(), reactor);
      }
      case RPI_USB -> throw error(mcuQuoted() + ": restart_method rpi_usb is not supported yet");
    }
  }

  private void restartViaCommand() {
    if (dictionary.command("reset").isPresent()) {
      LOG.log(System.Logger.Level.INFO, "Attempting MCU '" + name + "' reset command");
      link.send(dictionary.command("reset").get().messageOf());
    } else if (dictionary.command("config_reset").isPresent()) {
      // config_reset is only accepted by a shut-down MCU.
      LOG.log(System.Logger.Level.INFO, "Attempting MCU '" + name + "' config_reset command");
      shutdown = true;
      emergencyStop();
      reactor.pause(reactor.monotonic() + 0.015);
      link.send(dictionary.command("config_reset").get().messageOf());
    } else {
      throw error(mcuQuoted() + " has no reset command; set restart_method");
    }
    reactor.pause(reactor.monotonic() + 0.015);
    try {
      link.awaitIdle(0.5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** The MCU fragment of the log's Stats line ({@code mcu: mcu_awake=... freq=...}). */
  public String stats() {
    return String.format(Locale.ROOT,
        "%s: mcu_awake=%.3f mcu_task_avg=%.6f mcu_task_stddev=%.6f %s %s", name, taskAwake,
        taskAvg, taskStddev, link == null ? "" : link.stats(), clock.stats());
  }

  /** Batch mode: writes out what is queued. */
  public void flush() {
    if (link != null) {
      link.flush();
    }
  }

  /** Stops timers and closes the link (flushing batch output). Reactor thread. */
  @Override
  public void close() {
    if (clockTimer != null) {
      reactor.unregisterTimer(clockTimer);
      clockTimer = null;
    }
    if (healthTimer != null) {
      reactor.unregisterTimer(healthTimer);
      healthTimer = null;
    }
    if (link != null) {
      lost = true; // a deliberate close is not a loss
      link.close();
    }
  }
}
