package org.escapement.host.heaters;

import java.util.Locale;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuAdc;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.mcu.McuQuery;
import org.escapement.host.modules.McuModule;
import org.escapement.host.printer.Printer;

/**
 * {@code sensor_type: temperature_mcu}: the chip's own temperature sensor, on the ADC channel
 * the firmware names {@code ADC_TEMPERATURE}. The reading is linear in temperature; the line
 * comes from the chip's datasheet figures or its factory calibration (read from flash with
 * {@code debug_read} once the MCU is identified), unless the user gives one or two points
 * ({@code sensor_temperature1}/{@code sensor_adc1}, ...). The MCU then checks the range
 * itself as for a thermistor. In batch mode nothing can be read, so, as Klipper does, the
 * input is sampled with no range check.
 */
final class McuTemperatureSensor implements TemperatureSensor {
  static final double SAMPLE_TIME = 0.001;
  static final int SAMPLE_COUNT = 8;
  static final double REPORT_TIME = 0.300;
  static final int RANGE_CHECK_COUNT = 4;
  static final String PIN = "ADC_TEMPERATURE";

  /** The line {@code celsius = base + adc * slope}, adc as a fraction of full scale. */
  record Line(double base, double slope) {
    static Line through(double celsius, double adc, double slope) {
      return new Line(celsius - adc * slope, slope);
    }

    double celsius(double adc) {
      return base + adc * slope;
    }

    double adc(double celsius) {
      return (celsius - base) / slope;
    }
  }

  /** Reads a 16-bit ({@code order} 1) or 32-bit ({@code order} 2) word of the MCU's memory. */
  @FunctionalInterface
  interface MemoryReader {
    long read(int order, long addr);
  }

  private final String name;
  private final McuAdc adc;
  private final Double temp1;
  private final Double adc1;
  private final Double temp2;
  private final Double adc2;
  private Callback callback = (t, c) -> {};
  private double minCelsius;
  private double maxCelsius;
  private Line line;
  private double minAdc;
  private double maxAdc;
  private double lastAdc = Double.NaN;

  McuTemperatureSensor(Printer printer, ConfigSection section) {
    this.name = section.name();
    String mcuName = section.get("sensor_mcu", "mcu");
    temp1 = section.getFloatOrNull("sensor_temperature1", Bounds.NONE);
    adc1 = temp1 == null ? null : section.getFloat("sensor_adc1", null, Bounds.range(0, 1));
    temp2 = temp1 == null ? null : section.getFloatOrNull("sensor_temperature2", Bounds.NONE);
    adc2 = temp2 == null ? null : section.getFloat("sensor_adc2", null, Bounds.range(0, 1));
    Pins pins = printer.lookupObject("pins", Pins.class);
    Pins.Pin p = pins.claim(mcuName + ":" + PIN, false, false, null);
    Mcu mcu = printer.lookupObject(p.chip().equals("mcu") ? "mcu" : "mcu " + p.chip(),
        McuModule.class).mcu();
    adc = new McuAdc(new McuPin(mcu, p.pin(), false, 0, Heaters.where(section, "sensor_type"),
        pins.resolver(p.chip())::resolve));
    adc.setCallback(this::reading);
    Heaters.of(printer).noteAdcSensor(this::outOfRangeReport);
    if (printer.startOptions().isBatch()) {
      adc.setupSampling(REPORT_TIME, SAMPLE_TIME, SAMPLE_COUNT, 0, 1, 0);
      return;
    }
    printer.onEvent(Printer.Event.MCU_IDENTIFY, () -> calibrate(mcu));
  }

  private void calibrate(Mcu mcu) {
    McuQuery debugRead = mcu.lookupQuery("debug_read order=%c addr=%u", "debug_result val=%u",
        null);
    String mcuType = mcu.dictionary().constant("MCU").orElse("");
    Line nominal = nominalLine(mcuType, (order, addr) -> debugRead.send(order, addr)
        .getLong("val"));
    Heater.logInfo(String.format(Locale.ROOT, "mcu_temperature '%s' nominal base=%.6f"
        + " slope=%.6f", mcu.name(), nominal.base(), nominal.slope()));
    line = userLine(nominal, temp1, adc1, temp2, adc2);
    double a = line.adc(minCelsius);
    double b = line.adc(maxCelsius);
    minAdc = Math.min(a, b);
    maxAdc = Math.max(a, b);
    adc.setupSampling(REPORT_TIME, SAMPLE_TIME, SAMPLE_COUNT, minAdc, maxAdc, RANGE_CHECK_COUNT);
  }

  /** The nominal line with the user's calibration point(s) applied. */
  static Line userLine(Line nominal, Double temp1, Double adc1, Double temp2, Double adc2) {
    if (temp1 == null) {
      return nominal;
    }
    double slope = temp2 == null ? nominal.slope() : (temp2 - temp1) / (adc2 - adc1);
    return Line.through(temp1, adc1, slope);
  }

