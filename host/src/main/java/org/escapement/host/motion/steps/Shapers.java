package org.escapement.host.motion.steps;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input shapers: a few impulses whose sum, convolved with the motion, cancels ringing at the
 * printer's resonant frequency. Each shaper gives amplitudes A and times T for a frequency and
 * a damping ratio (the formulas and tables are published: Singhose's ZV/ZVD/EI family and the
 * generalised MZV). Types may carry parameters: {@code mzv(5, 0.6)}, {@code mzv(tau=0.7)},
 * {@code ei(v_tol=0.02)}.
 */
public final class Shapers {
  /** Residual vibration the EI shapers allow by default (1/20). */
  static final double SHAPER_VIBRATION_REDUCTION = 20.0;
  public static final double DEFAULT_DAMPING_RATIO = 0.1;

  /**
   * A shaper: what the motion is convolved with. Shaped position {@code x_s(t)} is a weighted
   * average of {@code x(t - delay)} over the shaper's delays (then centred, see
   * InputShaperKinematics).
   */
  public sealed interface Shaper permits Pulses, Kernel {}

  /** A shaper's impulses, in their textbook form (first at t = 0, not normalised). */
  public record Pulses(double[] a, double[] t) implements Shaper {
    public int size() {
      return a.length;
    }
  }

  /**
   * A continuous shaper: weight {@code w(tau) = p(tau / duration) / duration} for delays
   * {@code tau} in [0, duration], with {@code p(s) = sum coef[k] s^k}; its integral is 1.
   */
  public record Kernel(double duration, double[] coef) implements Shaper {
    /** The weight density at delay {@code tau}. */
    public double weight(double tau) {
      if (tau < 0 || tau > duration) {
        return 0;
      }
      return polynomial(coef, tau / duration) / duration;
    }
  }

  /** What the config accepts of each type. */
  public record Type(String name, double minFreq, double maxDampingRatio) {}

  /** A shaper that cannot be built from the given parameters. */
  public static final class ShaperException extends IllegalArgumentException {
    ShaperException(String message) {
      super(message);
    }
  }

  /** Minimum frequencies keep the projected max acceleration near 1500 mm/s^2. */
  public static final List<Type> TYPES = List.of(
      new Type("zv", 21, 0.99), new Type("mzv", 23, 0.99), new Type("zvd", 29, 0.99),
      new Type("ei", 29, 0.4), new Type("2hump_ei", 39, 0.3), new Type("3hump_ei", 48, 0.2),
      // Smooth kernels: as long as zvd (0.8 period) and 2hump_ei (1.3): their minimums. Above
      // these dampings the kernels grow small negative lobes (see docs/input-shaping.md).
      new Type("smooth_zv", 29, 0.3), new Type("smooth_mzv", 39, 0.2),
      new Type("smooth_ei", 39, 0.2));

  private static final Pattern WITH_ARGS = Pattern.compile("(\\w+)\\s*\\((.*)\\)$");
  private static final Pattern ARG = Pattern.compile("(?:(\\w+)\\s*=\\s*)?\\s*([\\d.]+)");

  private Shapers() {}

  /** The type of a (possibly parameterised) shaper name, or null if unknown. */
  public static Type type(String name) {
    Matcher m = WITH_ARGS.matcher(name);
    String base = m.matches() ? m.group(1) : name;
    for (Type t : TYPES) {
      if (t.name().equals(base)) {
        return t;
      }
    }
    return null;
  }

