package org.escapement.host.heaters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The relay test behind PID_CALIBRATE: full power until the target, off until 5 degrees
 * below it, over and over. The amplitude and period of the resulting oscillation give the
 * ultimate gain and period (Astrom-Hagglund), and those the PID gains (Ziegler-Nichols).
 */
final class PidAutoTune implements HeaterControl {
  static final double TUNE_DELTA = 5.0;
  /** Peaks (highs and lows) to record before the result is trusted. */
  static final int PEAKS_NEEDED = 12;

  /** PID gains in printer.cfg units (times 255). */
  record Gains(double kp, double ki, double kd) {}

  private record Sample(double time, double value) {}

  private final Heater heater;
  private final double maxPower;
  private final double target;
  private boolean heating;
  private double peak;
  private double peakTime;
  private final List<Sample> peaks = new ArrayList<>();
  private double lastPwm;
  private final List<Sample> pwmSamples = new ArrayList<>();
  private final List<Sample> tempSamples = new ArrayList<>();

  PidAutoTune(Heater heater, double target) {
    this.heater = heater;
    this.maxPower = heater.maxPower();
    this.target = target;
  }

  private void setPwm(double readTime, double value) {
    if (value != lastPwm) {
      pwmSamples.add(new Sample(readTime + heater.pwmDelay(), value));
      lastPwm = value;
    }
    heater.setPwm(readTime, value);
  }

  @Override
  public void temperatureUpdate(double readTime, double celsius, double currentTarget) {
    tempSamples.add(new Sample(readTime, celsius));
    if (heating && celsius >= currentTarget) {
      heating = false;
      notePeak();
      heater.alterTarget(target - TUNE_DELTA);
    } else if (!heating && celsius <= currentTarget) {
      heating = true;
      notePeak();
      heater.alterTarget(target);
    }
    if (heating) {
      setPwm(readTime, maxPower);
      if (celsius < peak) {
        peak = celsius;
        peakTime = readTime;
      }
    } else {
      setPwm(readTime, 0);
      if (celsius > peak) {
        peak = celsius;
        peakTime = readTime;
      }
    }
  }

  @Override
  public boolean isBusy(double eventtime, double smoothedCelsius, double currentTarget) {
    return heating || peaks.size() < PEAKS_NEEDED;
  }

  /** Done: enough peaks recorded, heater off. */
  boolean finished() {
    return !isBusy(0, 0, 0);
  }

  private void notePeak() {
    peaks.add(new Sample(peakTime, peak));
    peak = heating ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    if (peaks.size() >= 4) {
      gainsAt(peaks.size() - 1);
    }
  }

  /** The gains from the oscillation ending at peak {@code pos}. */
  private Gains gainsAt(int pos) {
    double swing = peaks.get(pos).value() - peaks.get(pos - 1).value();
    double period = peaks.get(pos).time() - peaks.get(pos - 2).time();
    double amplitude = 0.5 * Math.abs(swing);
    double ku = 4 * maxPower / (Math.PI * amplitude);
    double tu = period;
    double ti = 0.5 * tu;
    double td = 0.125 * tu;
    double kp = 0.6 * ku * PidControl.PID_PARAM_BASE;
    Gains g = new Gains(kp, kp / ti, kp * td);
    System.getLogger("heaters").log(System.Logger.Level.INFO, String.format(Locale.ROOT,
        "Autotune: raw=%f/%f Ku=%f Tu=%f  Kp=%f Ki=%f Kd=%f", swing, maxPower, ku, tu,
        g.kp(), g.ki(), g.kd()));
    return g;
  }

  /** The gains of the cycle with the median period (one odd cycle does not skew it). */
  Gains finalGains() {
    List<int[]> cycles = new ArrayList<>();
    for (int pos = 4; pos < peaks.size(); pos++) {
      cycles.add(new int[] {pos});
    }
    cycles.sort(Comparator.comparingDouble(c -> peaks.get(c[0]).time()
        - peaks.get(c[0] - 2).time()));
    return gainsAt(cycles.get(cycles.size() / 2)[0]);
  }

  /** Oscillation periods seen so far (seconds), for reports. */
  List<Double> periods() {
    List<Double> out = new ArrayList<>();
    for (int pos = 2; pos < peaks.size(); pos++) {
      out.add(peaks.get(pos).time() - peaks.get(pos - 2).time());
    }
    return out;
  }

  /** The raw samples, for offline analysis (WRITE_FILE=1). */
  void writeFile(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    pwmSamples.forEach(s -> lines.add(String.format(Locale.ROOT, "pwm: %.3f %.3f", s.time(),
        s.value())));
    tempSamples.forEach(s -> lines.add(String.format(Locale.ROOT, "%.3f %.3f", s.time(),
        s.value())));
    Files.writeString(file, String.join("\n", lines));
  }
}
