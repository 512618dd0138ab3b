package org.escapement.host.gcode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code KEY=VALUE} parameters of an extended command, read like a POSIX shell would split
 * them: quotes group text with spaces ({@code MSG="hello world"}), backslash escapes outside
 * single quotes, {@code #} or {@code ;} starts a comment. Keys are upper-cased, values kept.
 */
public final class ExtendedParams {
  private ExtendedParams() {}

  /**
   * @throws GCodeError "Malformed command" when a word has no {@code =} or a quote is open
   */
  public static Map<String, String> parse(String raw, String commandLine) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String word : words(raw, commandLine)) {
      int eq = word.indexOf('=');
      if (eq < 0) {
        throw new GCodeError("Malformed command '" + commandLine + "'");
      }
      out.put(word.substring(0, eq).toUpperCase(Locale.ROOT), word.substring(eq + 1));
    }
    return out;
  }

  static List<String> words(String s, String commandLine) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = null;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        if (cur != null) {
          words.add(cur.toString());
          cur = null;
        }
        i++;
        continue;
      }
      if (c == '#' || c == ';') {
        break; // a comment to the end of the line, even in the middle of a word
      }
      if (cur == null) {
        cur = new StringBuilder();
      }
      if (c == '\'') {
        int close = s.indexOf('\'', i + 1);
        if (close < 0) {
          throw new GCodeError("Malformed command '" + commandLine + "'");
        }
        cur.append(s, i + 1, close);
        i = close + 1;
      } else if (c == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            throw new GCodeError("Malformed command '" + commandLine + "'");
          }
          char d = s.charAt(i);
          if (d == '"') {
            i++;
            break;
          }
          if (d == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"'
              || s.charAt(i + 1) == '\\')) {
            cur.append(s.charAt(i + 1));
            i += 2;
            continue;
          }
          cur.append(d);
          i++;
        }
      } else if (c == '\\') {
        if (i + 1 < s.length()) {
          cur.append(s.charAt(i + 1));
        }
        i += 2;
      } else {
        cur.append(c);
        i++;
      }
    }
    if (cur != null) {
      words.add(cur.toString());
    }
    return words;
  }
}
