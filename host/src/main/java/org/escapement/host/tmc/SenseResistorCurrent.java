package org.escapement.host.tmc;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;

/**
 * Current setting of the TMC2130/2208/2209: the peak current through the sense resistor is
 * (CS + 1) / 32 * Vfs / (Rsense + 20 mOhm), with CS the 5-bit IRUN or IHOLD and Vfs 0.32 V, or
 * 0.18 V with {@code vsense} set (TMC2209 datasheet 9, "Selecting sense resistors"); the
 * 20 mOhm is the drivers' internal resistance in series. The RMS current is the peak over
 * sqrt(2). {@code vsense} is used unless even CS 31 cannot reach the run current with it.
 */
public final class SenseResistorCurrent implements TmcCurrent {
  static final double MAX_CURRENT = 2.000;
  private static final double VREF_HIGH = 0.32;
  private static final double VREF_LOW = 0.18;
  private static final double INTERNAL_RESISTANCE = 0.020;

  private final TmcFields fields;
  private final TmcTransport transport;
  private final double senseResistor;
  private double requestedHold;

  public SenseResistorCurrent(ConfigSection section, TmcTransport transport) {
    this.transport = transport;
    this.fields = transport.fields();
    double run = section.getFloat("run_current", null, Bounds.above(0).andMax(MAX_CURRENT));
    double hold = section.getFloat("hold_current", MAX_CURRENT,
        Bounds.above(0).andMax(MAX_CURRENT));
    requestedHold = hold;
    senseResistor = section.getFloat("sense_resistor", 0.110, Bounds.above(0));
    Bits b = bits(run, hold);
    fields.setField("vsense", b.vsense);
    fields.setField("ihold", b.ihold);
    fields.setField("irun", b.irun);
  }

  record Bits(boolean vsense, int irun, int ihold) {}

  /** CS for an RMS current: the nearest step, rounding half up, clamped to 0..31. */
  static int currentBits(double current, boolean vsense, double senseResistor) {
    double r = senseResistor + INTERNAL_RESISTANCE;
    double vref = vsense ? VREF_LOW : VREF_HIGH;
    int cs = (int) (32.0 * r * current * Math.sqrt(2.0) / vref + 0.5) - 1;
    return Math.max(0, Math.min(31, cs));
  }

  static double currentFromBits(long cs, boolean vsense, double senseResistor) {
    double r = senseResistor + INTERNAL_RESISTANCE;
    double vref = vsense ? VREF_LOW : VREF_HIGH;
    return (cs + 1) * vref / (32.0 * r * Math.sqrt(2.0));
  }

  Bits bits(double run, double hold) {
    return bits(run, hold, senseResistor);
  }

  static Bits bits(double run, double hold, double senseResistor) {
    boolean vsense = true;
    int irun = currentBits(run, true, senseResistor);
    if (irun == 31) {
      double cur = currentFromBits(irun, true, senseResistor);
      if (cur < run) {
        // out of reach with the low range: the high range may come closer
        int irun2 = currentBits(run, false, senseResistor);
        double cur2 = currentFromBits(irun2, false, senseResistor);
        if (Math.abs(run - cur2) < Math.abs(run - cur)) {
          vsense = false;
          irun = irun2;
        }
      }
    }
    int ihold = currentBits(Math.min(hold, run), vsense, senseResistor);
    return new Bits(vsense, irun, ihold);
  }

  @Override
  public Currents get() {
    boolean vsense = fields.getField("vsense") != 0;
    return new Currents(currentFromBits(fields.getField("irun"), vsense, senseResistor),
        currentFromBits(fields.getField("ihold"), vsense, senseResistor), requestedHold,
        MAX_CURRENT);
  }

  @Override
  public void set(double run, double hold, double printTime) {
    requestedHold = hold;
    Bits b = bits(run, hold);
    if ((b.vsense ? 1 : 0) != fields.getField("vsense")) {
      long chopconf = fields.setField("vsense", b.vsense);
      transport.setRegister("CHOPCONF", chopconf, printTime);
    }
    fields.setField("ihold", b.ihold);
    long v = fields.setField("irun", b.irun);
    transport.setRegister("IHOLD_IRUN", v, printTime);
  }
}
