package org.escapement.host.config;

/** Limits on a numeric option; Klipper's minval/maxval/above/below. Null means no limit. */
public record Bounds(Double min, Double max, Double above, Double below) {
  public static final Bounds NONE = new Bounds(null, null, null, null);

  public static Bounds min(double v) {
    return new Bounds(v, null, null, null);
  }

  public static Bounds max(double v) {
    return new Bounds(null, v, null, null);
  }

  public static Bounds range(double min, double max) {
    return new Bounds(min, max, null, null);
  }

  public static Bounds above(double v) {
    return new Bounds(null, null, v, null);
  }

  public static Bounds below(double v) {
    return new Bounds(null, null, null, v);
  }

  public Bounds andMax(double v) {
    return new Bounds(min, v, above, below);
  }

  public Bounds andBelow(double v) {
    return new Bounds(min, max, above, v);
  }

  /** The complaint about {@code v}, or null if it is within bounds. */
  public String violation(double v) {
    if (min != null && v < min) {
      return "must have minimum of " + fmt(min);
    }
    if (max != null && v > max) {
      return "must have maximum of " + fmt(max);
    }
    if (above != null && v <= above) {
      return "must be above " + fmt(above);
    }
    if (below != null && v >= below) {
      return "must be below " + fmt(below);
    }
    return null;
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
