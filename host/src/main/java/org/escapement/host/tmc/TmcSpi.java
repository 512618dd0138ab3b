package org.escapement.host.tmc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuException;
import org.escapement.host.mcu.McuSpi;
import org.escapement.host.mcu.Response;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * A TMC2130/5160/2240 register interface over SPI (mode 3): 40-bit datagrams, an address byte
 * (bit 7 set for a write) and 32 data bits. Drivers may be daisy-chained on one chip select
 * ({@code chain_length}, {@code chain_position}); position 1 is the driver nearest the MCU's
 * MISO, so its datagram goes last.
 */
public final class TmcSpi implements TmcTransport {
  private final String name;
  private final TmcFields fields;
  private final Chain chain;
  private final int chainPos;
  private final double tmcFrequency;

  public TmcSpi(Printer printer, ConfigSection section, TmcFields fields, double tmcFrequency) {
    this.name = TmcUart.lastWord(section.name());
    this.fields = fields;
    this.tmcFrequency = tmcFrequency;
    Integer chainLen = section.has("chain_length")
        ? section.getInt("chain_length", null, Bounds.min(2)) : null;
    if (chainLen == null) {
      chain = new Chain(printer, section, 1);
      chainPos = 1;
      return;
    }
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin cs = pins.parse(section.get("cs_pin"), false, false);
    Chains chains = Chains.of(printer);
    String key = cs.chip() + ":" + cs.pin();
    Chain c = chains.byCsPin.get(key);
    if (c == null) {
      c = new Chain(printer, section, chainLen);
      chains.byCsPin.put(key, c);
    }
    if (chainLen != c.length) {
      throw new ConfigError("TMC SPI chain must have same length");
    }
    int pos = section.getInt("chain_position", null, Bounds.range(1, chainLen));
    if (c.takenPositions.contains(pos)) {
      throw new ConfigError("TMC SPI chain can not have duplicate position");
    }
    c.takenPositions.add(pos);
    chain = c;
    chainPos = pos;
  }

  @Override
  public TmcFields fields() {
    return fields;
  }

  @Override
  public Double tmcFrequency() {
    return tmcFrequency;
  }

  @Override
  public Mcu mcu() {
    return chain.spi.mcu();
  }

  @Override
  public long getRegister(String reg) {
    return chain.read(fields.map().address(reg), chainPos);
  }

  @Override
  public void setRegister(String reg, long value, Double printTime) {
    int address = fields.map().address(reg);
    for (int retry = 0; retry < 5; retry++) {
      if (chain.write(address, value, chainPos, printTime) == (value & 0xffffffffL)) {
        return;
      }
    }
    throw new CommandError("Unable to write tmc spi '" + name + "' register " + reg);
  }

  /** SPI chains of the printer by chip select pin. */
  static final class Chains {
    final Map<String, Chain> byCsPin = new HashMap<>();

    static Chains of(Printer printer) {
      Chains c = printer.lookupObjectOrNull("tmc_spi_chains", Chains.class);
      if (c == null) {
        c = new Chains();
        printer.addObject("tmc_spi_chains", c);
      }
      return c;
    }
  }

  /** One chip select, and the drivers daisy-chained behind it. */
  static final class Chain {
    final int length;
    final McuSpi spi;
    final List<Integer> takenPositions = new ArrayList<>();

    Chain(Printer printer, ConfigSection section, int length) {
      this.length = length;
      this.spi = spiFromConfig(printer, section, 3, 4_000_000,
          length > 1 ? "tmc_spi_cs" : null);
    }

    /** A datagram for {@code pos}, with no-op datagrams for the other drivers around it. */
    byte[] build(byte[] data, int pos) {
      byte[] out = new byte[length * 5];
      System.arraycopy(data, 0, out, (length - pos) * 5, 5);
      return out;
    }

    long read(int reg, int pos) {
      byte[] cmd = build(new byte[] {(byte) reg, 0, 0, 0, 0}, pos);
      // The answer to a read comes with the next datagram: send the request, then read it back.
      spi.send(cmd, 0);
      if (spi.mcu().isBatch()) {
        return 0; // nothing answers in batch mode: Klipper reads every register as 0 there
      }
      try {
        Response r = spi.transfer(cmd, 0);
        return value(r.message().getBytes("response"), pos);
      } catch (McuException e) {
        throw new CommandError(e.getMessage());
      }
    }

