package org.escapement.host.probe;

import java.util.List;
import org.escapement.host.motion.ProbeResult;

/**
 * The least-squares solution of an overdetermined linear system A·x ≈ b, through the normal
 * equations (AᵀA)·x = Aᵀb solved by Gaussian elimination with partial pivoting. An unknown
 * the data cannot determine (a pivot below 1e-10) is taken as 0.
 */
public final class LeastSquares {
  private LeastSquares() {}

  /** The plane z = c + x dx + y dy through the probed heights, least squares: {c, dx, dy}. */
  public static double[] plane(List<ProbeResult> points) {
    double[][] eqs = new double[points.size()][];
    double[] ans = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      ProbeResult p = points.get(i);
      eqs[i] = new double[] {1.0, p.bedX(), p.bedY()};
      ans[i] = p.bedZ();
    }
    return solve(eqs, ans);
  }

  /**
   * @param a one row per equation, one column per unknown
   * @param b one value per equation
   */
  public static double[] solve(double[][] a, double[] b) {
    int n = a[0].length;
    double[][] m = new double[n][n];
    double[] rhs = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (double[] row : a) {
          s += row[i] * row[j];
        }
        m[i][j] = s;
      }
      double s = 0;
      for (int k = 0; k < a.length; k++) {
        s += a[k][i] * b[k];
      }
      rhs[i] = s;
    }
    return gaussian(m, rhs);
  }

  /**
   * Eliminates from the last unknown down to the first, leaving a unit lower-triangular system
   * that is then solved forwards.
   */
  static double[] gaussian(double[][] m, double[] rhs) {
    int n = rhs.length;
    for (int i = n - 1; i >= 0; i--) {
      int pivot = 0;
      for (int j = 1; j <= i; j++) {
        if (Math.abs(m[j][i]) > Math.abs(m[pivot][i])) {
          pivot = j;
        }
      }
      double[] tr = m[i];
      m[i] = m[pivot];
      m[pivot] = tr;
      double tv = rhs[i];
      rhs[i] = rhs[pivot];
      rhs[pivot] = tv;
      double recip = Math.abs(m[i][i]) < 1e-10 ? 0.0 : 1.0 / m[i][i];
      for (int k = 0; k < i; k++) {
        m[i][k] *= recip;
      }
      rhs[i] *= recip;
      for (int j = 0; j < i; j++) {
        double c = m[j][i];
        for (int k = 0; k < i; k++) {
          m[j][k] -= c * m[i][k];
        }
        rhs[j] -= c * rhs[i];
      }
    }
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < i; k++) {
        s += m[i][k] * x[k];
      }
      x[i] = rhs[i] - s;
    }
    return x;
  }
}
