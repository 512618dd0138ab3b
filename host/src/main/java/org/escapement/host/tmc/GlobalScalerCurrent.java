package org.escapement.host.tmc;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;

/**
 * Current setting of the TMC5160: an 8-bit GLOBALSCALER sets the full scale (0 means 256) and
 * the 5-bit IRUN/IHOLD divide it, I_rms = GS/256 * (CS + 1)/32 * Vfs/Rsense / sqrt(2) with
 * Vfs 0.325 V (TMC5160 datasheet 9, "Sense resistor and current setting"). The scaler is the
 * smallest that reaches the run current, at least 32 (the datasheet's lowest usable value).
 */
public final class GlobalScalerCurrent implements TmcCurrent {
  static final double VREF = 0.325;
  /** A sanity limit: the real maximum depends on the board's sense resistors and MOSFETs. */
  static final double MAX_CURRENT = 10.000;

  private final TmcFields fields;
  private final TmcTransport transport;
  private final double senseResistor;
  private double requestedHold;

  public GlobalScalerCurrent(ConfigSection section, TmcTransport transport) {
    this.transport = transport;
    this.fields = transport.fields();
    double run = section.getFloat("run_current", null, Bounds.above(0).andMax(MAX_CURRENT));
    double hold = section.getFloat("hold_current", MAX_CURRENT,
        Bounds.above(0).andMax(MAX_CURRENT));
    requestedHold = hold;
    senseResistor = section.getFloat("sense_resistor", 0.075, Bounds.above(0));
    int[] b = bits(run, hold, senseResistor);
    fields.setField("globalscaler", b[0]);
    fields.setField("ihold", b[2]);
    fields.setField("irun", b[1]);
  }

  static int globalScaler(double current, double senseResistor) {
    int gs = (int) (current * 256.0 * Math.sqrt(2.0) * senseResistor / VREF + 0.5);
    gs = Math.max(32, gs);
    return gs >= 256 ? 0 : gs;
  }

  static int currentBits(double current, int globalScaler, double senseResistor) {
    int gs = globalScaler == 0 ? 256 : globalScaler;
    int cs = (int) (current * 256.0 * 32.0 * Math.sqrt(2.0) * senseResistor / (gs * VREF)
        - 1.0 + 0.5);
    return Math.max(0, Math.min(31, cs));
  }

  /** {globalscaler, irun, ihold}. */
  static int[] bits(double run, double hold, double senseResistor) {
    int gs = globalScaler(run, senseResistor);
    return new int[] {gs, currentBits(run, gs, senseResistor),
        currentBits(Math.min(hold, run), gs, senseResistor)};
  }

  private double fromField(String field) {
    long gs = fields.getField("globalscaler");
    if (gs == 0) {
      gs = 256;
    }
    return gs * (fields.getField(field) + 1) * VREF
        / (256.0 * 32.0 * Math.sqrt(2.0) * senseResistor);
  }

  @Override
  public Currents get() {
    return new Currents(fromField("irun"), fromField("ihold"), requestedHold, MAX_CURRENT);
  }

  @Override
  public void set(double run, double hold, double printTime) {
    requestedHold = hold;
    int[] b = bits(run, hold, senseResistor);
    transport.setRegister("GLOBALSCALER", fields.setField("globalscaler", b[0]), printTime);
    fields.setField("ihold", b[2]);
    transport.setRegister("IHOLD_IRUN", fields.setField("irun", b[1]), printTime);
  }
}
