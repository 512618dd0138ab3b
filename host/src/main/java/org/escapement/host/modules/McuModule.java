package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StartOptions;
import org.escapement.host.printer.StatusProvider;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.ProtocolException;

/** {@code [mcu]} and {@code [mcu NAME]}: one micro-controller and its pins. */
public final class McuModule implements StatusProvider {
  private static final Map<String, Mcu.RestartMethod> RESTART = Map.of(
      "arduino", Mcu.RestartMethod.ARDUINO, "cheetah", Mcu.RestartMethod.CHEETAH,
      "command", Mcu.RestartMethod.COMMAND, "rpi_usb", Mcu.RestartMethod.RPI_USB);

  private final Mcu mcu;
  private final String name;

  public McuModule(Printer printer, ConfigSection section, StartOptions start, Mcu main) {
    name = section.name().equals("mcu") ? "mcu" : section.suffix();
    if (section.has("canbus_uuid")) {
      section.get("canbus_uuid");
      throw new ConfigError("Option 'canbus_uuid' in section '" + section.name()
          + "': CAN bus MCUs are not supported yet");
    }
    String serial = section.get("serial");
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
    printer.lookupObject("pins", Pins.class).registerChip(name);
  }

  public Mcu mcu() {
    return mcu;
  }

  public String name() {
    return name;
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
    return s;
  }
}
