package org.escapement.host.printer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeIO;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.gcode.GCodeInput;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuException;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.modules.DisplayStatusModule;
import org.escapement.host.modules.IdleTimeoutModule;
import org.escapement.host.modules.McuModule;
import org.escapement.host.modules.StatisticsModule;
import org.escapement.host.modules.SystemStats;
import org.escapement.host.motion.Homing;
import org.escapement.host.motion.StepperEnable;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;

/**
 * The host from start to exit: each run reads printer.cfg, builds the printer's modules,
 * connects and configures the MCUs, then runs G-code from the input. RESTART and
 * FIRMWARE_RESTART end a run and start a new one on the same input, as klippy does.
 *
 * <p>A config or MCU error leaves the printer up but not ready (STATUS says why; fix it and
 * RESTART); when G-code comes from a file the run ends there instead, with exit status 1.
 */
public final class HostSession {
  private static final System.Logger LOG = System.getLogger("host");

  private final StartOptions options;
  private final ModuleRegistry registry;
  private final String version;
  private final PrintStream out;
  private final InputStream console;
  private volatile Printer printer;
  private final List<java.util.function.Consumer<Printer>> readyHooks = new ArrayList<>();

  public HostSession(StartOptions options, ModuleRegistry registry, String version,
      PrintStream out, InputStream console) {
    this.options = options;
    this.registry = registry;
    this.version = version;
    this.out = out;
    this.console = console;
  }

  /** Runs {@code hook} on the reactor each time a run's printer becomes ready. */
  public void onReady(java.util.function.Consumer<Printer> hook) {
    readyHooks.add(hook);
  }

  /** Ends the session from another thread (as if the input had ended). */
  public void stop() {
    Printer p = printer;
    if (p != null) {
      p.reactor().post(() -> p.requestExit("exit"));
    }
  }

  /** The printer of the current (or last) run. */
  public Printer printer() {
    return printer;
  }

  /**
   * Runs until the input ends or an error ends it.
   *
   * @return 0 when the input ran through, 1 on an error (config, MCU, G-code)
   */
  public int run() throws InterruptedException, IOException {
    try (GCodeInput input = openInput()) {
      String reason = "startup";
      while (true) {
        String result = runOnce(input, reason);
        if (result.equals("exit")) {
          return 0;
        }
        if (!result.equals("restart") && !result.equals("firmware_restart")) {
          return 1;
        }
        if (!options.isBatch()) {
          Thread.sleep(1000); // as klippy: let a reset board come back before reconnecting
        }
        LOG.log(System.Logger.Level.INFO, "Restarting printer");
        reason = result;
      }
    }
  }

  private GCodeInput openInput() throws IOException {
    if (options.input() != null) {
      return GCodeInput.file(options.input());
    }
    if (options.ptyPath() != null) {
      GCodeInput.Stream pty = GCodeInput.pty(options.ptyPath());
      LOG.log(System.Logger.Level.INFO, "G-code pseudo-terminal at " + options.ptyPath());
      return pty;
    }
    return GCodeInput.console(console, out);
  }

