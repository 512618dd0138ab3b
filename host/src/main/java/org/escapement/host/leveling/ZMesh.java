package org.escapement.host.leveling;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A bed's height map: the probed Z table, densified by interpolation (lagrange polynomials
 * through a whole row, or a cardinal spline through the four nearest points), then looked
 * up bilinearly. Row index is Y, column index X; row 0 is at the minimum Y.
 */
public final class ZMesh {
  private final MeshParams params;
  private final String profileName;
  private final double[] offsets = {0, 0};
  private final int meshXCount;
  private final int meshYCount;
  private final int xMult;
  private final int yMult;
  private final double meshXDist;
  private final double meshYDist;
  private double[][] probed;
  private double[][] mesh;

  public ZMesh(MeshParams params, String profileName) {
    this.params = params;
    this.profileName = profileName;
    meshXCount = (params.xCount() - 1) * params.xPps() + params.xCount();
    meshYCount = (params.yCount() - 1) * params.yPps() + params.yCount();
    xMult = params.xPps() + 1;
    yMult = params.yPps() + 1;
    meshXDist = (params.maxX() - params.minX()) / (meshXCount - 1);
    meshYDist = (params.maxY() - params.minY()) / (meshYCount - 1);
  }

  public MeshParams params() {
    return params;
  }

  /** The profile's name; null for a mesh no profile holds (an adaptive one). */
  public String profileName() {
    return profileName;
  }

  public int meshXCount() {
    return meshXCount;
  }

  public int meshYCount() {
    return meshYCount;
  }

  /** Builds the dense mesh from {@code zMatrix} (rows of Y, each yCount by xCount). */
  public void build(double[][] zMatrix) {
    probed = copy(zMatrix);
    mesh = new double[meshYCount][meshXCount];
    for (int j = 0; j < meshYCount; j++) {
      for (int i = 0; i < meshXCount; i++) {
        if (i % xMult == 0 && j % yMult == 0) {
          mesh[j][i] = zMatrix[j / yMult][i / xMult];
        }
      }
    }
    switch (params.algo()) {
      case "direct" -> mesh = copy(zMatrix);
      case "bicubic" -> sampleBicubic();
      default -> sampleLagrange();
    }
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  private double xCoordinate(int index) {
    return params.minX() + meshXDist * index;
  }

  private double yCoordinate(int index) {
    return params.minY() + meshYDist * index;
  }

  private void sampleLagrange() {
    double[] xpts = new double[params.xCount()];
    double[] ypts = new double[params.yCount()];
    for (int i = 0; i < xpts.length; i++) {
      xpts[i] = xCoordinate(i * xMult);
    }
    for (int j = 0; j < ypts.length; j++) {
      ypts[j] = yCoordinate(j * yMult);
    }
    // Rows that hold probed points first, along X; then every column along Y.
    for (int row = 0; row < meshYCount; row += yMult) {
      for (int i = 0; i < meshXCount; i++) {
        if (i % xMult != 0) {
          mesh[row][i] = lagrange(xpts, xCoordinate(i), row, true);
        }
      }
    }
    for (int col = 0; col < meshXCount; col++) {
      for (int j = 0; j < meshYCount; j++) {
        if (j % yMult != 0) {
          mesh[j][col] = lagrange(ypts, yCoordinate(j), col, false);
        }
      }
    }
  }

  private double lagrange(double[] pts, double c, int line, boolean alongX) {
    double total = 0;
    for (int i = 0; i < pts.length; i++) {
      double n = 1;
      double d = 1;
      for (int j = 0; j < pts.length; j++) {
        if (j != i) {
          n *= c - pts[j];
          d *= pts[i] - pts[j];
        }
      }
      double z = alongX ? mesh[line][i * xMult] : mesh[i * yMult][line];
      total += z * n / d;
    }
    return total;
  }

  private void sampleBicubic() {
    double tension = params.tension();
    for (int y = 0; y < meshYCount; y += yMult) {
      double[] row = mesh[y];
      for (int x = 0; x < meshXCount; x++) {
        if (x % xMult != 0) {
          mesh[y][x] = spline(controlPoints(i -> row[i], x, xMult, meshXCount), tension);
        }
      }
    }
    for (int x = 0; x < meshXCount; x++) {
      int col = x;
      for (int y = 0; y < meshYCount; y++) {
        if (y % yMult != 0) {
          mesh[y][x] = spline(controlPoints(i -> mesh[i][col], y, yMult, meshYCount), tension);
        }
      }
    }
  }

  /** p0..p3 around {@code at} along one line of the mesh, and t in the middle segment. */
  private static double[] controlPoints(java.util.function.IntToDoubleFunction line, int at,
      int mult, int count) {
    int lastPt = count - 1 - mult;
    if (at < mult) {
      return new double[] {line.applyAsDouble(0), line.applyAsDouble(0),
          line.applyAsDouble(mult), line.applyAsDouble(2 * mult), at / (double) mult};
    }
    if (at > lastPt) {
      return new double[] {line.applyAsDouble(lastPt - mult), line.applyAsDouble(lastPt),
          line.applyAsDouble(lastPt + mult), line.applyAsDouble(lastPt + mult),
          (at - lastPt) / (double) mult};
    }
    int i = (at / mult) * mult;
    return new double[] {line.applyAsDouble(i - mult), line.applyAsDouble(i),
        line.applyAsDouble(i + mult), line.applyAsDouble(i + 2 * mult), (at - i) / (double) mult};
  }

  /** Cardinal (Hermite) spline between p1 and p2, tangents scaled by the tension. */
  static double spline(double[] p, double tension) {
    double t = p[4];
    double t2 = t * t;
    double t3 = t2 * t;
    double m1 = tension * (p[2] - p[0]);
    double m2 = tension * (p[3] - p[1]);
    return p[1] * (2 * t3 - 3 * t2 + 1) + p[2] * (-2 * t3 + 3 * t2) + m1 * (t3 - 2 * t2 + t)
        + m2 * (t3 - t2);
  }

  /** Subtracts the height at (x, y) from every point, so that the mesh is 0 there. */
  public void setZeroReference(double x, double y) {
    double offset = calcZ(x, y);
    for (double[][] m : List.of(probed, mesh)) {
      for (double[] row : m) {
        for (int i = 0; i < row.length; i++) {
          row[i] -= offset;
        }
      }
    }
  }

  /** BED_MESH_OFFSET: look the mesh up this far from the toolhead (null leaves an axis). */
  public void setOffsets(Double x, Double y) {
    if (x != null) {
      offsets[0] = x;
    }
    if (y != null) {
      offsets[1] = y;
    }
  }

  /** The bed's height under (x, y); beyond the mesh, the height at its nearest edge. */
  public double calcZ(double x, double y) {
    if (mesh == null) {
      return 0;
    }
    double[] tx = linearIndex(x + offsets[0], params.minX(), meshXCount, meshXDist);
    double[] ty = linearIndex(y + offsets[1], params.minY(), meshYCount, meshYDist);
    int xi = (int) tx[1];
    int yi = (int) ty[1];
    double z0 = lerp(tx[0], mesh[yi][xi], mesh[yi][xi + 1]);
    double z1 = lerp(tx[0], mesh[yi + 1][xi], mesh[yi + 1][xi + 1]);
    return lerp(ty[0], z0, z1);
  }

  private static double[] linearIndex(double coord, double min, int count, double dist) {
    int idx = (int) Math.floor((coord - min) / dist);
    idx = Math.max(0, Math.min(count - 2, idx));
    double t = (coord - (min + dist * idx)) / dist;
    return new double[] {Math.max(0, Math.min(1, t)), idx};
  }

  static double lerp(double t, double v0, double v1) {
    return (1. - t) * v0 + t * v1;
  }

  /** Lowest and highest point of the dense mesh. */
  public double[] zRange() {
    if (mesh == null) {
      return new double[] {0, 0};
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] row : mesh) {
      for (double z : row) {
        min = Math.min(min, z);
        max = Math.max(max, z);
      }
    }
    return new double[] {min, max};
  }