  /** Builds the pulses of {@code name} (with its parameters) for a frequency and damping. */
  public static Pulses pulses(String name, double freq, double damping) {
    Matcher m = WITH_ARGS.matcher(name);
    String base = name;
    java.util.List<Double> positional = new java.util.ArrayList<>();
    Map<String, Double> named = new java.util.LinkedHashMap<>();
    if (m.matches()) {
      base = m.group(1);
      Matcher a = ARG.matcher(m.group(2));
      while (a.find()) {
        double v = Double.parseDouble(a.group(2));
        if (a.group(1) == null) {
          positional.add(v);
        } else {
          named.put(a.group(1), v);
        }
      }
      if (!positional.isEmpty() && !named.isEmpty()) {
        throw new ShaperException("Mixing named and non-named shaper parameters is not"
            + " supported");
      }
    }
    return switch (base) {
      case "zv" -> {
        noArgs(base, positional, named);
        yield zv(freq, damping);
      }
      case "zvd" -> {
        noArgs(base, positional, named);
        yield zvd(freq, damping);
      }
      case "mzv" -> {
        int n = (int) arg(positional, named, 0, "n", 3);
        double t = arg(positional, named, 1, "t", 0);
        double tau = arg(positional, named, 2, "tau", 0);
        checkOnly(base, named, "n", "t", "tau");
        yield mzv(freq, damping, n, t, tau);
      }
      case "ei" -> {
        double vtol = arg(positional, named, 0, "v_tol", 1.0 / SHAPER_VIBRATION_REDUCTION);
        checkOnly(base, named, "v_tol");
        yield ei(freq, damping, vtol);
      }
      case "2hump_ei" -> {
        noArgs(base, positional, named);
        yield expansion(freq, damping, TWO_HUMP_T, TWO_HUMP_A);
      }
      case "3hump_ei" -> {
        noArgs(base, positional, named);
        yield expansion(freq, damping, THREE_HUMP_T, THREE_HUMP_A);
      }
      default -> throw new ShaperException("Unsupported shaper type: " + name);
    };
  }

  /**
   * Builds any shaper, impulses or smooth kernel, from its (possibly parameterised) name.
   */
  public static Shaper create(String name, double freq, double damping) {
    String base = name.strip();
    return switch (base) {
      case "smooth_zv" -> smoothKernel(freq, damping, SMOOTH_ZV_PERIODS, 4,
          new double[] {1}, false);
      case "smooth_mzv" -> smoothKernel(freq, damping, SMOOTH_MZV_PERIODS, 6,
          new double[] {1}, true);
      case "smooth_ei" -> smoothKernel(freq, damping, SMOOTH_EI_PERIODS, 6,
          new double[] {1 - SMOOTH_EI_SPREAD, 1 + SMOOTH_EI_SPREAD}, false);
      default -> pulses(name, freq, damping);
    };
  }

  // Smooth kernels (our own family; docs/input-shaping.md derives them). Each is the
  // polynomial of lowest degree meeting linear conditions: zero at both ends (so jerk stays
  // continuous), unit area, and zero residual vibration at the listed frequencies (times f),
  // optionally with a zero slope there too (a flat, wider notch). Durations in damped
  // periods are the shortest for which the kernel is nowhere negative at damping 0..0.1.
  static final double SMOOTH_ZV_PERIODS = 0.8;
  static final double SMOOTH_MZV_PERIODS = 1.3;
  static final double SMOOTH_EI_PERIODS = 1.3;
  /** smooth_ei's two zeros lie 15% either side of f: about 5% ripple between them. */
  static final double SMOOTH_EI_SPREAD = 0.15;
  private static final int QUADRATURE_INTERVALS = 1024;

  static Kernel smoothKernel(double freq, double damping, double periods, int degree,
      double[] zeroRatios, boolean flat) {
    double df = Math.sqrt(1 - damping * damping);
    double duration = periods / (freq * df);
    int n = degree + 1;
    double[][] rows = new double[n][n + 1];
    int r = 0;
    rows[r++][0] = 1; // p(0) = 0
    java.util.Arrays.fill(rows[r], 0, n, 1.0); // p(1) = 0
    r++;
    for (int k = 0; k < n; k++) {
      rows[r][k] = 1.0 / (k + 1); // integral of p over [0, 1] = 1
    }
    rows[r++][n] = 1;
    for (double ratio : zeroRatios) {
      double w = 2 * Math.PI * freq * ratio;
      for (int k = 0; k < n; k++) {
        double[] v = residualMoment(k, w, damping, duration, false);
        rows[r][k] = v[0];
        rows[r + 1][k] = v[1];
        if (flat) {
          double[] dv = residualMoment(k, w, damping, duration, true);
          rows[r + 2][k] = dv[0];
          rows[r + 3][k] = dv[1];
        }
      }
      r += flat ? 4 : 2;
    }
    double[] coef = gaussSolve(rows);
    if (coef == null || r != n) {
      throw new ShaperException("Ill-formed smooth shaper");
    }
    return new Kernel(duration, coef);
  }

