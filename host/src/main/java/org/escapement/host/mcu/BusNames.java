package org.escapement.host.mcu;

import java.util.Map;
import org.escapement.protocol.Enumeration;

/** Hardware bus names (SPI, I2C) as an MCU's dictionary enumerates them. */
final class BusNames {
  private BusNames() {}

  /**
   * The bus called {@code name} (null: the MCU's bus 0) among the {@code kind}_bus (or older
   * "bus") enumeration; a dictionary without one takes the name as it is.
   *
   * @param kind "spi" or "i2c", for the enumeration and the messages
   */
  static String resolve(Mcu mcu, String kind, String name) {
    Map<String, Enumeration> enums = mcu.dictionary().enumerations();
    Enumeration e = enums.containsKey(kind + "_bus") ? enums.get(kind + "_bus") : enums.get("bus");
    if (e == null) {
      return name == null ? "0" : name;
    }
    if (name == null) {
      name = e.symbols().entrySet().stream().filter(s -> s.getValue() == 0)
          .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new McuException(
              "Must specify " + kind + "_bus on mcu '" + mcu.name() + "'"));
    }
    if (!e.symbols().containsKey(name)) {
      throw new McuException("Unknown " + kind + "_bus '" + name + "'");
    }
    return name;
  }
}
