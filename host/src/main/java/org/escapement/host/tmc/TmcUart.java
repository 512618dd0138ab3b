package org.escapement.host.tmc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.CommandQueue;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuCommand;
import org.escapement.host.mcu.McuException;
import org.escapement.host.mcu.McuQuery;
import org.escapement.host.mcu.Response;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * A TMC2208/2209 register interface over the drivers' one-wire UART, which the MCU bit-bangs
 * ({@code config_tmcuart}, {@code tmcuart_send}): the host builds each frame with its start
 * and stop bits, the MCU only clocks them out and samples the answer. Several drivers may share
 * one wire, told apart by {@code uart_address} (TMC2209) or by analog-mux {@code select_pins}.
 */
public final class TmcUart implements TmcTransport {
  /** TMC datasheets allow 9000 to 500k baud; slow AVRs bit-bang reliably only at the bottom. */
  static final int BAUD = 40000;
  static final int BAUD_AVR = 9000;

  private final Printer printer;
  private final String name;
  private final TmcFields fields;
  private final Bus bus;
  private final List<Boolean> instance;
  private final int address;
  private final double tmcFrequency;
  private Long ifcnt;

  /**
   * Reads {@code uart_pin}, {@code tx_pin}, {@code select_pins} and {@code uart_address}
   * (at most {@code maxAddress}: 0 on the TMC2208, which has no address pins).
   */
  public TmcUart(Printer printer, ConfigSection section, TmcFields fields, int maxAddress,
      double tmcFrequency) {
    this.printer = printer;
    this.name = lastWord(section.name());
    this.fields = fields;
    this.tmcFrequency = tmcFrequency;
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin rx = claim(pins, section, "uart_pin", true, "tmc_uart_rx");
    Pins.Pin tx = rx;
    if (section.get("tx_pin", null) != null) {
      tx = claim(pins, section, "tx_pin", false, "tmc_uart_tx");
    }
    if (!rx.chip().equals(tx.chip())) {
      throw new ConfigError("TMC uart rx and tx pins must be on the same mcu");
    }
    List<String> selectPins = section.has("select_pins")
        ? section.getList("select_pins", null, ",") : null;
    if (selectPins != null && selectPins.isEmpty()) {
      selectPins = null;
    }
    address = section.getInt("uart_address", 0,
        org.escapement.host.config.Bounds.range(0, maxAddress));
    Buses buses = Buses.of(printer);
    String key = rx.chip() + ":" + rx.pin();
    Bus b = buses.byRxPin.get(key);
    if (b == null) {
      b = new Bus(printer, rx, tx, selectPins);
      buses.byRxPin.put(key, b);
    }
    bus = b;
    instance = bus.registerInstance(rx, tx, selectPins, address);
  }

  private static Pins.Pin claim(Pins pins, ConfigSection section, String option,
      boolean canPullup, String shareType) {
    try {
      return pins.claim(section.get(option), false, canPullup, shareType);
    } catch (ConfigError e) {
      throw new ConfigError("Option '" + option + "' in section '" + section.name() + "': "
          + e.getMessage(), e);
    }
  }

  static String lastWord(String s) {
    String[] parts = s.strip().split("\\s+");
    return parts[parts.length - 1];
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
    return bus.mcu;
  }

  private int address(String reg) {
    return fields.map().address(reg);
  }

  @Override
  public long getRegister(String reg) {
    if (bus.mcu.isBatch()) {
      return 0; // nothing answers in batch mode: Klipper reads every register as 0 there
    }
    for (int retry = 0; retry < 5; retry++) {
      Long v = bus.read(instance, address, address(reg));
      if (v != null) {
        return v;
      }
    }
    throw new CommandError("Unable to read tmc uart '" + name + "' register " + reg);
  }

  @Override
  public void setRegister(String reg, long value, Double printTime) {
    if (bus.mcu.isBatch()) {
      return; // a write is confirmed by reading IFCNT back, which batch mode cannot
    }
    // The driver counts good writes in IFCNT: a write took when the count went up by one.
    for (int retry = 0; retry < 5; retry++) {
      Long before = ifcnt;
      if (before == null) {
        before = ifcnt = getRegister("IFCNT");
      }
      bus.write(instance, address, address(reg), value, printTime);
      ifcnt = getRegister("IFCNT");
      if (ifcnt == ((before + 1) & 0xff)) {
        return;
      }
    }
    throw new CommandError("Unable to write tmc uart '" + name + "' register " + reg);
  }