  /**
   * Real and imaginary parts of {@code integral over s in [0,1] of s^k exp(z T s)} with
   * {@code z = w (damping + i sqrt(1 - damping^2))} (its derivative by {@code w} if
   * {@code byFrequency}): a residual vibration condition, linear in the kernel's coefficients.
   */
  private static double[] residualMoment(int k, double w, double damping, double duration,
      boolean byFrequency) {
    double zr = damping * w * duration;
    double zi = Math.sqrt(1 - damping * damping) * w * duration;
    double re = 0;
    double im = 0;
    int m = QUADRATURE_INTERVALS;
    for (int j = 0; j <= m; j++) {
      double s = (double) j / m;
      double weight = (j == 0 || j == m) ? 1 : (j % 2 == 1 ? 4 : 2);
      double mag = Math.pow(s, k) * Math.exp(zr * s) * weight;
      double c = Math.cos(zi * s);
      double sn = Math.sin(zi * s);
      if (byFrequency) {
        // d/dw of exp(z T s) = (z / w) s exp(z T s): multiply by s (zr + i zi) / w, with the
        // common factor 1/w dropped.
        double fr = s * (zr * c - zi * sn);
        double fi = s * (zr * sn + zi * c);
        re += mag * fr;
        im += mag * fi;
      } else {
        re += mag * c;
        im += mag * sn;
      }
    }
    return new double[] {re / (3 * m), im / (3 * m)};
  }

  /**
   * Residual vibration of a damped oscillator ({@code freq}, {@code damping}) after a shaped
   * step, relative to the unshaped step: 1 = no reduction, 0 = none left.
   */
  public static double residualVibration(Shaper shaper, double freq, double damping) {
    double w = 2 * Math.PI * freq;
    double wd = w * Math.sqrt(1 - damping * damping);
    double re = 0;
    double im = 0;
    double sum = 0;
    double end;
    switch (shaper) {
      case Pulses p -> {
        end = p.t()[p.size() - 1];
        for (int i = 0; i < p.size(); i++) {
          double e = p.a()[i] * Math.exp(damping * w * (p.t()[i] - end));
          re += e * Math.cos(wd * p.t()[i]);
          im += e * Math.sin(wd * p.t()[i]);
          sum += p.a()[i];
        }
      }
      case Kernel k -> {
        end = k.duration();
        int m = QUADRATURE_INTERVALS;
        for (int j = 0; j <= m; j++) {
          double tau = end * j / m;
          double weight = ((j == 0 || j == m) ? 1 : (j % 2 == 1 ? 4 : 2)) * end / (3 * m);
          double e = k.weight(tau) * weight * Math.exp(damping * w * (tau - end));
          re += e * Math.cos(wd * tau);
          im += e * Math.sin(wd * tau);
          sum += k.weight(tau) * weight;
        }
      }
    }
    return Math.hypot(re, im) / sum;
  }

