package org.escapement.host.motion.kinematics;

/**
 * The point at given distances from three known points: where a delta's three arms meet, or
 * where a winch's first three cables meet. Of the two mirror-image solutions it returns the
 * one on the negative side of the plane through the three centres (taking them in order, by
 * the right-hand rule): below the carriages of a delta whose towers go counter-clockwise.
 */
final class Trilateration {
  private Trilateration() {}

  /**
   * @param centres three points {x, y, z}
   * @param radius2 the squared distance from each
   * @return {x, y, z}, NaN where the spheres do not meet
   */
  static double[] solve(double[][] centres, double[] radius2) {
    double[] p1 = centres[0];
    double[] d21 = minus(centres[1], p1);
    double[] d31 = minus(centres[2], p1);
    // An orthonormal frame at p1: ex towards p2, ey in the plane of the three, ez normal.
    double d = Math.sqrt(dot(d21, d21));
    double[] ex = scale(d21, 1.0 / d);
    double i = dot(ex, d31);
    double[] eyUnnormalised = minus(d31, scale(ex, i));
    double[] ey = scale(eyUnnormalised, 1.0 / Math.sqrt(dot(eyUnnormalised, eyUnnormalised)));
    double[] ez = cross(ex, ey);
    double j = dot(ey, d31);
    // The sphere equations in that frame solve one coordinate at a time.
    double x = (radius2[0] - radius2[1] + d * d) / (2.0 * d);
    double y = (radius2[0] - radius2[2] - x * x + (x - i) * (x - i) + j * j) / (2.0 * j);
    double z = -Math.sqrt(radius2[0] - x * x - y * y);
    double[] out = new double[3];
    for (int k = 0; k < 3; k++) {
      out[k] = p1[k] + (ex[k] * x + (ey[k] * y + ez[k] * z));
    }
    return out;
  }

  /** Can the three points define a frame (not coincident, not on one line)? */
  static boolean independent(double[][] centres) {
    double[] d21 = minus(centres[1], centres[0]);
    double[] d31 = minus(centres[2], centres[0]);
    double[] n = cross(d21, d31);
    double scale = dot(d21, d21) * dot(d31, d31);
    return scale > 0 && dot(n, n) > 1e-12 * scale;
  }

  private static double[] minus(double[] a, double[] b) {
    return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
  }

  private static double[] scale(double[] a, double s) {
    return new double[] {a[0] * s, a[1] * s, a[2] * s};
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0]};
  }
}
