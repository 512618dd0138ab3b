package org.escapement.host.heaters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sensor types every printer.cfg may name without defining them: Klipper's built-in
 * thermistors (with the datasheet points their curves are fitted to) and the amplifier and
 * RTD tables.
 */
final class SensorCatalog {
  private SensorCatalog() {}

  /**
   * A thermistor's defining points: three (temperature, resistance) points, or one point and
   * a beta (then t2..r3 are NaN).
   */
  record ThermistorPoints(double t1, double r1, double t2, double r2, double t3, double r3,
      double beta) {
    static ThermistorPoints three(double t1, double r1, double t2, double r2, double t3,
        double r3) {
      return new ThermistorPoints(t1, r1, t2, r2, t3, r3, Double.NaN);
    }

    static ThermistorPoints beta(double t1, double r1, double beta) {
      return new ThermistorPoints(t1, r1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, beta);
    }

    boolean hasBeta() {
      return !Double.isNaN(beta);
    }

    Thermistor thermistor(double pullupOhm, double inlineOhm, String what) {
      return hasBeta() ? Thermistor.fromBeta(pullupOhm, inlineOhm, t1, r1, beta)
          : Thermistor.fromPoints(pullupOhm, inlineOhm, t1, r1, t2, r2, t3, r3, what);
    }
  }

  /** Built-in thermistors by sensor_type, from their manufacturers' R-T tables. */
  static final Map<String, ThermistorPoints> THERMISTORS = new LinkedHashMap<>();

  static {
    THERMISTORS.put("EPCOS 100K B57560G104F",
        ThermistorPoints.three(25, 100000, 150, 1641.9, 250, 226.15));
    THERMISTORS.put("ATC Semitec 104GT-2",
        ThermistorPoints.three(20, 126800, 150, 1360, 300, 80.65));
    THERMISTORS.put("ATC Semitec 104NT-4-R025H42G",
        ThermistorPoints.three(25, 100000, 160, 1074, 300, 82.78));
    THERMISTORS.put("Generic 3950",
        ThermistorPoints.three(25, 100000, 150, 1770, 250, 230));
    THERMISTORS.put("Honeywell 100K 135-104LAG-J01",
        ThermistorPoints.beta(25, 100000, 3974));
    THERMISTORS.put("NTC 100K MGB18-104F39050L32",
        ThermistorPoints.beta(25, 100000, 4100));
    THERMISTORS.put("SliceEngineering 450",
        ThermistorPoints.three(25, 500000, 200, 3734, 400, 240));
    THERMISTORS.put("TDK NTCG104LH104JT1",
        ThermistorPoints.three(25, 100000, 50, 31230, 125, 2066));
  }

  /** AD595: {celsius, volts} pairs. */
  static final double[] AD595 = {
      0, 0.0027, 10, 0.101, 20, 0.200, 25, 0.250, 30, 0.300, 40, 0.401, 50, 0.503, 60, 0.605,
      80, 0.810, 100, 1.015, 120, 1.219, 140, 1.420, 160, 1.620, 180, 1.817, 200, 2.015,
      220, 2.213, 240, 2.413, 260, 2.614, 280, 2.817, 300, 3.022, 320, 3.227, 340, 3.434,
      360, 3.641, 380, 3.849, 400, 4.057, 420, 4.266, 440, 4.476, 460, 4.686, 480, 4.896};

  /** AD597: {celsius, volts} pairs. */
  static final double[] AD597 = {
      0, 0.0, 10, 0.097, 20, 0.196, 25, 0.245, 30, 0.295, 40, 0.395, 50, 0.496, 60, 0.598,
      80, 0.802, 100, 1.005, 120, 1.207, 140, 1.407, 160, 1.605, 180, 1.801, 200, 1.997,
      220, 2.194, 240, 2.392, 260, 2.592, 280, 2.794, 300, 2.996, 320, 3.201, 340, 3.406,
      360, 3.611, 380, 3.817, 400, 4.024, 420, 4.232, 440, 4.440, 460, 4.649, 480, 4.857,
      500, 5.066};

