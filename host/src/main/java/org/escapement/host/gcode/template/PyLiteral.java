package org.escapement.host.gcode.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python literals, as Klipper reads macro variables ({@code variable_speed: 150.0}, {@code
 * variable_points: [(10, 10), (190, 190)]}, {@code variable_name: 'pla'}): numbers, strings,
 * True/False/None, lists, tuples and dicts. Integers become {@link Long}, floats {@link
 * Double}, tuples lists.
 */
public final class PyLiteral {
  private final String s;
  private int pos;

  private PyLiteral(String s) {
    this.s = s;
  }

  /** @throws IllegalArgumentException saying what is wrong and where */
  public static Object parse(String text) {
    PyLiteral p = new PyLiteral(text);
    p.space();
    Object v = p.value();
    p.space();
    if (p.pos != p.s.length()) {
      throw p.error("unexpected '" + p.s.substring(p.pos) + "'");
    }
    return v;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at character " + (pos + 1) + " of '" + s + "'");
  }

  private void space() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private boolean take(char c) {
    space();
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private Object value() {
    space();
    if (pos >= s.length()) {
      throw error("a value is missing");
    }
    char c = s.charAt(pos);
    if (c == '\'' || c == '"') {
      return string();
    }
    if (c == '[') {
      pos++;
      return sequence(']');
    }
    if (c == '(') {
      pos++;
      return sequence(')');
    }
    if (c == '{') {
      pos++;
      return dict();
    }
    if (s.startsWith("True", pos)) {
      pos += 4;
      return Boolean.TRUE;
    }
    if (s.startsWith("False", pos)) {
      pos += 5;
      return Boolean.FALSE;
    }
    if (s.startsWith("None", pos)) {
      pos += 4;
      return null;
    }
    return number();
  }

  private List<Object> sequence(char close) {
    List<Object> out = new ArrayList<>();
    if (take(close)) {
      return out;
    }
    while (true) {
      out.add(value());
      if (take(close)) {
        return out;
      }
      if (!take(',')) {
        throw error("',' or '" + close + "' expected");
      }
      if (take(close)) {
        return out; // trailing comma
      }
    }
  }

  private Map<Object, Object> dict() {
    Map<Object, Object> out = new LinkedHashMap<>();
    if (take('}')) {
      return out;
    }
    while (true) {
      Object k = value();
      if (!take(':')) {
        throw error("':' expected");
      }
      out.put(k, value());
      if (take('}')) {
        return out;
      }
      if (!take(',')) {
        throw error("',' or '}' expected");
      }
      if (take('}')) {
        return out;
      }
    }
  }

  private String string() {
    char quote = s.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == quote) {
        // Adjacent literals concatenate, as in Python ('a' 'b').
        space();
        if (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"')) {
          return sb + string();
        }
        return sb.toString();
      }
      if (c == '\\' && pos < s.length()) {
        pos = PyEscapes.unescape(s, pos, sb);
      } else {
        sb.append(c);
      }
    }
    throw error("the string is not closed");
  }

  private Object number() {
    int start = pos;
    if (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
      pos++;
    }
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos))
        || s.charAt(pos) == '.' || s.charAt(pos) == '_'
        || ((s.charAt(pos) == '-' || s.charAt(pos) == '+')
            && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
      pos++;
    }
    String t = s.substring(start, pos).replace("_", "");
    if (t.isEmpty() || t.equals("-") || t.equals("+")) {
      throw error("not a value");
    }
    try {
      if (t.matches("[+-]?\\d+")) {
        return Long.parseLong(t);
      }
      if (t.matches("[+-]?0[xX][0-9a-fA-F]+")) {
        return Long.parseLong(t.replaceFirst("0[xX]", ""), 16);
      }
      if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
        return Double.parseDouble(t);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    pos = start;
    throw error("'" + t + "' is not a Python literal (strings need quotes)");
  }
}