  // ---- frames (TMC2209 datasheet 4.1: sync, address, register, data, CRC8) ----

  /** CRC-8 with polynomial x^8+x^2+x+1 over the bytes, each taken least significant bit first. */
  static int crc8(byte[] data, int length) {
    int crc = 0;
    for (int i = 0; i < length; i++) {
      int b = data[i] & 0xff;
      for (int bit = 0; bit < 8; bit++) {
        if (((crc >> 7) ^ (b & 1)) != 0) {
          crc = ((crc << 1) ^ 0x07) & 0xff;
        } else {
          crc = (crc << 1) & 0xff;
        }
        b >>= 1;
      }
    }
    return crc;
  }

  /**
   * The bytes as bits on the wire: each byte gets a start bit (0) before and a stop bit (1)
   * after, 10 bits a byte, packed least significant bit first.
   */
  static byte[] addSerialBits(byte[] data) {
    java.math.BigInteger out = java.math.BigInteger.ZERO;
    int pos = 0;
    for (byte d : data) {
      long framed = ((d & 0xffL) << 1) | 0x200;
      out = out.or(java.math.BigInteger.valueOf(framed).shiftLeft(pos));
      pos += 10;
    }
    byte[] res = new byte[(pos + 7) / 8];
    for (int i = 0; i < res.length; i++) {
      res[i] = out.shiftRight(i * 8).byteValue();
    }
    return res;
  }

  /** A read request: sync 0x05 (as 0xf5, with the reserved nibble), address, register, CRC. */
  static byte[] encodeRead(int sync, int addr, int reg) {
    byte[] msg = {(byte) sync, (byte) addr, (byte) reg, 0};
    msg[3] = (byte) crc8(msg, 3);
    return addSerialBits(msg);
  }

  static byte[] encodeWrite(int sync, int addr, int reg, long val) {
    byte[] msg = {(byte) sync, (byte) addr, (byte) reg, (byte) (val >> 24), (byte) (val >> 16),
        (byte) (val >> 8), (byte) val, 0};
    msg[7] = (byte) crc8(msg, 7);
    return addSerialBits(msg);
  }

  /**
   * The register value of a reply (sync 0x05, master address 0xff, register, data, CRC), or
   * null when its framing or CRC is wrong.
   */
  static Long decodeRead(int reg, byte[] data) {
    if (data.length != 10) {
      return null;
    }
    java.math.BigInteger m = java.math.BigInteger.ZERO;
    for (int i = 0; i < data.length; i++) {
      m = m.or(java.math.BigInteger.valueOf(data[i] & 0xff).shiftLeft(8 * i));
    }
    // data bytes 3..6 of the frame start at bits 31, 41, 51 and 61 (after their start bits)
    long val = (byteAt(m, 31) << 24) | (byteAt(m, 41) << 16) | (byteAt(m, 51) << 8)
        | byteAt(m, 61);
    if (!java.util.Arrays.equals(data, encodeWrite(0x05, 0xff, reg, val))) {
      return null;
    }
    return val;
  }

  private static long byteAt(java.math.BigInteger m, int bit) {
    return m.shiftRight(bit).intValue() & 0xff;
  }

  /** Every bit-banged UART of the printer, by receive pin (drivers on one wire share one). */
  static final class Buses {
    final Map<String, Bus> byRxPin = new HashMap<>();

    static Buses of(Printer printer) {
      Buses b = printer.lookupObjectOrNull("tmc_uart", Buses.class);
      if (b == null) {
        b = new Buses();
        printer.addObject("tmc_uart", b);
      }
      return b;
    }
  }

  /** One bit-banged UART on the MCU, and the analog mux in front of it if there is one. */
  static final class Bus {
    final Mcu mcu;
    final Printer printer;
    final Pins.Pin rx;
    final Pins.Pin tx;
    final int oid;
    CommandQueue queue; // made with the config: the link does not exist before
    final AnalogMux mux;
    final Set<String> instances = new HashSet<>();
    McuQuery send;

    Bus(Printer printer, Pins.Pin rx, Pins.Pin tx, List<String> selectPins) {
      this.printer = printer;
      this.mcu = printer.lookupObject(rx.chip().equals("mcu") ? "mcu" : "mcu " + rx.chip(),
          McuModule.class).mcu();
      this.rx = rx;
      this.tx = tx;
      this.oid = mcu.createOid();
      this.mux = selectPins == null ? null : new AnalogMux(printer, mcu, selectPins);
      mcu.registerConfigCallback(this::buildConfig);
    }

