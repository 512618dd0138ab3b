package org.escapement.host.leveling;

import java.math.BigDecimal;

/** Python's text for numbers, where Klipper's messages and saved values show them. */
final class Py {
  private Py() {}

  /** repr(float): shortest round-trip digits, "1.0" for whole numbers, "1e-05" when tiny. */
  static String repr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    double abs = Math.abs(d);
    if (abs >= 1e16 || abs < 1e-4) {
      String digits = b.unscaledValue().abs().toString();
      int exp = b.precision() - b.scale() - 1;
      String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return (d < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+")
          + String.format("%02d", Math.abs(exp));
    }
    String plain = b.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** str() of a value Klipper stores: ints as digits, floats as repr. */
  static String str(Object v) {
    return v instanceof Double d ? repr(d) : String.valueOf(v);
  }
}
