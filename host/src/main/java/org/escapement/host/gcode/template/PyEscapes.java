package org.escapement.host.gcode.template;

/** Python's backslash escapes in string literals. */
final class PyEscapes {
  private PyEscapes() {}

  /**
   * Decodes the escape whose character after the backslash is at {@code s[pos]}; appends the
   * result and returns the position after it. Unknown escapes stay as written (as in Python).
   */
  static int unescape(String s, int pos, StringBuilder out) {
    char e = s.charAt(pos);
    switch (e) {
      case 'n' -> out.append('\n');
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case '0' -> out.append('\0');
      case '\\', '\'', '"' -> out.append(e);
      case '\n' -> { } // line continuation
      case 'x' -> {
        if (isHex(s, pos + 1, 2)) {
          out.append((char) Integer.parseInt(s.substring(pos + 1, pos + 3), 16));
          return pos + 3;
        }
        out.append('\\').append(e);
      }
      case 'u' -> {
        if (isHex(s, pos + 1, 4)) {
          out.append((char) Integer.parseInt(s.substring(pos + 1, pos + 5), 16));
          return pos + 5;
        }
        out.append('\\').append(e);
      }
      default -> out.append('\\').append(e);
    }
    return pos + 1;
  }

  private static boolean isHex(String s, int from, int n) {
    if (from + n > s.length()) {
      return false;
    }
    for (int i = from; i < from + n; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
