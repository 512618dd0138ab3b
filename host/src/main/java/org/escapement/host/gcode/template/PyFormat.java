package org.escapement.host.gcode.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code %} string formatting ({@code "%.2f" % temp}, {@code "%s=%d" % (name, n)}):
 * conversions s r d i u f F e E g G x X o c and %, with flags {@code -+ 0#}, width and
 * precision. Numbers format as Python does ({@code %d} of 3.7 is 3).
 */
public final class PyFormat {
  private PyFormat() {}

  public static String format(String fmt, List<?> args) {
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (++i >= fmt.length()) {
        throw new IllegalArgumentException("incomplete format");
      }
      String flags = "";
      while ("-+ 0#".indexOf(fmt.charAt(i)) >= 0) {
        flags += fmt.charAt(i++);
      }
      int width = -1;
      int start = i;
      while (Character.isDigit(fmt.charAt(i))) {
        i++;
      }
      if (i > start) {
        width = Integer.parseInt(fmt.substring(start, i));
      }
      int precision = -1;
      if (fmt.charAt(i) == '.') {
        start = ++i;
        while (Character.isDigit(fmt.charAt(i))) {
          i++;
        }
        precision = i > start ? Integer.parseInt(fmt.substring(start, i)) : 0;
      }
      char conv = fmt.charAt(i);
      if (conv == '%') {
        out.append('%');
        continue;
      }
      if (next >= args.size()) {
        throw new IllegalArgumentException("not enough arguments for format string");
      }
      out.append(pad(convert(conv, flags, precision, args.get(next++)), flags, width, conv));
    }
    if (next < args.size()) {
      throw new IllegalArgumentException("not all arguments converted during string formatting");
    }
    return out.toString();
  }

  private static String convert(char conv, String flags, int precision, Object arg) {
    return switch (conv) {
      case 's' -> truncate(PyRepr.str(arg), precision);
      case 'r' -> truncate(PyRepr.repr(arg), precision);
      case 'd', 'i', 'u' -> sign(flags, toLong(arg, conv));
      case 'x', 'X', 'o' -> {
        long v = toLong(arg, conv);
        String digits = conv == 'o' ? Long.toOctalString(Math.abs(v))
            : Long.toHexString(Math.abs(v));
        if (flags.contains("#")) {
          digits = (conv == 'o' ? "0o" : "0x") + digits;
        }
        String r = (v < 0 ? "-" : "") + digits;
        yield conv == 'X' ? r.toUpperCase(Locale.ROOT) : r;
      }
      case 'c' -> arg instanceof Number n ? String.valueOf((char) n.intValue())
          : String.valueOf(arg);
      case 'f', 'F' -> sign(flags, fixed(toDouble(arg, conv), precision < 0 ? 6 : precision));
      case 'e', 'E' -> {
        String r = String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "e",
            toDouble(arg, conv));
        r = sign(flags, r);
        yield conv == 'E' ? r.toUpperCase(Locale.ROOT) : r;
      }
      case 'g', 'G' -> {
        String r = sign(flags, general(toDouble(arg, conv), precision < 0 ? 6 : precision));
        yield conv == 'G' ? r.toUpperCase(Locale.ROOT) : r;
      }
      default -> throw new IllegalArgumentException("unsupported format character '" + conv
          + "'");
    };
  }

  private static String truncate(String s, int precision) {
    return precision >= 0 && s.length() > precision ? s.substring(0, precision) : s;
  }

  private static String sign(String flags, long v) {
    return sign(flags, Long.toString(v));
  }

  private static String sign(String flags, String s) {
    if (!s.startsWith("-")) {
      if (flags.contains("+")) {
        return "+" + s;
      }
      if (flags.contains(" ")) {
        return " " + s;
      }
    }
    return s;
  }

  private static String pad(String s, String flags, int width, char conv) {
    if (width < 0 || s.length() >= width) {
      return s;
    }
    int n = width - s.length();
    if (flags.contains("-")) {
      return s + " ".repeat(n);
    }
    boolean numeric = "diufFeEgGxXo".indexOf(conv) >= 0;
    if (flags.contains("0") && numeric) {
      int signLen = s.startsWith("-") || s.startsWith("+") || s.startsWith(" ") ? 1 : 0;
      return s.substring(0, signLen) + "0".repeat(n) + s.substring(signLen);
    }
    return " ".repeat(n) + s;
  }

  private static long toLong(Object arg, char conv) {
    if (arg instanceof Number n) {
      return n instanceof Double || n instanceof Float ? (long) n.doubleValue() : n.longValue();
    }
    if (arg instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new IllegalArgumentException("%" + conv + " format: a number is required, not "
        + PyRepr.typeName(arg));
  }

  private static double toDouble(Object arg, char conv) {
    if (arg instanceof Number n) {
      return n.doubleValue();
    }
    if (arg instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new IllegalArgumentException("must be real number, not " + PyRepr.typeName(arg));
  }

  /** Python rounds half to even on the exact binary value; BigDecimal of the double does too. */
  static String fixed(double v, int precision) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    String r = new BigDecimal(v).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return v < 0 || (v == 0 && 1 / v < 0) ? (r.startsWith("-") ? r : "-" + r) : r;
  }

  private static String general(double v, int precision) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return fixed(v, 0);
    }
    int p = precision == 0 ? 1 : precision;
    if (v == 0) {
      return "0";
    }
    int exp = (int) Math.floor(Math.log10(Math.abs(v)));
    String r;
    if (exp < -4 || exp >= p) {
      r = String.format(Locale.ROOT, "%." + (p - 1) + "e", v);
      String mant = r.substring(0, r.indexOf('e'));
      String ex = r.substring(r.indexOf('e') + 1);
      if (mant.contains(".")) {
        mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      int e = Integer.parseInt(ex);
      r = mant + "e" + (e < 0 ? "-" : "+") + String.format("%02d", Math.abs(e));
    } else {
      r = fixed(v, Math.max(0, p - 1 - exp));
      if (r.contains(".")) {
        r = r.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
    }
    return r;
  }
}
