package org.escapement.host.heaters;

/**
 * An NTC thermistor in a divider with a pull-up resistor (and optionally a resistor in line
 * with it), described by the Steinhart-Hart equation {@code 1/T = c1 + c2 ln R + c3 (ln R)^3}.
 * The coefficients come from three measured points, or from a beta value (then c3 = 0).
 */
public final class Thermistor implements AdcConverter {
  static final double KELVIN_TO_CELSIUS = -273.15;
  private static final System.Logger LOG = System.getLogger("heaters");
  // Readings this close to either rail would divide by zero; they mean an open or short.
  private static final double ADC_EDGE = 0.00001;

  private final double pullupOhm;
  private final double inlineOhm;
  private double c1;
  private double c2;
  private double c3;

  private Thermistor(double pullupOhm, double inlineOhm) {
    this.pullupOhm = pullupOhm;
    this.inlineOhm = inlineOhm;
  }

  /** From a beta value and one point (usually 25 °C and the nominal resistance). */
  public static Thermistor fromBeta(double pullupOhm, double inlineOhm, double t1, double r1,
      double beta) {
    Thermistor th = new Thermistor(pullupOhm, inlineOhm);
    th.useBeta(t1, r1, beta);
    return th;
  }

  /**
   * From three (temperature, resistance) points. When they give a c3 that is not positive
   * (the points do not fit the curve), the beta through the outer two points is used instead.
   *
   * @param what names the sensor in the warning for that case
   */
  public static Thermistor fromPoints(double pullupOhm, double inlineOhm, double t1, double r1,
      double t2, double r2, double t3, double r3, String what) {
    Thermistor th = new Thermistor(pullupOhm, inlineOhm);
    double[] y = {1 / (t1 - KELVIN_TO_CELSIUS), 1 / (t2 - KELVIN_TO_CELSIUS),
        1 / (t3 - KELVIN_TO_CELSIUS)};
    double[] l = {Math.log(r1), Math.log(r2), Math.log(r3)};
    // Subtracting the first equation from the others leaves two equations in c2 and c3:
    //   dy_i = c2 dl_i + c3 dl3_i
    double dl2 = l[0] - l[1];
    double dl3 = l[0] - l[2];
    double dc2 = cube(l[0]) - cube(l[1]);
    double dc3 = cube(l[0]) - cube(l[2]);
    double dy2 = y[0] - y[1];
    double dy3 = y[0] - y[2];
    double det = dl2 * dc3 - dl3 * dc2;
    double c3 = (dl2 * dy3 - dl3 * dy2) / det;
    if (!(c3 > 0)) {
      double beta = dl3 / dy3;
      LOG.log(System.Logger.Level.WARNING, String.format(java.util.Locale.ROOT,
          "Using thermistor beta %.3f in heater %s", beta, what));
      th.useBeta(t1, r1, beta);
      return th;
    }
    th.c3 = c3;
    th.c2 = (dy2 - c3 * dc2) / dl2;
    th.c1 = y[0] - th.c2 * l[0] - c3 * cube(l[0]);
    return th;
  }

  private void useBeta(double t1, double r1, double beta) {
    c3 = 0;
    c2 = 1 / beta;
    c1 = 1 / (t1 - KELVIN_TO_CELSIUS) - c2 * Math.log(r1);
  }

  private static double cube(double v) {
    return v * v * v;
  }

  @Override
  public double calcTemp(double adc) {
    double a = Math.max(ADC_EDGE, Math.min(1 - ADC_EDGE, adc));
    double r = pullupOhm * a / (1 - a) - inlineOhm;
    // A reading below the inline resistor alone is a short: as hot as the formula goes.
    double lnR = Math.log(Math.max(r, 1e-9));
    double invT = c1 + c2 * lnR + c3 * cube(lnR);
    return 1 / invT + KELVIN_TO_CELSIUS;
  }

  @Override
  public double calcAdc(double celsius) {
    if (celsius <= KELVIN_TO_CELSIUS) {
      return 1;
    }
    double invT = 1 / (celsius - KELVIN_TO_CELSIUS);
    double lnR;
    if (c3 != 0) {
      // The depressed cubic c3 x^3 + c2 x + (c1 - 1/T) = 0 has one real root (Cardano).
      double q = (c1 - invT) / (2 * c3);
      double p = c2 / (3 * c3);
      double s = Math.sqrt(p * p * p + q * q);
      lnR = Math.cbrt(s - q) - Math.cbrt(s + q);
    } else {
      lnR = (invT - c1) / c2;
    }
    double r = Math.exp(lnR) + inlineOhm;
    return r / (pullupOhm + r);
  }

  double[] coefficients() {
    return new double[] {c1, c2, c3};
  }
}
