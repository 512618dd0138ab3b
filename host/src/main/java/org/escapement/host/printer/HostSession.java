package org.escapement.host.printer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuException;
import org.escapement.host.modules.McuModule;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;

/**
 * One run of the host: read printer.cfg, build the printer's modules, connect and configure
 * its MCUs, then run G-code (a file, or lines from a console) until it is done or fails.
 */
public final class HostSession {
  private static final System.Logger LOG = System.getLogger("host");

  private final StartOptions options;
  private final ModuleRegistry registry;
  private final String version;
  private final PrintStream out;
  private final InputStream console;
  private Printer printer;
  private final Map<String, McuModule> mcus = new LinkedHashMap<>();

  public HostSession(StartOptions options, ModuleRegistry registry, String version,
      PrintStream out, InputStream console) {
    this.options = options;
    this.registry = registry;
    this.version = version;
    this.out = out;
    this.console = console;
  }

  public Printer printer() {
    return printer;
  }

  /**
   * Runs to the end.
   *
   * @return 0 when the input ran through, 1 on an error (config, MCU, G-code)
   */
  public int run() throws InterruptedException {
    Reactor reactor = new Reactor(options.isBatch() ? ReactorClock.virtual()
        : ReactorClock.system(options.speed()));
    CompletableFuture<Integer> result = new CompletableFuture<>();
    reactor.setErrorHandler(e -> {
      LOG.log(System.Logger.Level.ERROR, "internal error", e);
      result.complete(1);
    });
    reactor.start("reactor");
    printer = new Printer(reactor);
    printer.onExit(r -> result.complete(r.equals("exit") ? 0 : 1));
    reactor.post(() -> reactor.spawn(() -> {
      try {
        startPrinter();
        runInput();
      } catch (ConfigError | McuException e) {
        printer.lookupObject("gcode", GCodeDispatch.class).respondError(e.getMessage());
        printer.requestExit("error_exit");
      } catch (GCodeError e) {
        printer.requestExit("error_exit");
      }
    }));
    int code;
    try {
      code = result.get();
    } catch (java.util.concurrent.ExecutionException e) {
      code = 1;
    }
    try {
      reactor.call(() -> {
        for (McuModule m : mcus.values()) {
          m.mcu().close();
        }
        return null;
      });
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "closing MCUs: " + e.getCause());
    }
    reactor.close();
    return code;
  }

  private void startPrinter() {
    GCodeDispatch gcode = new GCodeDispatch(printer, options.input() != null, version);
    gcode.addOutput(out::println);
    printer.addObject("gcode", gcode);
    Pins pins = new Pins();
    printer.addObject("pins", pins);
    Config config = Config.load(options.config());
    printer.addObject("configfile", new org.escapement.host.modules.ConfigFileStatus(config));

    // MCUs first: every pin name needs its chip, every module may need an MCU.
    Mcu main = null;
    for (String name : config.sectionNames()) {
      if (name.equals("mcu")) {
        McuModule m = new McuModule(printer, config.section(name), options, null);
        main = m.mcu();
        addMcu(m);
      }
    }
    if (main == null) {
      throw new ConfigError("Section 'mcu' must be specified");
    }
    for (String name : config.sectionNames()) {
      if (name.startsWith("mcu ")) {
        addMcu(new McuModule(printer, config.section(name), options, main));
      }
    }
    for (ConfigSection section : config.sectionsWithPrefix("")) {
      String name = section.name();
      String kind = ModuleRegistry.kindOf(name);
      if (kind.equals("mcu") || printer.hasObject(name)) {
        continue;
      }
      ModuleRegistry.Factory factory = registry.find(kind);
      if (factory != null) {
        Object module = factory.create(printer, section);
        if (!printer.hasObject(name)) {
          printer.addObject(name, module);
        }
      } else if (ModuleRegistry.knownToKlipper(kind)) {
        throw new ConfigError("Section '" + name + "' is not supported yet");
      }
    }
    List<String> claimed = new ArrayList<>();
    printer.objects().keySet().forEach(n -> claimed.add(n.toLowerCase(Locale.ROOT)));
    config.checkUnused(claimed);

    for (McuModule m : mcus.values()) {
      m.mcu().identify();
    }
    printer.sendEvent(Printer.Event.MCU_IDENTIFY);
    printer.sendEvent(Printer.Event.CONNECT);
    for (McuModule m : mcus.values()) {
      m.mcu().configure();
    }
    printer.setReady();
  }

  private void addMcu(McuModule m) {
    mcus.put(m.name(), m);
    printer.addObject(m.name().equals("mcu") ? "mcu" : "mcu " + m.name(), m);
    m.mcu().setListener(new Mcu.Listener() {
      @Override
      public void mcuShutdown(Mcu mcu, String reason) {
        printer.invokeShutdown("MCU '" + mcu.name() + "' shutdown: " + reason);
      }

      @Override
      public void mcuLost(Mcu mcu, String message) {
        printer.invokeShutdown(message);
      }
    });
  }

  private void runInput() {
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    if (options.input() != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(options.input(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigError("Unable to read " + options.input() + ": " + e.getMessage());
      }
      gcode.mutex().lock();
      try {
        for (String line : lines) {
          if (printer.exitResult() != null) {
            return; // an error ended the run
          }
          gcode.process(List.of(line), false);
        }
      } finally {
        gcode.mutex().unlock();
      }
      for (McuModule m : mcus.values()) {
        m.mcu().flush();
      }
      printer.requestExit("exit");
      return;
    }
    // A console: one line at a time from stdin, each answered with ok or !!.
    Thread.ofPlatform().daemon().name("console").start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(console,
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String l = line;
          CompletableFuture<Void> done = new CompletableFuture<>();
          printer.reactor().post(() -> printer.reactor().spawn(() -> {
            gcode.mutex().lock();
            try {
              gcode.process(List.of(l), true);
            } finally {
              gcode.mutex().unlock();
              done.complete(null);
            }
          }));
          done.join();
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "console: " + e.getMessage());
      }
      printer.reactor().post(() -> printer.requestExit("exit"));
    });
  }
}
