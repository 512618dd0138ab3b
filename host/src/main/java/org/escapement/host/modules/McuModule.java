package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.log.KlippyLog;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.ProtocolException;

/**
 * {@code [mcu]} and {@code [mcu NAME]}: one micro-controller and its pins. It connects when
 * the printer identifies its MCUs, sends its configuration on connect, stops the MCU on a
 * printer shutdown and resets it on FIRMWARE_RESTART.
 */
public final class McuModule implements StatusProvider, StatsSource {
  private static final System.Logger LOG = System.getLogger("mcu");
  private static final Map<String, Mcu.RestartMethod> RESTART = Map.of(
      "arduino", Mcu.RestartMethod.ARDUINO, "cheetah", Mcu.RestartMethod.CHEETAH,
      "command", Mcu.RestartMethod.COMMAND, "rpi_usb", Mcu.RestartMethod.RPI_USB);

  private final Mcu mcu;
  private final String name;
  private final String serial;

  public McuModule(Printer printer, ConfigSection section, Mcu main) {
    StartOptions start = printer.startOptions();
    name = section.name().equals("mcu") ? "mcu" : section.suffix();
    if (section.has("canbus_uuid")) {
      section.get("canbus_uuid");
      throw new ConfigError("Option 'canbus_uuid' in section '" + section.name()
          + "': CAN bus MCUs are not supported yet");
    }
    serial = section.get("serial");
    int baud = section.getInt("baud", 250000, Bounds.min(2400));
    Mcu.RestartMethod restart = section.has("restart_method")
        ? section.getChoice("restart_method", RESTART, null) : null;
    if (start.isBatch()) {
      java.nio.file.Path dictFile = start.dictionaries().get(name);
      if (dictFile == null) {
        throw new ConfigError("Batch mode needs the data dictionary of mcu '" + name
            + "' (-d " + (name.equals("mcu") ? "" : name + "=") + "FILE.dict)");
      }
      Dictionary dict;
      try {
        dict = Dictionary.load(dictFile);
      } catch (ProtocolException e) {
        throw new ConfigError(e.getMessage(), e);
      }
      mcu = Mcu.batch(name, new Mcu.Batch(start.batchOutputFor(name), dict),
          printer.reactor(), main);
    } else {
      mcu = Mcu.live(name, new Mcu.Settings(serial, baud, restart, 5.0), printer.reactor(),
          main);
    }
    mcu.setMaxStepperError(section.getFloat("max_stepper_error",
        Mcu.DEFAULT_MAX_STEPPER_ERROR, Bounds.min(0)));
    printer.lookupObject("pins", Pins.class).registerChip(name);
    mcu.setListener(new Mcu.Listener() {
      @Override
      public void mcuShutdown(Mcu m, String reason) {
        printer.invokeShutdown("MCU '" + name + "' shutdown: " + reason);
      }

      @Override
      public void mcuLost(Mcu m, String message) {
        printer.invokeShutdown(message);
      }
    });
    Pins.Resolver resolver = printer.lookupObject("pins", Pins.class).resolver(name);
    mcu.setConfigRewriter(resolver::update);
    printer.onEvent(Printer.Event.MCU_IDENTIFY, () -> {
      mcu.identify();
      // Pins the firmware keeps for itself (its serial port, ...) are refused by name.
      mcu.dictionary().constants().forEach((constant, value) -> {
        if (constant.startsWith("RESERVE_PINS_")) {
          for (String reserved : value.split(",")) {
            resolver.reserve(reserved.strip(), constant.substring("RESERVE_PINS_".length()));
          }
        }
      });
      KlippyLog log = KlippyLog.current();
      if (log != null) {
        log.setRolloverInfo("mcu " + name, mcu.logInfo(), false);
      }
    });
    printer.onEvent(Printer.Event.CONNECT, () -> {
      mcu.configure();
      var motion = printer.lookupObjectOrNull("motion_queuing",
          org.escapement.host.motion.MotionQueuing.class);
      if (motion != null) {
        motion.setupMoveQueue(mcu, mcu.stepperMoveSlots());
      }
    });
    printer.onEvent(Printer.Event.SHUTDOWN, () -> {
      if (!mcu.isShutdown()) {
        mcu.emergencyStop(); // the MCU stops its outputs at once, heaters included
      }
    });
    printer.onEvent(Printer.Event.ANALYZE_SHUTDOWN, () -> {
      String dump = mcu.dumpDebug();
      if (!dump.isEmpty()) {
        LOG.log(System.Logger.Level.INFO, dump);
      }
    });
    printer.onEvent(Printer.Event.FIRMWARE_RESTART, mcu::firmwareRestart);
    printer.onEvent(Printer.Event.DISCONNECT, mcu::close);
  }

  public Mcu mcu() {
    return mcu;
  }

  public String name() {
    return name;
  }

  @Override
  public Stats stats(double eventtime) {
    return new Stats(false, mcu.stats());
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    Dictionary d = mcu.dictionary();
    if (d != null) {
      s.put("mcu_version", d.version());
      s.put("mcu_build_versions", d.buildVersions());
      s.put("mcu_constants", new LinkedHashMap<>(d.constants()));
    }
    s.put("last_stats", lastStats());
    return s;
  }

  /** The Stats fragment as numbers ({@code printer.mcu.last_stats.freq}). */
  private Map<String, Object> lastStats() {
    Map<String, Object> out = new LinkedHashMap<>();
    String text = mcu.stats();
    for (String part : text.substring(text.indexOf(':') + 1).trim().split("\\s+")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        String v = part.substring(eq + 1);
        try {
          out.put(part.substring(0, eq), v.contains(".") ? (Object) Double.parseDouble(v)
              : (Object) Long.parseLong(v));
        } catch (NumberFormatException e) {
          out.put(part.substring(0, eq), v);
        }
      }
    }
    return out;
  }
}
