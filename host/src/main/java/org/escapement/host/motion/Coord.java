package org.escapement.host.motion;

import java.util.AbstractList;
import java.util.Locale;

/**
 * A position for status and macros: a list ({@code position[0]}) that also has named axes
 * ({@code position.x}, {@code .y}, {@code .z}, {@code .e}), like Klipper's.
 */
public final class Coord extends AbstractList<Double>
    implements org.escapement.host.printer.NamedTuple {
  private final double[] v;

  public Coord(double[] values) {
    this.v = values.clone();
  }

  @Override
  public Double get(int index) {
    return v[index];
  }

  @Override
  public int size() {
    return v.length;
  }

  public double getX() {
    return v[0];
  }

  public double getY() {
    return v[1];
  }

  public double getZ() {
    return v[2];
  }

  public double getE() {
    return v.length > 3 ? v[3] : 0.0;
  }

  @Override
  public Object field(String name) {
    return switch (name) {
      case "x" -> getX();
      case "y" -> getY();
      case "z" -> getZ();
      case "e" -> getE();
      default -> null;
    };
  }

  @Override
  public String pyRepr() {
    return toString();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Coord(x=%s, y=%s, z=%s, e=%s)", pyFloat(getX()),
        pyFloat(getY()), pyFloat(getZ()), pyFloat(getE()));
  }

  /** Python's float repr for ordinary values (1.0, 0.25, -3.5). */
  private static String pyFloat(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e16 ? String.format(Locale.ROOT, "%.1f", d)
        : Double.toString(d);
  }
}
