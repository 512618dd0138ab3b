package org.escapement.host.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Minimises an error function by trying each parameter in turn a step up and a step down: a
 * step that helps grows by 10%, one that does not shrinks by 10%, until the steps sum to less
 * than 0.00001 (or 10000 rounds). Slow but sure for the few parameters of a calibration, and
 * as Klipper's, so the same data gives the same fit.
 */
public final class CoordinateDescent {
  static final double THRESHOLD = 0.00001;
  static final int MAX_ROUNDS = 10000;

  private CoordinateDescent() {}

  /**
   * @param adjustable the names of the parameters to vary, in the order they are tried
   * @param start every parameter the error function reads
   * @return the parameters with the least error found
   */
  public static Map<String, Double> minimise(List<String> adjustable, Map<String, Double> start,
      ToDoubleFunction<Map<String, Double>> error) {
    Map<String, Double> params = new LinkedHashMap<>(start);
    double[] step = new double[adjustable.size()];
    java.util.Arrays.fill(step, 1.0);
    double bestErr = error.applyAsDouble(params);
    int rounds = 0;
    while (sum(step) > THRESHOLD && rounds < MAX_ROUNDS) {
      rounds++;
      for (int i = 0; i < step.length; i++) {
        String name = adjustable.get(i);
        double orig = params.get(name);
        params.put(name, orig + step[i]);
        double err = error.applyAsDouble(params);
        if (err < bestErr) {
          bestErr = err;
          step[i] *= 1.1;
          continue;
        }
        params.put(name, orig - step[i]);
        err = error.applyAsDouble(params);
        if (err < bestErr) {
          bestErr = err;
          step[i] *= 1.1;
          continue;
        }
        params.put(name, orig);
        step[i] *= 0.9;
      }
    }
    System.getLogger("calibrate").log(System.Logger.Level.INFO,
        "Coordinate descent best_err: " + bestErr + "  rounds: " + rounds);
    return params;
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s;
  }
}