  /** The dense mesh's average, to the hundredth (an offset common Z step sizes divide). */
  public double zAverage() {
    if (mesh == null) {
      return 0;
    }
    double sum = 0;
    int n = 0;
    for (double[] row : mesh) {
      for (double z : row) {
        sum += z;
        n++;
      }
    }
    return round(sum / n, 2);
  }

  /** Python's round(v, digits): the double's exact value, rounded half to even. */
  static double round(double v, int digits) {
    if (!Double.isFinite(v)) {
      return v;
    }
    return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
  }

  private static List<List<Double>> rounded(double[][] m) {
    List<List<Double>> out = new ArrayList<>();
    if (m == null) {
      out.add(List.of());
      return out;
    }
    for (double[] row : m) {
      List<Double> r = new ArrayList<>();
      for (double z : row) {
        r.add(round(z, 6));
      }
      out.add(r);
    }
    return out;
  }

  public List<List<Double>> probedMatrix() {
    return rounded(probed);
  }

  public List<List<Double>> meshMatrix() {
    return rounded(mesh);
  }

  /** BED_MESH_OUTPUT's first part: the probed table, one row per line. */
  void printProbedMatrix(Consumer<String> out) {
    StringBuilder msg = new StringBuilder("Mesh Leveling Probed Z positions:\n");
    for (double[] row : probed) {
      for (double z : row) {
        msg.append(String.format(Locale.ROOT, " %f", z));
      }
      msg.append('\n');
    }
    out.accept(msg.toString());
  }

  /** BED_MESH_OUTPUT's second part: the dense mesh, highest Y first. */
  void printMesh(Consumer<String> out, Double moveZ) {
    List<List<Double>> matrix = meshMatrix();
    StringBuilder msg = new StringBuilder(String.format(Locale.ROOT, "Mesh X,Y: %d,%d\n",
        meshXCount, meshYCount));
    if (moveZ != null) {
      msg.append(String.format(Locale.ROOT, "Search Height: %d\n", (long) (double) moveZ));
    }
    msg.append(String.format(Locale.ROOT, "Mesh Offsets: X=%.4f, Y=%.4f\n", offsets[0],
        offsets[1]));
    msg.append(String.format(Locale.ROOT, "Mesh Average: %.2f\n", zAverage()));
    double[] rng = zRange();
    msg.append(String.format(Locale.ROOT, "Mesh Range: min=%.4f max=%.4f\n", rng[0], rng[1]));
    msg.append("Interpolation Algorithm: ").append(params.algo()).append('\n');
    msg.append("Measured points:\n");
    for (int y = meshYCount - 1; y >= 0; y--) {
      for (double z : matrix.get(y)) {
        msg.append(String.format(Locale.ROOT, "  %f", z));
      }
      msg.append('\n');
    }
    out.accept(msg.toString());
  }
}