    private void buildConfig() {
      queue = mcu.newCommandQueue();
      if (mux != null) {
        mux.update = mcu.lookupCommand("update_digital_out oid=%c value=%c", queue);
      }
      String mcuType = mcu.dictionary().constants().getOrDefault("MCU", "").toString();
      int baud = mcuType.startsWith("atmega") || mcuType.startsWith("at90usb") ? BAUD_AVR : BAUD;
      long bitTicks = mcu.secondsToClock(1.0 / baud);
      mcu.addConfigCmd(String.format(Locale.ROOT,
          "config_tmcuart oid=%d rx_pin=%s pull_up=%d tx_pin=%s bit_time=%d", oid, rx.pin(),
          rx.pullup(), tx.pin(), bitTicks), false, false);
      send = mcu.lookupQuery("tmcuart_send oid=%c write=%*s read=%c",
          "tmcuart_response oid=%c read=%*s", (long) oid);
    }

    List<Boolean> registerInstance(Pins.Pin rx, Pins.Pin tx, List<String> selectPins,
        int addr) {
      if (!rx.pin().equals(this.rx.pin()) || !tx.pin().equals(this.tx.pin())
          || (selectPins == null) != (mux == null)) {
        throw new ConfigError("Shared TMC uarts must use the same pins");
      }
      List<Boolean> id = mux == null ? null : mux.instanceId(selectPins);
      if (!instances.add(id + "/" + addr)) {
        throw new ConfigError("Shared TMC uarts need unique address or select_pins polarity");
      }
      return id;
    }

    Long read(List<Boolean> instance, int addr, int reg) {
      if (mux != null) {
        mux.activate(instance);
      }
      try {
        Response r = send.sendTimed(queue, 0, (long) oid, encodeRead(0xf5, addr, reg), 10L);
        return decodeRead(reg, r.message().getBytes("read"));
      } catch (McuException e) {
        throw new CommandError(e.getMessage());
      }
    }

    void write(List<Boolean> instance, int addr, int reg, long val, Double printTime) {
      long minClock = printTime == null ? 0 : mcu.printTimeToClock(printTime);
      if (mux != null) {
        mux.activate(instance);
      }
      try {
        send.sendTimed(queue, minClock, (long) oid, encodeWrite(0xf5, addr, reg | 0x80, val),
            0L);
      } catch (McuException e) {
        throw new CommandError(e.getMessage());
      }
    }
  }

  /**
   * Select pins in front of one UART wire: each driver is reached with its own pattern on
   * them (written in its section with {@code !} for a low level).
   */
  static final class AnalogMux {
    final Mcu mcu;
    final Printer printer;
    final List<String> pins = new ArrayList<>();
    final List<Integer> oids = new ArrayList<>();
    List<Boolean> values;
    McuCommand update;

    AnalogMux(Printer printer, Mcu mcu, List<String> selectPins) {
      this.printer = printer;
      this.mcu = mcu;
      Pins registry = printer.lookupObject("pins", Pins.class);
      for (String desc : selectPins) {
        Pins.Pin p = registry.claim(desc, true, false, null);
        int oid = mcu.createOid();
        pins.add(p.pin());
        oids.add(oid);
        mcu.addConfigCmd(String.format(Locale.ROOT, "config_digital_out oid=%d pin=%s value=0"
            + " default_value=0 max_duration=0", oid, p.pin()), false, false);
      }
    }

    List<Boolean> instanceId(List<String> selectPins) {
      Pins registry = printer.lookupObject("pins", Pins.class);
      List<String> names = new ArrayList<>();
      List<Boolean> id = new ArrayList<>();
      for (String desc : selectPins) {
        Pins.Pin p = registry.parse(desc, true, false);
        McuModule chip = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
            McuModule.class);
        if (chip.mcu() != mcu) {
          throw new ConfigError("TMC mux pins must be on the same mcu");
        }
        names.add(p.pin());
        id.add(!p.invert());
      }
      if (!names.equals(pins)) {
        throw new ConfigError("All TMC mux instances must use identical pins");
      }
      return id;
    }

    void activate(List<Boolean> id) {
      for (int i = 0; i < oids.size(); i++) {
        boolean want = id.get(i);
        if (values == null || values.get(i) != want) {
          update.send((long) oids.get(i), want ? 1L : 0L);
        }
      }
      values = id;
    }
  }
}
