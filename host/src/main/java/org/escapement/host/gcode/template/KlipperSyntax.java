package org.escapement.host.gcode.template;

/**
 * Klipper's template syntax to Jinjava's. Klipper sets Jinja's expression delimiters to single
 * braces ({@code { expr }}) and its expressions are Python: string literals with Python
 * escapes ({@code '\x23'}) and {@code "%.2f" % value} formatting. This rewrites expressions to
 * {@code {{ expr }}}, literals to plain ones and {@code LITERAL % x} to a filter that formats
 * like Python. Statements ({@code {% ... %}}) and comments keep their delimiters.
 */
public final class KlipperSyntax {
  /** The filter {@code %} formatting becomes. */
  static final String FORMAT_FILTER = "py_format";
  /** The filter every expression's value goes through, to print as Python's str() does. */
  static final String STR_FILTER = "py_str";

  private final String t;
  private int pos;

  private KlipperSyntax(String t) {
    this.t = t;
  }

  /**
   * @throws TemplateError for an unclosed tag, with its line
   */
  public static String toJinjava(String template) {
    return new KlipperSyntax(template).convert();
  }

  private int line(int at) {
    int n = 1;
    for (int i = 0; i < at && i < t.length(); i++) {
      if (t.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private String convert() {
    StringBuilder out = new StringBuilder(t.length() + 32);
    while (pos < t.length()) {
      char c = t.charAt(pos);
      if (c != '{') {
        out.append(c);
        pos++;
        continue;
      }
      char next = pos + 1 < t.length() ? t.charAt(pos + 1) : 0;
      if (next == '#') {
        int end = t.indexOf("#}", pos + 2);
        if (end < 0) {
          throw new TemplateError(line(pos), "comment not closed");
        }
        pos = end + 2;
        continue;
      }
      int start = pos;
      if (next == '%') {
        int end = scanTo(pos + 2, "%}");
        out.append("{%").append(rewrite(t.substring(pos + 2, end))).append("%}");
        pos = end + 2;
      } else {
        int end = scanTo(pos + 1, "}");
        String expr = t.substring(pos + 1, end);
        boolean trimLeft = expr.startsWith("-");
        boolean trimRight = expr.endsWith("-") && expr.length() > 1;
        String inner = expr.substring(trimLeft ? 1 : 0, expr.length() - (trimRight ? 1 : 0));
        out.append(trimLeft ? "{{-" : "{{ ").append('(').append(rewrite(inner)).append(")|")
            .append(STR_FILTER).append(trimRight ? "-}}" : " }}");
        pos = end + 1;
      }
      if (pos <= start) {
        throw new TemplateError(line(start), "empty tag");
      }
    }
    return out.toString();
  }

  /** Index of {@code close} ending the tag that starts at {@code from}, past strings and nesting. */
  private int scanTo(int from, String close) {
    int depth = 0;
    for (int i = from; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(i);
        continue;
      }
      if (depth == 0 && t.startsWith(close, i)) {
        return i;
      }
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
      }
    }
    throw new TemplateError(line(from), "'" + (close.equals("}") ? "{" : "{%")
        + "' is not closed by '" + close + "'");
  }

  private int skipString(int i) {
    char q = t.charAt(i);
    for (int j = i + 1; j < t.length(); j++) {
      char c = t.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == q) {
        return j;
      }
    }
    throw new TemplateError(line(i), "string not closed");
  }

  /** Rewrites one expression or statement body. */
  static String rewrite(String e) {
    StringBuilder out = new StringBuilder(e.length() + 16);
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = stringEnd(e, i);
        String value = decode(e, i, end);
        out.append(jinjavaLiteral(value));
        i = end + 1;
        int j = skipSpace(e, i);
        if (j < e.length() && e.charAt(j) == '%' && (j + 1 >= e.length() || e.charAt(j + 1) != '}')) {
          // "fmt" % operand  ->  "fmt"|py_format(operand...)
          int k = skipSpace(e, j + 1);
          int opEnd = operandEnd(e, k);
          String operand = e.substring(k, opEnd).strip();
          String args = operand.startsWith("(") && matchingParen(e, k) == opEnd - 1
              ? operand.substring(1, operand.length() - 1) : operand;
          if (args.endsWith(",")) {
            args = args.substring(0, args.length() - 1);
          }
          out.append('|').append(FORMAT_FILTER).append('(').append(rewrite(args)).append(')');
          i = opEnd;
        }
        continue;
      }
      if (Character.isJavaIdentifierStart(c)) {
        int j = i;
        while (j < e.length() && Character.isJavaIdentifierPart(e.charAt(j))) {
          j++;
        }
        String word = e.substring(i, j);
        boolean attribute = i > 0 && e.charAt(i - 1) == '.';
        out.append(attribute ? word : switch (word) {
          case "True" -> "true";
          case "False" -> "false";
          case "None" -> "null";
          default -> word;
        });
        i = j;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static int skipSpace(String e, int i) {
    while (i < e.length() && Character.isWhitespace(e.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int stringEnd(String e, int i) {
    char q = e.charAt(i);
    for (int j = i + 1; j < e.length(); j++) {
      if (e.charAt(j) == '\\') {
        j++;
      } else if (e.charAt(j) == q) {
        return j;
      }
    }
    throw new TemplateError(0, "string not closed in '" + e.strip() + "'");
  }

  private static String decode(String e, int start, int end) {
    StringBuilder sb = new StringBuilder();
    for (int i = start + 1; i < end; i++) {
      char c = e.charAt(i);
      if (c == '\\' && i + 1 < end) {
        i = PyEscapes.unescape(e, i + 1, sb) - 1;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A literal Jinjava reads back as {@code value} (it knows only \' and \\ escapes). */
  private static String jinjavaLiteral(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static int matchingParen(String e, int open) {
    int depth = 0;
    for (int i = open; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        i = stringEnd(e, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    return e.length() - 1;
  }

  /**
   * End of the operand of {@code %}: a primary (name, number, string, parenthesised group)
   * with its attribute/index/call suffixes and filters, which bind tighter than {@code %}.
   */
  private static int operandEnd(String e, int i) {
    if (i >= e.length()) {
      return i;
    }
    char c = e.charAt(i);
    if (c == '(' || c == '[' || c == '{') {
      i = matchingParen(e, i) + 1;
    } else if (c == '\'' || c == '"') {
      i = stringEnd(e, i) + 1;
    } else if (c == '-' || c == '+') {
      i = operandEnd(e, i + 1);
      return i;
    } else {
      while (i < e.length() && (Character.isJavaIdentifierPart(e.charAt(i))
          || e.charAt(i) == '.')) {
        i++;
      }
    }
    while (i < e.length()) {
      int j = skipSpace(e, i);
      if (j >= e.length()) {
        return i;
      }
      char d = e.charAt(j);
      if (d == '.' ) {
        i = j + 1;
        while (i < e.length() && Character.isJavaIdentifierPart(e.charAt(i))) {
          i++;
        }
      } else if (d == '[' || d == '(') {
        i = matchingParen(e, j) + 1;
      } else if (d == '|') {
        i = skipSpace(e, j + 1);
        while (i < e.length() && Character.isJavaIdentifierPart(e.charAt(i))) {
          i++;
        }
      } else {
        return i;
      }
    }
    return i;
  }
}