  /** AD8494: {celsius, volts} pairs. */
  static final double[] AD8494 = {
      -180, -0.714, -160, -0.658, -140, -0.594, -120, -0.523, -100, -0.446, -80, -0.365,
      -60, -0.278, -40, -0.188, -20, -0.095, 0, 0.002, 20, 0.1, 25, 0.125, 40, 0.201, 60, 0.303,
      80, 0.406, 100, 0.511, 120, 0.617, 140, 0.723, 160, 0.829, 180, 0.937, 200, 1.044,
      220, 1.151, 240, 1.259, 260, 1.366, 280, 1.473, 300, 1.58, 320, 1.687, 340, 1.794,
      360, 1.901, 380, 2.008, 400, 2.114, 420, 2.221, 440, 2.328, 460, 2.435, 480, 2.542,
      500, 2.65, 520, 2.759, 540, 2.868, 560, 2.979, 580, 3.09, 600, 3.203, 620, 3.316,
      640, 3.431, 660, 3.548, 680, 3.666, 700, 3.786, 720, 3.906, 740, 4.029, 760, 4.152,
      780, 4.276, 800, 4.401, 820, 4.526, 840, 4.65, 860, 4.774, 880, 4.897, 900, 5.018,
      920, 5.138, 940, 5.257, 960, 5.374, 980, 5.49, 1000, 5.606, 1020, 5.72, 1040, 5.833,
      1060, 5.946, 1080, 6.058, 1100, 6.17, 1120, 6.282, 1140, 6.394, 1160, 6.505, 1180, 6.616,
      1200, 6.727};

  /** AD8495: {celsius, volts} pairs. */
  static final double[] AD8495 = {
      -260, -0.786, -240, -0.774, -220, -0.751, -200, -0.719, -180, -0.677, -160, -0.627,
      -140, -0.569, -120, -0.504, -100, -0.432, -80, -0.355, -60, -0.272, -40, -0.184,
      -20, -0.093, 0, 0.003, 20, 0.1, 25, 0.125, 40, 0.2, 60, 0.301, 80, 0.402, 100, 0.504,
      120, 0.605, 140, 0.705, 160, 0.803, 180, 0.901, 200, 0.999, 220, 1.097, 240, 1.196,
      260, 1.295, 280, 1.396, 300, 1.497, 320, 1.599, 340, 1.701, 360, 1.803, 380, 1.906,
      400, 2.01, 420, 2.113, 440, 2.217, 460, 2.321, 480, 2.425, 500, 2.529, 520, 2.634,
      540, 2.738, 560, 2.843, 580, 2.947, 600, 3.051, 620, 3.155, 640, 3.259, 660, 3.362,
      680, 3.465, 700, 3.568, 720, 3.67, 740, 3.772, 760, 3.874, 780, 3.975, 800, 4.076,
      820, 4.176, 840, 4.275, 860, 4.374, 880, 4.473, 900, 4.571, 920, 4.669, 940, 4.766,
      960, 4.863, 980, 4.959, 1000, 5.055, 1020, 5.15, 1040, 5.245, 1060, 5.339, 1080, 5.432,
      1100, 5.525, 1120, 5.617, 1140, 5.709, 1160, 5.8, 1180, 5.891, 1200, 5.98, 1220, 6.069,
      1240, 6.158, 1260, 6.245, 1280, 6.332, 1300, 6.418, 1320, 6.503, 1340, 6.587, 1360, 6.671,
      1380, 6.754};

  /** AD8496: {celsius, volts} pairs. */
  static final double[] AD8496 = {
      -180, -0.642, -160, -0.59, -140, -0.53, -120, -0.464, -100, -0.392, -80, -0.315,
      -60, -0.235, -40, -0.15, -20, -0.063, 0, 0.027, 20, 0.119, 25, 0.142, 40, 0.213, 60, 0.308,
      80, 0.405, 100, 0.503, 120, 0.601, 140, 0.701, 160, 0.8, 180, 0.9, 200, 1.001, 220, 1.101,
      240, 1.201, 260, 1.302, 280, 1.402, 300, 1.502, 320, 1.602, 340, 1.702, 360, 1.801,
      380, 1.901, 400, 2.001, 420, 2.1, 440, 2.2, 460, 2.3, 480, 2.401, 500, 2.502, 520, 2.603,
      540, 2.705, 560, 2.808, 580, 2.912, 600, 3.017, 620, 3.124, 640, 3.231, 660, 3.34,
      680, 3.451, 700, 3.562, 720, 3.675, 740, 3.789, 760, 3.904, 780, 4.02, 800, 4.137,
      820, 4.254, 840, 4.37, 860, 4.486, 880, 4.6, 900, 4.714, 920, 4.826, 940, 4.937,
      960, 5.047, 980, 5.155, 1000, 5.263, 1020, 5.369, 1040, 5.475, 1060, 5.581, 1080, 5.686,
      1100, 5.79, 1120, 5.895, 1140, 5.999, 1160, 6.103, 1180, 6.207, 1200, 6.311};

