package org.escapement.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parser for the text form of a message: {@code queue_step oid=2 interval=100 count=3 add=0}.
 * Plain integers are one word; enumerated values may contain spaces ({@code
 * static_string_id=Timer too close}) and run to the next {@code param=} of the message; bytes
 * literals run to their closing quote.
 */
final class MessageText {
  private MessageText() {}

  static Message parse(Dictionary dict, String line) {
    String text = line.strip();
    int nameEnd = wordEnd(text, 0);
    String name = text.substring(0, nameEnd);
    if (name.isEmpty()) {
      throw new ProtocolException("empty command");
    }
    MessageFormat mf = dict.command(name)
        .or(() -> dict.response(name))
        .orElseThrow(() -> new ProtocolException("unknown command '" + name + "'"));
    Map<String, Object> values = new LinkedHashMap<>();
    int pos = skipSpace(text, nameEnd);
    while (pos < text.length()) {
      int eq = text.indexOf('=', pos);
      int wordEnd = wordEnd(text, pos);
      if (eq < 0 || eq > wordEnd || eq == pos) {
        throw new ProtocolException("'" + text.substring(pos, wordEnd) + "' in '" + mf.name()
            + "' is not key=value");
      }
      String key = text.substring(pos, eq);
      int idx = mf.indexOf(key);
      if (idx < 0) {
        values.put(key, null); // message() reports the unknown parameter with the full list
        pos = skipSpace(text, wordEnd);
        continue;
      }
      if (values.containsKey(key)) {
        throw new ProtocolException("parameter '" + key + "' given twice in '" + mf.name() + "'");
      }
      MessageFormat.Param p = mf.params().get(idx);
      int end = valueEnd(mf, p, text, eq + 1);
      values.put(key, value(mf, p, text.substring(eq + 1, end).strip()));
      pos = skipSpace(text, end);
    }
    return mf.message(values);
  }

  private static int wordEnd(String s, int pos) {
    while (pos < s.length() && !Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static int skipSpace(String s, int pos) {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static int valueEnd(MessageFormat mf, MessageFormat.Param p, String s, int start) {
    if (p.type().isInteger() && p.enumeration() == null) {
      return wordEnd(s, start);
    }
    if (!p.type().isInteger() && s.startsWith("b", start) && start + 1 < s.length()
        && (s.charAt(start + 1) == '\'' || s.charAt(start + 1) == '"')) {
      char quote = s.charAt(start + 1);
      for (int i = start + 2; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          return i + 1;
        }
      }
      return s.length(); // unterminated: PyBytes reports it
    }
    // Up to the next " param=" of this message.
    for (int i = start; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        int k = skipSpace(s, i);
        int eq = s.indexOf('=', k);
        if (eq > k && eq <= wordEnd(s, k) && mf.indexOf(s.substring(k, eq)) >= 0) {
          return i;
        }
      }
    }
    return s.length();
  }

  private static Object value(MessageFormat mf, MessageFormat.Param p, String text) {
    if (!p.type().isInteger()) {
      try {
        return PyBytes.parse(text);
      } catch (ProtocolException e) {
        throw new ProtocolException("parameter '" + p.name() + "' of '" + mf.name() + "': "
            + e.getMessage());
      }
    }
    if (p.enumeration() != null) {
      return text;
    }
    Long v = parseInteger(text);
    if (v == null) {
      throw new ProtocolException("parameter '" + p.name() + "' of '" + mf.name()
          + "' is not an integer: '" + text + "'");
    }
    return v;
  }

  /** Decimal or 0x-prefixed hex, optionally signed; null if not an integer. */
  static Long parseInteger(String text) {
    String s = text;
    boolean negative = false;
    if (s.startsWith("-") || s.startsWith("+")) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    boolean hex = s.startsWith("0x") || s.startsWith("0X");
    int radix = hex ? 16 : 10;
    if (hex) {
      s = s.substring(2);
    }
    if (s.isEmpty() || s.chars().anyMatch(c -> Character.digit(c, radix) < 0)) {
      return null;
    }
    try {
      long v = Long.parseLong(s, radix);
      return negative ? -v : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
