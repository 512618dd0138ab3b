package org.escapement.host.motion;

/**
 * One probe measurement: with the toolhead at (bedX, bedY), the nozzle would touch the bed
 * at toolhead height bedZ. The probe itself was at the toolhead position (testX, testY,
 * testZ) when it triggered. All in the frame of the config file.
 */
public record ProbeResult(double bedX, double bedY, double bedZ, double testX, double testY,
    double testZ) {
  /** The result of a trigger at toolhead position {@code test}, given the probe's offsets. */
  public static ProbeResult of(double[] test, double[] offsets) {
    return new ProbeResult(test[0] + offsets[0], test[1] + offsets[1], test[2] - offsets[2],
        test[0], test[1], test[2]);
  }
}
