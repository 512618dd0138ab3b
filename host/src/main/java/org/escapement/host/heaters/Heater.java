package org.escapement.host.heaters;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.mcu.McuPwm;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatsSource;
import org.escapement.host.printer.StatusProvider;

/**
 * One heater: its sensor, its control (PID or watermark) and its PWM output. Each reading
 * sets the output 0.3 s ahead; the MCU turns the pin off by itself if the host stops
 * refreshing it for 3 s ({@code max_duration}), so a dead host cannot leave it on.
 *
 * <p>Made by {@link Heaters#setupHeater} for {@code [extruder]}, {@code [heater_bed]} and
 * {@code [heater_generic]}.
 */
public final class Heater implements StatusProvider, StatsSource, TemperatureSource {
  static final double KELVIN_TO_CELSIUS = -273.15;
  /** The MCU drops the heater when it has not heard from the host for this long. */
  public static final double MAX_HEAT_TIME = 3.0;
  /** The output is forced off when the host's main loop has not run for this long. */
  static final double MAX_MAINTHREAD_TIME = 5.0;
  /** A temperature older than this is reported as 0 (the sensor stopped reporting). */
  static final double QUELL_STALE_TIME = 7.0;
  /** Output changes smaller than this share of max_power are not sent (unless due). */
  static final double MIN_PWM_CHANGE_RATIO = 0.05;

  /** Where the heater's power goes: the MCU pin (or a fake one in tests). */
  interface Output {
    void setPwm(double printTime, double value);

    double estimatedPrintTime(double eventtime);
  }

  /** Reads the output's options ({@code heater_pin}, {@code pwm_cycle_time}) and makes it. */
  @FunctionalInterface
  interface OutputFactory {
    Output create(ConfigSection section, double pwmDelay);
  }

  private static final System.Logger LOG = System.getLogger("heaters");

  private final Printer printer;
  private final String name;
  private final String shortName;
  private final double minTemp;
  private final double maxTemp;
  private final double pwmDelay;
  private final double minExtrudeTemp;
  private final double maxPower;
  private final double minPwmChange;
  private final double smoothTime;
  private final Output output;
  private HeaterControl control;
  private boolean canExtrude;
  private double verifyMainthreadTime = -999;
  private double lastTemp;
  private double smoothedTemp;
  private double targetTemp;
  private double lastTempTime;
  private double nextPwmTime;
  private double lastPwmValue;
  private double lastPwmTime;

  Heater(Printer printer, ConfigSection section, TemperatureSensor sensor,
      OutputFactory outputs) {
    this.printer = printer;
    this.name = section.name();
    String[] words = name.split("\\s+");
    this.shortName = words[words.length - 1];
    minTemp = section.getFloat("min_temp", null, Bounds.min(KELVIN_TO_CELSIUS));
    maxTemp = section.getFloat("max_temp", null, Bounds.above(minTemp));
    sensor.setupMinMax(minTemp, maxTemp);
    sensor.setupCallback(this::temperatureCallback);
    // A sped-up simulated printer needs the same wall-clock margin as a real one.
    pwmDelay = sensor.reportTimeDelta() * printer.reactor().latencyScale();
    // Klipper does not check a default against the bounds (a bed's max_temp is below 170).
    Double extrude = section.getFloatOrNull("min_extrude_temp", Bounds.range(minTemp, maxTemp));
    minExtrudeTemp = extrude == null ? 170.0 : extrude;
    canExtrude = minExtrudeTemp <= 0 || printer.startOptions().isBatch();
    maxPower = section.getFloat("max_power", 1.0, new Bounds(null, 1.0, 0.0, null));
    minPwmChange = maxPower * MIN_PWM_CHANGE_RATIO;
    smoothTime = section.getFloat("smooth_time", 1.0, Bounds.above(0));
    control = section.getChoice("control", Map.<String, java.util.function.Function<Heater,
        HeaterControl>>of("watermark", h -> new WatermarkControl(h, section),
        "pid", h -> new PidControl(h, section)), null).apply(this);
    output = outputs.create(section, pwmDelay);
    printer.onEvent(Printer.Event.SHUTDOWN, () -> verifyMainthreadTime = -999);
  }

  /** The heater pin on its MCU: soft PWM, off by default, dropped after 3 s of silence. */
  static OutputFactory mcuOutputs(Printer printer) {
    return (section, pwmDelay) -> {
      McuPwm pwm = PinSetup.pwm(printer, section, "heater_pin");
      double cycle = section.getFloat("pwm_cycle_time", 0.100,
          new Bounds(null, pwmDelay, 0.0, null));
      pwm.setupCycleTime(cycle, false);
      pwm.setupMaxDuration(MAX_HEAT_TIME);
      return new Output() {
        @Override
        public void setPwm(double printTime, double value) {
          pwm.setPwm(printTime, value);
        }

        @Override
        public double estimatedPrintTime(double eventtime) {
          return pwm.mcu().estimatedPrintTime(eventtime);
        }
      };
    };
  }

  // ---- readings and output ----

