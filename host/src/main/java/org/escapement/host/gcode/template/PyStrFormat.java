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

  private static String applySpec(Object v, String spec) {
    if (spec.isEmpty()) {
      return PyRepr.str(v);
    }
    char type = spec.charAt(spec.length() - 1);
    String body = Character.isLetter(type) ? spec.substring(0, spec.length() - 1) : spec;
    if (!Character.isLetter(type)) {
      type = v instanceof Double ? 'g' : v instanceof Number ? 'd' : 's';
    }
    // Format-spec flags map onto printf-style ones: '<' is left-align, '>' the default.
    String flags = body.replace(">", "").replace("<", "-");
    return PyFormat.format("%" + flags + type, java.util.List.of(v));
  }
}