  /**
   * The shaper's spread: the standard deviation of its delays (s). Under constant
   * acceleration a, the shaped path trails the commanded one by a * spread^2 / 2, which is
   * the smoothing of corners the shaper costs.
   */
  public static double spreadSec(Shaper shaper) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    switch (shaper) {
      case Pulses p -> {
        for (int i = 0; i < p.size(); i++) {
          s0 += p.a()[i];
          s1 += p.a()[i] * p.t()[i];
          s2 += p.a()[i] * p.t()[i] * p.t()[i];
        }
      }
      case Kernel k -> {
        // Moments of p over [0, 1] in closed form, scaled to seconds.
        double t = k.duration();
        for (int j = 0; j < k.coef().length; j++) {
          s0 += k.coef()[j] / (j + 1);
          s1 += k.coef()[j] * t / (j + 2);
          s2 += k.coef()[j] * t * t / (j + 3);
        }
      }
    }
    double mean = s1 / s0;
    return Math.sqrt(Math.max(0, s2 / s0 - mean * mean));
  }

  /** Solves a square system given as rows [a | b] (Gauss-Jordan, partial pivoting). */
  static double[] gaussSolve(double[][] rows) {
    int n = rows.length;
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(rows[r][c]) > Math.abs(rows[pivot][c])) {
          pivot = r;
        }
      }
      if (Math.abs(rows[pivot][c]) < 1e-300) {
        return null;
      }
      double[] tmp = rows[c];
      rows[c] = rows[pivot];
      rows[pivot] = tmp;
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double factor = rows[r][c] / rows[c][c];
          for (int k = c; k <= n; k++) {
            rows[r][k] -= factor * rows[c][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rows[i][n] / rows[i][i];
    }
    return x;
  }

  /** c0 + c1 x + ... + cn x^n. */
  static double polynomial(double[] c, double x) {
    double v = 0;
    for (int j = c.length - 1; j >= 0; j--) {
      v = v * x + c[j];
    }
    return v;
  }

  private static double arg(java.util.List<Double> positional, Map<String, Double> named,
      int index, String key, double fallback) {
    if (named.containsKey(key)) {
      return named.get(key);
    }
    return index < positional.size() ? positional.get(index) : fallback;
  }

  private static void noArgs(String base, java.util.List<Double> p, Map<String, Double> n) {
    if (!p.isEmpty() || !n.isEmpty()) {
      throw new ShaperException("Shaper " + base + " takes no parameters");
    }
  }

  private static void checkOnly(String base, Map<String, Double> named, String... keys) {
    for (String k : named.keySet()) {
      if (!java.util.Arrays.asList(keys).contains(k)) {
        throw new ShaperException("Unknown parameter '" + k + "' of shaper " + base);
      }
    }
  }

  static Pulses zv(double freq, double damping) {
    double df = Math.sqrt(1 - damping * damping);
    double k = Math.exp(-damping * Math.PI / df);
    double td = 1 / (freq * df);
    return new Pulses(new double[] {1, k}, new double[] {0, 0.5 * td});
  }

  static Pulses zvd(double freq, double damping) {
    double df = Math.sqrt(1 - damping * damping);
    double k = Math.exp(-damping * Math.PI / df);
    double td = 1 / (freq * df);
    return new Pulses(new double[] {1, 2 * k, k * k}, new double[] {0, 0.5 * td, td});
  }

  /**
   * Generalised MZV: {@code n} equally spaced impulses over {@code t} damped periods whose
   * amplitudes (summing to 1) place the shaper's zeros; {@code tau} instead gives the
   * duration the shaper would have with infinitely many impulses.
   */
  static Pulses mzv(double freq, double damping, int n, double t, double tau) {
    if (tau == 0 && t == 0) {
      t = 0.75;
    } else if (tau != 0) {
      t = tau * (n - 1.0) / (n + 2.0 * tau - 2.0);
    }
    if (n < 3) {
      throw new ShaperException(String.format(Locale.ROOT,
          "Too small n=%d, must be at least 3", n));
    }
    if (n <= 2 * t + 1 + 1e-7) {
      throw new ShaperException(String.format(Locale.ROOT,
          "Too large t=%.6f for n=%d, must be less than %.6f", t, n, 0.5 * (n - 1)));
    }
    double projected = t * (n - 2.0) / (n - 2.0 * t - 1.0);
    double[] times = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = i * t / (n - 1.0);
    }
    // Rows: sum(A) = 1, then cos and sin of each zero's phase at every impulse = 0.
    int rows = 1 + 2 * (n - 1);
    double[][] m = new double[rows][n];
    double[] f = new double[rows];
    java.util.Arrays.fill(m[0], 1.0);
    f[0] = 1;
    for (int i = 0; i < n - 1; i++) {
      for (int j = 0; j < n; j++) {
        double w = 2 * Math.PI * (1 + i / projected) * times[j];
        m[1 + 2 * i][j] = Math.cos(w);
        m[2 + 2 * i][j] = Math.sin(w);
      }
    }
    double[] a = leastSquares(m, f);
    if (a == null) {
      throw new ShaperException(String.format(Locale.ROOT,
          "Ill-formed shaper with n=%d, t=%.6f", n, t));
    }
    for (double v : a) {
      if (v < -0.00001) {
        throw new ShaperException(String.format(Locale.ROOT,
            "Negative-valued shaper with n=%d, t=%.6f", n, t));
      }
    }
    double df = Math.sqrt(1 - damping * damping);
    double k = Math.exp(-2 * t * damping * Math.PI / ((n - 1.0) * df));
    double td = 1 / (freq * df);
    double kp = k;
    for (int i = 1; i < n; i++) {
      times[i] *= td;
      a[i] *= kp;
      kp *= k;
    }
    return new Pulses(a, times);
  }

  /** Extra-insensitive shaper with a given tolerated residual vibration. */
  static Pulses ei(double freq, double damping, double vtol) {
    double df = Math.sqrt(1 - damping * damping);
    double td = 1 / (freq * df);
    double dr = damping;
    double a1 = (0.24968 + 0.24961 * vtol) + ((0.80008 + 1.23328 * vtol)
        + (0.49599 + 3.17316 * vtol) * dr) * dr;
    double a3 = (0.25149 + 0.21474 * vtol) + ((-0.83249 + 1.41498 * vtol)
        + (0.85181 - 4.90094 * vtol) * dr) * dr;
    double a2 = 1 - a1 - a3;
    double t2 = 0.4999 + (((0.46159 + 8.57843 * vtol) * vtol)
        + (((4.26169 - 108.644 * vtol) * vtol)
        + ((1.75601 + 336.989 * vtol) * vtol) * dr) * dr) * dr;
    return new Pulses(new double[] {a1, a2, a3}, new double[] {0, t2 * td, td});
  }

  // Multi-hump EI: each impulse's time (in periods) and amplitude is a cubic in the damping.
  private static final double[][] TWO_HUMP_T = {{0, 0, 0, 0},
      {0.49890, 0.16270, -0.54262, 6.16180}, {0.99748, 0.18382, -1.58270, 8.17120},
      {1.49920, -0.09297, -0.28338, 1.85710}};
  private static final double[][] TWO_HUMP_A = {{0.16054, 0.76699, 2.26560, -1.22750},
      {0.33911, 0.45081, -2.58080, 1.73650}, {0.34089, -0.61533, -0.68765, 0.42261},
      {0.15997, -0.60246, 1.00280, -0.93145}};
  private static final double[][] THREE_HUMP_T = {{0, 0, 0, 0},
      {0.49974, 0.23834, 0.44559, 12.4720}, {0.99849, 0.29808, -2.36460, 23.3990},
      {1.49870, 0.10306, -2.01390, 17.0320}, {1.99960, -0.28231, 0.61536, 5.40450}};
  private static final double[][] THREE_HUMP_A = {{0.11275, 0.76632, 3.29160, -1.44380},
      {0.23698, 0.61164, -2.57850, 4.85220}, {0.30008, -0.19062, -2.14560, 0.13744},
      {0.23775, -0.73297, 0.46885, -2.08650}, {0.11244, -0.45439, 0.96382, -1.46000}};

  private static Pulses expansion(double freq, double damping, double[][] t, double[][] a) {
    double period = 1 / freq;
    int n = a.length;
    double[] times = new double[n];
    double[] amps = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = horner(t[i], damping) * period;
      amps[i] = horner(a[i], damping);
    }
    return new Pulses(amps, times);
  }

  /** c0 + c1 x + c2 x^2 + c3 x^3, evaluated from the highest coefficient. */
  private static double horner(double[] c, double x) {
    double v = c[c.length - 1];
    for (int j = c.length - 2; j >= 0; j--) {
      v = v * x + c[j];
    }
    return v;
  }

  /** Least-squares solution of m x = f (normal equations, Gaussian elimination); null if singular. */
  static double[] leastSquares(double[][] m, double[] f) {
    int rows = m.length;
    int n = m[0].length;
    double[][] ata = new double[n][n + 1];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
          s += m[r][i] * m[r][j];
        }
        ata[i][j] = s;
      }
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += m[r][i] * f[r];
      }
      ata[i][n] = s;
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(ata[r][c]) > Math.abs(ata[pivot][c])) {
          pivot = r;
        }
      }
      if (Math.abs(ata[pivot][c]) < 1e-12) {
        return null;
      }
      double[] tmp = ata[c];
      ata[c] = ata[pivot];
      ata[pivot] = tmp;
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double factor = ata[r][c] / ata[c][c];
          for (int k = c; k <= n; k++) {
            ata[r][k] -= factor * ata[c][k];
          }
        }
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = ata[i][n] / ata[i][i];
    }
    return x;
  }
}