  /**
   * The chip's line by its {@code MCU} constant: datasheet figures (3.3 V reference), or the
   * factory calibration words at the addresses Klipper reads them from.
   */
  static Line nominalLine(String mcuType, MemoryReader mem) {
    if (mcuType.startsWith("rp2")) {
      return Line.through(27, 0.706 / 3.3, 3.3 / -0.001721);
    } else if (mcuType.startsWith("sam3")) {
      return Line.through(27, 0.8 / 3.3, 3.3 / 0.002650);
    } else if (mcuType.startsWith("sam4")) {
      return Line.through(27, 1.44 / 3.3, 3.3 / 0.004700);
    } else if (mcuType.startsWith("same70")) {
      return Line.through(25, 0.72 / 3.3, 3.3 / 0.002330);
    } else if (mcuType.startsWith("samd21")) {
      return samd(mem, 0x00806030L);
    } else if (mcuType.startsWith("samd51") || mcuType.startsWith("same5")) {
      return samd(mem, 0x00800100L);
    } else if (mcuType.startsWith("stm32f1")) {
      return Line.through(25, 1.43 / 3.3, 3.3 / -0.004300);
    } else if (mcuType.startsWith("stm32f2")) {
      return Line.through(25, 0.76 / 3.3, 3.3 / 0.002500);
    } else if (mcuType.startsWith("stm32f4")) {
      return twoPoint(mem, 0x1FFF7A2CL, 30, 0x1FFF7A2EL, 110, 4095);
    } else if (mcuType.startsWith("stm32f042") || mcuType.startsWith("stm32f072")) {
      return twoPoint(mem, 0x1FFFF7B8L, 30, 0x1FFFF7C2L, 110, 4095);
    } else if (mcuType.startsWith("stm32f070")) {
      // No hot calibration point on this chip: the datasheet's slope through the 30 C one.
      return Line.through(30, mem.read(1, 0x1FFFF7B8L) / 4095.0, 3.3 / -0.004300);
    } else if (mcuType.startsWith("stm32g0") || mcuType.startsWith("stm32g4")
        || mcuType.startsWith("stm32l4")) {
      // Calibrated with a 3.0 V reference; our readings are against 3.3 V.
      return twoPoint(mem, 0x1FFF75A8L, 30, 0x1FFF75CAL, 130, 3.3 * 4095 / 3.0);
    } else if (mcuType.startsWith("stm32h723")) {
      return twoPoint(mem, 0x1FF1E820L, 30, 0x1FF1E840L, 130, 4095);
    } else if (mcuType.startsWith("stm32h7")) {
      // Calibrated with the 16-bit ADC.
      return twoPoint(mem, 0x1FF1E820L, 30, 0x1FF1E840L, 110, 65535);
    }
    throw new ConfigError("MCU temperature not supported on " + mcuType);
  }

  private static Line twoPoint(MemoryReader mem, long addr1, double celsius1, long addr2,
      double celsius2, double fullScale) {
    double adcLow = mem.read(1, addr1) / fullScale;
    double adcHigh = mem.read(1, addr2) / fullScale;
    return Line.through(celsius1, adcLow, (celsius2 - celsius1) / (adcHigh - adcLow));
  }

  /** The SAMD NVM temperature log: room and hot temperatures, ADC readings and 1 V errors. */
  private static Line samd(MemoryReader mem, long addr) {
    long cal1 = mem.read(2, addr);
    long cal2 = mem.read(2, addr + 4);
    double roomTemp = (cal1 & 0xff) + ((cal1 >> 8) & 0xf) / 10.0;
    double hotTemp = ((cal1 >> 12) & 0xff) + ((cal1 >> 20) & 0xf) / 10.0;
    double room1v = oneVolt((cal1 >> 24) & 0xff);
    double hot1v = oneVolt(cal2 & 0xff);
    double roomAdc = ((cal2 >> 8) & 0xfff) * room1v / (3.3 * 4095);
    double hotAdc = ((cal2 >> 20) & 0xfff) * hot1v / (3.3 * 4095);
    return Line.through(roomTemp, roomAdc, (hotTemp - roomTemp) / (hotAdc - roomAdc));
  }

  /** The 1 V reference's actual voltage from its signed error in millivolts. */
  private static double oneVolt(long error) {
    // As Klipper reads the byte: an error of either sign counts by its size, below 1 V.
    long mv = (error & 0x80) != 0 ? 0x100 - error : error;
    return 1.0 - mv / 1000.0;
  }

  private void reading(double readTime, double value) {
    lastAdc = value;
    if (line != null) {
      callback.temperature(readTime + SAMPLE_COUNT * SAMPLE_TIME, line.celsius(value));
    }
  }

  private String outOfRangeReport() {
    if (line == null || Double.isNaN(lastAdc) || (lastAdc >= minAdc && lastAdc <= maxAdc)) {
      return null;
    }
    return String.format(Locale.ROOT, "Sensor '%s' temperature %.3f not in range %.3f:%.3f",
        name, line.celsius(lastAdc), minCelsius, maxCelsius);
  }

  @Override
  public void setupMinMax(double minCelsius, double maxCelsius) {
    this.minCelsius = minCelsius;
    this.maxCelsius = maxCelsius;
  }

  @Override
  public void setupCallback(Callback callback) {
    this.callback = callback;
  }

  @Override
  public double reportTimeDelta() {
    return REPORT_TIME;
  }
}
