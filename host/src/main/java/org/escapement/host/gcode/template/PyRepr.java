package org.escapement.host.gcode.template;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Python's str() and repr() of template values, for output that matches Klipper's. */
public final class PyRepr {
  private PyRepr() {}

  public static String str(Object v) {
    if (v instanceof String s) {
      return s;
    }
    return repr(v);
  }

  public static String repr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return "nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "inf" : "-inf";
      }
      if (d == Math.rint(d) && Math.abs(d) < 1e16) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
      }
      String s = Double.toString(d); // shortest repr, like Python's
      if (s.contains("E")) {
        String mant = s.substring(0, s.indexOf('E'));
        int e = Integer.parseInt(s.substring(s.indexOf('E') + 1));
        if (e >= -4 && e < 16) {
          return new java.math.BigDecimal(s).toPlainString();
        }
        if (mant.endsWith(".0")) {
          mant = mant.substring(0, mant.length() - 2);
        }
        return mant + "e" + (e < 0 ? "-" : "+") + String.format("%02d", Math.abs(e));
      }
      return s;
    }
    if (v instanceof Number) {
      return v.toString();
    }
    if (v instanceof String s) {
      boolean single = !s.contains("'") || s.contains("\"");
      String q = single ? "'" : "\"";
      StringBuilder sb = new StringBuilder(q);
      for (char c : s.toCharArray()) {
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\t' -> sb.append("\\t");
          case '\r' -> sb.append("\\r");
          default -> {
            if (String.valueOf(c).equals(q)) {
              sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
              sb.append(String.format("\\x%02x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      return sb.append(q).toString();
    }
    if (PyStringResolver.namedTuple(v) instanceof org.escapement.host.printer.NamedTuple t) {
      return t.pyRepr();
    }
    if (v instanceof Map<?, ?> m) {
      StringJoiner j = new StringJoiner(", ", "{", "}");
      m.forEach((k, val) -> j.add(repr(k) + ": " + repr(val)));
      return j.toString();
    }
    if (v instanceof List<?> l) {
      StringJoiner j = new StringJoiner(", ", "[", "]");
      l.forEach(e -> j.add(repr(e)));
      return j.toString();
    }
    if (v.getClass().isArray() && v instanceof Object[] a) {
      return repr(List.of(a));
    }
    return v.toString();
  }

  static String typeName(Object v) {
    if (v == null) {
      return "NoneType";
    }
    if (v instanceof String) {
      return "str";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "dict";
    }
    return v.getClass().getSimpleName();
  }
}
