package org.escapement.host.mcu;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A device on an SPI bus of an MCU: its chip select ({@code config_spi}), the bus settings
 * ({@code spi_set_bus}, or {@code spi_set_sw_bus} for bit-banged pins), and
 * {@code spi_send} / {@code spi_transfer} through the device's own command queue.
 */
public final class McuSpi {
  private final Mcu mcu;
  private final int oid;
  private CommandQueue queue; // made with the config: the link does not exist before
  private String busConfig;
  private final String swBusTicksFormat;
  private final String bus;
  private String resolvedBus;
  private McuCommand sendCmd;
  private McuQuery transferQuery;

  /**
   * @param csPin the chip select pin (null: none, the device's select is wired elsewhere)
   * @param bus the hardware bus name, null for the MCU's first
   * @param swPins miso, mosi and sclk pins of a software bus, or null for a hardware bus
   */
  public McuSpi(Mcu mcu, String bus, String csPin, int mode, int speed, String[] swPins,
      boolean csActiveHigh) {
    this.mcu = mcu;
    this.bus = bus;
    this.oid = mcu.createOid();
    // chip selects first (all deselected) before any bus is set up
    if (csPin == null) {
      mcu.addConfigCmd("config_spi_without_cs oid=" + oid, false, false);
    } else {
      mcu.addConfigCmd(String.format(Locale.ROOT, "config_spi oid=%d pin=%s cs_active_high=%d",
          oid, csPin, csActiveHigh ? 1 : 0), false, false);
    }
    if (swPins != null) {
      busConfig = String.format(Locale.ROOT,
          "spi_set_software_bus oid=%d miso_pin=%s mosi_pin=%s sclk_pin=%s mode=%d rate=%d", oid,
          swPins[0], swPins[1], swPins[2], mode, speed);
      swBusTicksFormat = String.format(Locale.ROOT,
          "spi_set_sw_bus oid=%d miso_pin=%s mosi_pin=%s sclk_pin=%s mode=%d", oid, swPins[0],
          swPins[1], swPins[2], mode) + " pulse_ticks=%d";
    } else {
      busConfig = String.format(Locale.ROOT, "spi_set_bus oid=%d spi_bus=%%s mode=%d rate=%d",
          oid, mode, speed);
      swBusTicksFormat = null;
    }
    final int hz = speed;
    mcu.registerConfigCallback(() -> buildConfig(hz));
  }

  private void buildConfig(int speed) {
    queue = mcu.newCommandQueue();
    if (swBusTicksFormat == null) {
      resolvedBus = BusNames.resolve(mcu, "spi", bus);
      busConfig = String.format(Locale.ROOT, busConfig, resolvedBus);
    } else if (mcu.tryLookupCommand("spi_set_sw_bus oid=%c miso_pin=%u mosi_pin=%u sclk_pin=%u"
        + " mode=%u pulse_ticks=%u") != null) {
      busConfig = String.format(Locale.ROOT, swBusTicksFormat, mcu.secondsToClock(1.0 / speed));
    }
    mcu.addConfigCmd(busConfig, false, false);
    sendCmd = mcu.lookupCommand("spi_send oid=%c data=%*s", queue);
    transferQuery = mcu.lookupQuery("spi_transfer oid=%c data=%*s",
        "spi_transfer_response oid=%c response=%*s", (long) oid);
  }

  /** The hardware bus in use once the configuration is built (null for a software bus). */
  public String resolvedBus() {
    return resolvedBus;
  }

  public Mcu mcu() {
    return mcu;
  }

  /**
   * The device's command queue (once the config is built): a pin that must switch in step
   * with the bytes sent (a display's data/command line) sends on it too.
   */
  public CommandQueue queue() {
    return queue;
  }

  public int oid() {
    return oid;
  }

  /** Sends bytes, not before {@code minClock}; no answer. */
  public void send(byte[] data, long minClock) {
    send(data, minClock, 0);
  }

  /** Sends bytes, not before {@code minClock} and needed by {@code reqClock}; no answer. */
  public void send(byte[] data, long minClock, long reqClock) {
    if (sendCmd == null) {
      // Before the config is built: sent with the MCU's initial states, as Klipper does.
      mcu.addConfigCmd("spi_send oid=" + oid + " data=" + HexFormat.of().formatHex(data), true,
          false);
      return;
    }
    sendCmd.sendTimed(minClock, reqClock, (long) oid, data);
  }

  /** Sends bytes and returns the bytes clocked in meanwhile (in a fiber). */
  public Response transfer(byte[] data, long minClock) {
    return transferQuery.sendTimed(queue, minClock, (long) oid, data);
  }
}