  /**
   * Sets the output for the reading taken at {@code readTime} (controls call this). Off when
   * there is no target or the main loop has stalled; small changes are skipped until the MCU
   * needs a refresh.
   */
  public void setPwm(double readTime, double value) {
    double v = value;
    if (targetTemp <= 0 || readTime > verifyMainthreadTime) {
      v = 0;
    }
    if ((readTime < nextPwmTime || lastPwmValue == 0)
        && Math.abs(v - lastPwmValue) < minPwmChange) {
      return;
    }
    double pwmTime = readTime + pwmDelay;
    // Refresh well before the MCU's max_duration runs out, allowing for late readings.
    nextPwmTime = pwmTime + MAX_HEAT_TIME - (3 * pwmDelay + 0.001);
    lastPwmValue = v;
    lastPwmTime = pwmTime;
    output.setPwm(pwmTime, v);
  }

  /**
   * Target 0 and, if it is on, the output off at {@code printTime} without waiting for the
   * next reading: a restart must not leave it on. The off comes at least one reading's delay
   * after the last change: its command waits until the MCU has taken that change (the pin's
   * queue), so at the same time it would arrive late and shut the MCU down.
   *
   * @return when the output goes off (printTime if it is off already)
   */
  double turnOffAt(double printTime) {
    targetTemp = 0;
    if (lastPwmValue == 0) {
      return printTime; // already off (and nothing extra on the wire, as in Klipper)
    }
    double t = Math.max(printTime, lastPwmTime + pwmDelay);
    lastPwmValue = 0;
    lastPwmTime = t;
    nextPwmTime = t + MAX_HEAT_TIME - (3 * pwmDelay + 0.001);
    output.setPwm(t, 0);
    return t;
  }

  private void temperatureCallback(double readTime, double celsius) {
    double dt = readTime - lastTempTime;
    lastTemp = celsius;
    lastTempTime = readTime;
    control.temperatureUpdate(readTime, celsius, targetTemp);
    smoothedTemp += (celsius - smoothedTemp) * Math.min(dt / smoothTime, 1.0);
    canExtrude = smoothedTemp >= minExtrudeTemp;
  }

  /**
   * The host's main loop is alive at {@code eventtime} (called once a second): readings up
   * to 5 s later may drive the heater.
   */
  void noteMainLoopAlive(double eventtime) {
    if (!printer.isShutdown()) {
      verifyMainthreadTime = output.estimatedPrintTime(eventtime) + MAX_MAINTHREAD_TIME;
    }
  }

  // ---- for G-code and other modules ----

  /** The section name ({@code extruder}, {@code heater_generic chamber}). */
  public String name() {
    return name;
  }

  /** The last word of the name: what HEATER= and messages use. */
  public String shortName() {
    return shortName;
  }

  public double minTemp() {
    return minTemp;
  }

  public double maxTemp() {
    return maxTemp;
  }

  public double pwmDelay() {
    return pwmDelay;
  }

  public double maxPower() {
    return maxPower;
  }

  public double smoothTime() {
    return smoothTime;
  }

  /**
   * Sets the target; 0 turns the heater off. A target outside min_temp..max_temp is refused,
   * never clamped.
   */
  public void setTemp(double celsius) {
    if (Double.isNaN(celsius) || (celsius != 0 && (celsius < minTemp || celsius > maxTemp))) {
      throw new GCodeError(String.format(Locale.ROOT,
          "Requested temperature (%.1f) out of range (%.1f:%.1f)", celsius, minTemp, maxTemp));
    }
    targetTemp = celsius;
  }

  /** The smoothed temperature (0 when the sensor has gone quiet) and the target. */
  @Override
  public Temperature temperature(double eventtime) {
    double quell = output.estimatedPrintTime(eventtime) - QUELL_STALE_TIME;
    return new Temperature(lastTempTime < quell ? 0 : smoothedTemp, targetTemp);
  }

  public double target() {
    return targetTemp;
  }

  /** Still heating towards the target (M109, M190, TEMPERATURE_WAIT on a heater). */
  public boolean isBusy(double eventtime) {
    return control.isBusy(eventtime, smoothedTemp, targetTemp);
  }

  /** Hot enough to extrude (always in batch mode, and with min_extrude_temp 0). */
  public boolean canExtrude() {
    return canExtrude;
  }

  /**
   * For the extruder's move check: refuses extrusion below min_extrude_temp.
   *
   * @throws GCodeError "Extrude below minimum temp" as Klipper words it
   */
  public void checkCanExtrude() {
    if (!canExtrude) {
      throw new GCodeError("Extrude below minimum temp\n"
          + "See the 'min_extrude_temp' config option for details");
    }
  }

  /** Swaps the control (PID_CALIBRATE does); the target is reset to 0. */
  public HeaterControl setControl(HeaterControl newControl) {
    HeaterControl old = control;
    control = newControl;
    targetTemp = 0;
    return old;
  }

  /** Moves the target within range, for controls that change it themselves (autotune). */
  void alterTarget(double celsius) {
    targetTemp = celsius == 0 ? 0 : Math.max(minTemp, Math.min(maxTemp, celsius));
  }

  double lastPwmValue() {
    return lastPwmValue;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("temperature", Math.round(smoothedTemp * 100) / 100.0);
    s.put("target", targetTemp);
    s.put("power", lastPwmValue);
    return s;
  }

  @Override
  public Stats stats(double eventtime) {
    boolean active = targetTemp != 0 || lastTemp > 50;
    return new Stats(active, String.format(Locale.ROOT, "%s: target=%.0f temp=%.1f pwm=%.3f",
        shortName, targetTemp, lastTemp, lastPwmValue));
  }

  static void logInfo(String message) {
    LOG.log(System.Logger.Level.INFO, message);
  }
}
