package org.escapement.host.mcu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device on an I2C bus of an MCU: its object ({@code config_i2c}), the bus and address
 * ({@code i2c_set_bus}, or {@code i2c_set_sw_bus} for bit-banged pins), and writes through
 * the device's own command queue: {@code i2c_write} where the firmware has {@code i2c_read},
 * else {@code i2c_transfer} with nothing to read. Writes asked for before the MCU is
 * configured go out once it is, as Klipper's do.
 */
public final class McuI2c {
  private final Mcu mcu;
  private final int oid;
  private final int address;
  private final String bus;
  private final String swBusTicksFormat;
  private String busConfig;
  private String resolvedBus;
  private CommandQueue queue;
  private McuCommand writeCmd;
  private boolean transfer; // i2c_transfer oid write read_len instead of i2c_write oid data
  private final List<byte[]> pending = new ArrayList<>();

  /**
   * @param bus the hardware bus name, null for the MCU's first
   * @param swPins scl and sda pins of a software bus, or null for a hardware bus
   */
  public McuI2c(Mcu mcu, String bus, int address, int speed, String[] swPins) {
    this.mcu = mcu;
    this.bus = bus;
    this.address = address;
    this.oid = mcu.createOid();
    mcu.addConfigCmd("config_i2c oid=" + oid, false, false);
    if (swPins != null) {
      busConfig = String.format(Locale.ROOT,
          "i2c_set_software_bus oid=%d scl_pin=%s sda_pin=%s rate=%d address=%d", oid,
          swPins[0], swPins[1], speed, address);
      swBusTicksFormat = String.format(Locale.ROOT,
          "i2c_set_sw_bus oid=%d scl_pin=%s sda_pin=%s", oid, swPins[0], swPins[1])
          + " pulse_ticks=%d address=" + address;
    } else {
      busConfig = String.format(Locale.ROOT, "i2c_set_bus oid=%d i2c_bus=%%s rate=%d address=%d",
          oid, speed, address);
      swBusTicksFormat = null;
    }
    mcu.registerConfigCallback(() -> buildConfig(speed));
  }

  private void buildConfig(int speed) {
    queue = mcu.newCommandQueue();
    if (swBusTicksFormat == null) {
      resolvedBus = BusNames.resolve(mcu, "i2c", bus);
      busConfig = String.format(Locale.ROOT, busConfig, resolvedBus);
    } else if (mcu.tryLookupCommand("i2c_set_sw_bus oid=%c scl_pin=%u sda_pin=%u"
        + " pulse_ticks=%u address=%u") != null) {
      // a half period per clock edge
      busConfig = String.format(Locale.ROOT, swBusTicksFormat,
          mcu.secondsToClock(1.0 / speed / 2));
    }
    mcu.addConfigCmd(busConfig, false, false);
    if (mcu.tryLookupCommand("i2c_read oid=%c reg=%*s read_len=%u") != null) {
      writeCmd = mcu.lookupCommand("i2c_write oid=%c data=%*s", queue);
    } else {
      writeCmd = mcu.lookupCommand("i2c_transfer oid=%c write=%*s read_len=%u", queue);
      transfer = true;
    }
  }

  /** The hardware bus in use once the configuration is built (null for a software bus). */
  public String resolvedBus() {
    return resolvedBus;
  }

  public Mcu mcu() {
    return mcu;
  }

  public int oid() {
    return oid;
  }

  public int address() {
    return address;
  }

  /** Writes bytes to the device; before the MCU is configured, kept until {@link #flush}. */
  public void write(byte[] data) {
    if (writeCmd == null) {
      pending.add(data);
      return;
    }
    if (transfer) {
      writeCmd.send((long) oid, data, 0L);
    } else {
      writeCmd.send((long) oid, data);
    }
  }

  /** Sends the writes asked for before the MCU was configured (at connect). */
  public void flush() {
    List<byte[]> toWrite = new ArrayList<>(pending);
    pending.clear();
    toWrite.forEach(this::write);
  }
}
