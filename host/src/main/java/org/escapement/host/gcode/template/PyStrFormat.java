package org.escapement.host.gcode.template;

import java.util.Map;

/** Python's str.format for templates: {} / {0} / {name} fields with an optional spec. */
final class PyStrFormat {
  private PyStrFormat() {}

  static String format(String fmt, Object[] args) {
    StringBuilder out = new StringBuilder();
    int auto = 0;
    Map<?, ?> named = args.length > 0 && args[args.length - 1] instanceof Map<?, ?> m ? m : null;
    for (int i = 0; i < fmt.length(); i++) {
      char c = fmt.charAt(i);
      if (c == '{' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') {
        out.append('{');
        i++;
        continue;
      }
      if (c == '}' && i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') {
        out.append('}');
        i++;
        continue;
      }
      if (c != '{') {
        out.append(c);
        continue;
      }
      int close = fmt.indexOf('}', i);
      if (close < 0) {
        throw new IllegalArgumentException("single '{' encountered in format string");
      }
      String field = fmt.substring(i + 1, close);
      String spec = "";
      int colon = field.indexOf(':');
      if (colon >= 0) {
        spec = field.substring(colon + 1);
        field = field.substring(0, colon);
      }
      Object v;
      if (field.isEmpty()) {
        v = args[auto++];
      } else if (field.chars().allMatch(Character::isDigit)) {
        v = args[Integer.parseInt(field)];
      } else if (named != null) {
        v = named.get(field);
      } else {
        throw new IllegalArgumentException("no value for '{" + field + "}'");
      }
      out.append(applySpec(v, spec));
      i = close;
    }
    return out.toString();
  }

  /**
   * A format spec: {@code [[fill]align][sign][0][width][.precision][type]}, align one of
   * {@code < > ^}; type {@code %} is a percentage ({@code "{:>4.0%}"} of 0.5 is {@code " 50%"}).
   */
  private static String applySpec(Object v, String spec) {
    if (spec.isEmpty()) {
      return PyRepr.str(v);
    }
    int i = 0;
    char fill = ' ';
    char align = 0;
    if (spec.length() >= 2 && "<>^".indexOf(spec.charAt(1)) >= 0) {
      fill = spec.charAt(0);
      align = spec.charAt(1);
      i = 2;
    } else if ("<>^".indexOf(spec.charAt(0)) >= 0) {
      align = spec.charAt(0);
      i = 1;
    }
    String sign = "";
    if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) {
      sign = spec.substring(i, i + 1);
      i++;
    }
    boolean zero = false;
    if (i < spec.length() && spec.charAt(i) == '0') {
      zero = true;
      i++;
    }
    int start = i;
    while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
      i++;
    }
    int width = i > start ? Integer.parseInt(spec.substring(start, i)) : 0;
    String precision = "";
    if (i < spec.length() && spec.charAt(i) == '.') {
      start = i++;
      while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
        i++;
      }
      precision = spec.substring(start, i);
    }
    String rest = spec.substring(i);
    if (rest.length() > 1) {
      throw new IllegalArgumentException("Invalid format specifier '" + spec + "'");
    }
    char type = rest.isEmpty() ? (v instanceof Double ? 'g' : v instanceof Number ? 'd' : 's')
        : rest.charAt(0);
    String body;
    if (type == '%') {
      double d = v instanceof Number n ? n.doubleValue() * 100.0 : Double.NaN;
      if (Double.isNaN(d) && !(v instanceof Number)) {
        throw new IllegalArgumentException("Unknown format code '%' for object of type '"
            + PyRepr.typeName(v) + "'");
      }
      body = PyFormat.format("%" + sign + (precision.isEmpty() ? ".6" : precision) + "f",
          java.util.List.of(d)) + "%";
    } else {
      body = PyFormat.format("%" + sign + precision + type, java.util.List.of(v));
    }
    if (body.length() >= width) {
      return body;
    }
    boolean numeric = type != 's';
    if (align == 0) {
      if (zero && numeric) {
        fill = '0';
        align = '=';
      } else {
        align = numeric ? '>' : '<';
      }
    }
    int padding = width - body.length();
    String f = String.valueOf(fill);
    return switch (align) {
      case '<' -> body + f.repeat(padding);
      case '^' -> f.repeat(padding / 2) + body + f.repeat(padding - padding / 2);
      case '=' -> body.startsWith("-") || body.startsWith("+")
          ? body.charAt(0) + f.repeat(padding) + body.substring(1) : f.repeat(padding) + body;
      default -> f.repeat(padding) + body;
    };
  }
}