  /** One printer run, from reading the config to its end; returns klippy's run result. */
  private String runOnce(GCodeInput input, String startReason) throws InterruptedException {
    Reactor reactor = new Reactor(options.isBatch() ? ReactorClock.virtual()
        : ReactorClock.system(options.speed()));
    Printer p = new Printer(reactor, options);
    printer = p;
    CompletableFuture<String> result = new CompletableFuture<>();
    reactor.setErrorHandler(e -> {
      LOG.log(System.Logger.Level.ERROR, "Unhandled exception during run", e);
      p.invokeShutdown("Internal error: " + e);
      if (p.exitResult() == null && options.input() != null) {
        p.requestExit("error_exit");
      }
    });
    p.onExit(result::complete);
    reactor.start("reactor");
    ZonedDateTime now = ZonedDateTime.now();
    LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Start printer at %s (%.1f %.1f)", KlippyLog.asctime(now),
        now.toInstant().toEpochMilli() / 1000.0, reactor.monotonic()));
    reactor.post(() -> reactor.spawn(() -> connect(p, input, startReason)));
    String r;
    try {
      r = result.get();
    } catch (ExecutionException e) {
      r = "error_exit";
    }
    String runResult = r;
    try {
      reactor.call(() -> {
        if (runResult.equals("firmware_restart")) {
          sendSafely(p, Printer.Event.FIRMWARE_RESTART);
        }
        sendSafely(p, Printer.Event.DISCONNECT);
        return null;
      });
    } catch (ExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "Unhandled exception during post run", e.getCause());
    }
    reactor.close();
    return runResult;
  }

  private static void sendSafely(Printer p, Printer.Event event) {
    try {
      p.sendEvent(event);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Unhandled exception during " + event, e);
    }
  }

  /** Klipper's startup: config, modules, MCUs identify and connect, then ready. */
  private void connect(Printer p, GCodeInput input, String startReason) {
    GCodeDispatch gcode = new GCodeDispatch(p, options.input() != null, version);
    if (input instanceof GCodeInput.File) {
      gcode.addOutput(out::println); // a file has no one to answer: answers go to stdout
    }
    p.addObject("gcode", gcode);
    p.addObject("gcode_io", new GCodeIO(p, gcode, input));
    try {
      loadModules(p);
      p.sendEvent(Printer.Event.MCU_IDENTIFY);
      p.sendEvent(Printer.Event.CONNECT);
    } catch (ConfigError | McuException e) {
      gcode.respondError(e.getMessage());
      p.setError(e.getMessage());
      return;
    } catch (org.escapement.host.reactor.ReactorClosedException e) {
      return;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Unhandled exception during connect", e);
      gcode.respondError("Internal error during connect: " + e);
      p.setError("Internal error during connect: " + e);
      return;
    }
    try {
      readyHooks.forEach(h -> h.accept(p));
      p.setReady();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "Unhandled exception during ready callback", e);
      p.invokeShutdown("Internal error during ready callback: " + e);
    }
    LOG.log(System.Logger.Level.DEBUG, "Printer ready (start reason: " + startReason + ")");
  }

  private void loadModules(Printer p) {
    p.addObject("pins", new Pins());
    Config config = Config.load(options.config());
    options.overrides().forEach((key, value) -> {
      int dot = key.lastIndexOf('.');
      config.override(key.substring(0, dot), key.substring(dot + 1), value, "command line");
    });
    ConfigFileStatus configfile = new ConfigFileStatus(config);
    p.addObject("configfile", configfile);
    KlippyLog log = KlippyLog.current();
    if (log != null) {
      log.setRolloverInfo("config", "===== Config file =====\n"
          + config.raw().render().stripTrailing()
          + "\n=======================", true);
    }

    // MCUs first: every pin name needs its chip, every module may need an MCU.
    if (!config.hasSection("mcu")) {
      throw new ConfigError("Section 'mcu' must be specified");
    }
    McuModule main = new McuModule(p, config.section("mcu"), null);
    p.addObject("mcu", main);
    for (ConfigSection s : config.sectionsWithPrefix("mcu ")) {
      p.addObject(s.name(), new McuModule(p, s, main.mcu()));
    }
    for (ConfigSection section : config.sectionsWithPrefix("")) {
      String name = section.name();
      String kind = ModuleRegistry.kindOf(name);
      if (kind.equals("mcu") || p.hasObject(name) || ModuleRegistry.isToolheadSection(kind)
          || ModuleRegistry.isBuiltIn(kind)) {
        continue;
      }
      ModuleRegistry.Factory factory = registry.find(kind);
      if (factory != null) {
        Object module = factory.create(p, section);
        // null: a section another module reads ([bed_mesh NAME] profiles), no object.
        if (module != null && !p.hasObject(name)) {
          p.addObject(name, module);
        }
      } else if (ModuleRegistry.knownToKlipper(kind)) {
        throw new ConfigError("Section '" + name + "' is not supported yet");
      }
    }
    // The toolhead, its kinematics and extruders, and the parts every printer has.
    new Toolhead(p, config.section("printer"));
    Homing.registerCommands(p);
    StepperEnable.of(p); // M84 exists even on a printer without steppers
    registry.afterToolhead(p, config);
    p.addObject("gcode_move", new GCodeMove(p));
    if (!p.hasObject("idle_timeout")) {
      p.addObject("idle_timeout", new IdleTimeoutModule(p, config.section("idle_timeout")));
    }
    if (!p.hasObject("display_status")) {
      p.addObject("display_status", new DisplayStatusModule(p,
          config.section("display_status")));
    }
    // Always there, as in Klipper, with or without a section.
    if (!p.hasObject("statistics")) {
      p.addObject("statistics", new StatisticsModule(p));
    }
    if (!p.hasObject("system_stats")) {
      p.addObject("system_stats", new SystemStats());
    }
    List<String> claimed = new ArrayList<>();
    p.objects().keySet().forEach(n -> claimed.add(n.toLowerCase(Locale.ROOT)));
    config.checkUnused(claimed);
  }

  /** The MCU of the current run by config name ({@code mcu}, or NAME of {@code [mcu NAME]}). */
  public Mcu mcu(String name) {
    McuModule m = printer.lookupObjectOrNull(name.equals("mcu") ? "mcu" : "mcu " + name,
        McuModule.class);
    return m == null ? null : m.mcu();
  }
}