    long write(int reg, long val, int pos, Double printTime) {
      long minClock = printTime == null ? 0 : spi.mcu().printTimeToClock(printTime);
      byte[] cmd = build(new byte[] {(byte) (reg | 0x80), (byte) (val >> 24), (byte) (val >> 16),
          (byte) (val >> 8), (byte) val}, pos);
      if (spi.mcu().isBatch()) {
        spi.send(cmd, minClock);
        return val & 0xffffffffL;
      }
      // The datagram after a write returns the value written: that confirms it.
      spi.send(cmd, minClock);
      try {
        Response r = spi.transfer(build(new byte[5], pos), minClock);
        return value(r.message().getBytes("response"), pos);
      } catch (McuException e) {
        throw new CommandError(e.getMessage());
      }
    }

    private long value(byte[] response, int pos) {
      int at = (length - pos) * 5;
      if (response.length < at + 5) {
        return -1;
      }
      return ((response[at + 1] & 0xffL) << 24) | ((response[at + 2] & 0xffL) << 16)
          | ((response[at + 3] & 0xffL) << 8) | (response[at + 4] & 0xffL);
    }
  }

  /**
   * An SPI device from its section: {@code cs_pin}, {@code spi_speed}, and either
   * {@code spi_bus} or the three {@code spi_software_*_pin}s.
   */
  public static McuSpi spiFromConfig(Printer printer, ConfigSection section, int mode,
      int defaultSpeed, String shareType) {
    return spiFromConfig(printer, section, mode, defaultSpeed, shareType, "cs_pin");
  }

  /** As above, the chip select read from {@code pinOption} (digipots call it enable_pin). */
  public static McuSpi spiFromConfig(Printer printer, ConfigSection section, int mode,
      int defaultSpeed, String shareType, String pinOption) {
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin cs = claim(pins, section, pinOption, shareType);
    String csPin = cs.pin().equals("None") ? null : cs.pin();
    if (csPin == null) {
      pins.release(cs);
    }
    McuModule chip = printer.lookupObject(cs.chip().equals("mcu") ? "mcu" : "mcu " + cs.chip(),
        McuModule.class);
    Mcu mcu = chip.mcu();
    int speed = section.getInt("spi_speed", defaultSpeed, Bounds.min(100000));
    String[] swPins = null;
    String bus = null;
    if (section.get("spi_software_sclk_pin", null) != null) {
      swPins = new String[3];
      String[] names = {"miso", "mosi", "sclk"};
      for (int i = 0; i < 3; i++) {
        String option = "spi_software_" + names[i] + "_pin";
        Pins.Pin p = claim(pins, section, option, option);
        if (!p.chip().equals(cs.chip())) {
          throw new ConfigError(section.name() + ": spi pins must be on same mcu");
        }
        swPins[i] = p.pin();
      }
    } else {
      bus = section.get("spi_bus", null);
    }
    McuSpi spi = new McuSpi(mcu, bus, csPin, mode, speed, swPins, false);
    if (swPins == null) {
      // The hardware bus's pins are the firmware's (BUS_PINS_<bus>): nothing else may use them.
      mcu.registerConfigCallback(() -> {
        String busPins = mcu.dictionary().constants().get("BUS_PINS_" + spi.resolvedBus());
        if (busPins != null) {
          Pins.Resolver resolver = pins.resolver(cs.chip());
          for (String pin : busPins.split(",")) {
            resolver.reserve(pin.strip(), spi.resolvedBus());
          }
        }
      });
    }
    return spi;
  }

  private static Pins.Pin claim(Pins pins, ConfigSection section, String option,
      String shareType) {
    try {
      return pins.claim(section.get(option), false, false, shareType);
    } catch (ConfigError e) {
      throw new ConfigError("Option '" + option + "' in section '" + section.name() + "': "
          + e.getMessage(), e);
    }
  }
}