  /** AD8497: {celsius, volts} pairs. */
  static final double[] AD8497 = {
      -260, -0.785, -240, -0.773, -220, -0.751, -200, -0.718, -180, -0.676, -160, -0.626,
      -140, -0.568, -120, -0.503, -100, -0.432, -80, -0.354, -60, -0.271, -40, -0.184,
      -20, -0.092, 0, 0.003, 20, 0.101, 25, 0.126, 40, 0.2, 60, 0.301, 80, 0.403, 100, 0.505,
      120, 0.605, 140, 0.705, 160, 0.804, 180, 0.902, 200, 0.999, 220, 1.097, 240, 1.196,
      260, 1.296, 280, 1.396, 300, 1.498, 320, 1.599, 340, 1.701, 360, 1.804, 380, 1.907,
      400, 2.01, 420, 2.114, 440, 2.218, 460, 2.322, 480, 2.426, 500, 2.53, 520, 2.634,
      540, 2.739, 560, 2.843, 580, 2.948, 600, 3.052, 620, 3.156, 640, 3.259, 660, 3.363,
      680, 3.466, 700, 3.569, 720, 3.671, 740, 3.773, 760, 3.874, 780, 3.976, 800, 4.076,
      820, 4.176, 840, 4.276, 860, 4.375, 880, 4.474, 900, 4.572, 920, 4.67, 940, 4.767,
      960, 4.863, 980, 4.96, 1000, 5.055, 1020, 5.151, 1040, 5.245, 1060, 5.339, 1080, 5.433,
      1100, 5.526, 1120, 5.618, 1140, 5.71, 1160, 5.801, 1180, 5.891, 1200, 5.981, 1220, 6.07,
      1240, 6.158, 1260, 6.246, 1280, 6.332, 1300, 6.418, 1320, 6.503, 1340, 6.588, 1360, 6.671,
      1380, 6.754};

  /** Amplifiers whose output voltage is tabulated: {celsius, volts} rows by sensor_type. */
  static final Map<String, List<double[]>> VOLTAGE_TABLES = new LinkedHashMap<>();

  /** Resistive sensors read through a pull-up: {celsius, ohms} rows by sensor_type. */
  static final Map<String, List<double[]>> RESISTANCE_TABLES = new LinkedHashMap<>();

  static {
    VOLTAGE_TABLES.put("AD595", rows(AD595));
    VOLTAGE_TABLES.put("AD597", rows(AD597));
    VOLTAGE_TABLES.put("AD8494", rows(AD8494));
    VOLTAGE_TABLES.put("AD8495", rows(AD8495));
    VOLTAGE_TABLES.put("AD8496", rows(AD8496));
    VOLTAGE_TABLES.put("AD8497", rows(AD8497));
    // The usual PT100 board: a 4400 ohm pull-up from 5 V, amplified 10 times by an INA826.
    List<double[]> ina826 = new ArrayList<>();
    for (double[] row : platinumRtd(100)) {
      ina826.add(new double[] {row[0], 10 * 5 * row[1] / (4400 + row[1])});
    }
    VOLTAGE_TABLES.put("PT100 INA826", ina826);
    RESISTANCE_TABLES.put("PT1000", platinumRtd(1000));
  }

  /**
   * A platinum RTD from 0 to 490 °C by the Callendar-Van Dusen equation (IEC 60751
   * coefficients; the cubic term only matters below 0 °C).
   */
  static List<double[]> platinumRtd(double ohmsAtZero) {
    double a = 3.9083e-3;
    double b = -5.775e-7;
    List<double[]> out = new ArrayList<>();
    for (int t = 0; t < 500; t += 10) {
      out.add(new double[] {t, ohmsAtZero * (1 + a * t + b * t * t)});
    }
    return out;
  }

  private static List<double[]> rows(double[] flat) {
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < flat.length; i += 2) {
      out.add(new double[] {flat[i], flat[i + 1]});
    }
    return out;
  }

  /**
   * Sensor types Klipper has that need hardware support we do not have yet (SPI and I2C
   * chips, the MCU's internal sensor): a config naming one gets "not supported yet" rather
   * than "unknown".
   */
  static final java.util.Set<String> NOT_YET = java.util.Set.of(
      "MAX6675", "MAX31855", "MAX31856", "MAX31865", "BME280", "DS18B20", "HTU21D", "SI7013",
      "SI7020", "SI7021", "SHT21", "SHT3X", "AHT10", "AHT1X", "AHT2X", "AHT3X", "LM75");
}
