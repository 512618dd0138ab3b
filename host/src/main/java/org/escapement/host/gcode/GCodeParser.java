package org.escapement.host.gcode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a G-code line the way Klipper does: text after {@code ;} is a comment, the line is
 * upper-cased, a leading {@code N<number>} line number is skipped, and the rest is
 * letter-and-value pairs ({@code G1 X10 Y20} → G1 with X=10, Y=20; a checksum {@code *57} is just
 * another pair). Extended commands ({@code NAME KEY=VALUE}) are re-read from the raw text by
 * {@link ExtendedParams}.
 */
public final class GCodeParser {
  private static final Pattern TOKEN = Pattern.compile("[A-Z_]+|[A-Z*]");

  /** A parsed line: command name (may be empty), parameters, and the original line. */
  public record Line(String command, Map<String, String> params, String original) {}

  private GCodeParser() {}

  public static Line parse(String raw) {
    String line = raw.strip();
    String original = line;
    int semi = line.indexOf(';');
    if (semi >= 0) {
      line = line.substring(0, semi);
    }
    String upper = line.toUpperCase(Locale.ROOT);
    // Alternate (token, text following it) pairs, like Python's re.split with a group.
    java.util.List<String> parts = new java.util.ArrayList<>();
    Matcher m = TOKEN.matcher(upper);
    int last = 0;
    while (m.find()) {
      parts.add(upper.substring(last, m.start()));
      parts.add(m.group());
      last = m.end();
    }
    parts.add(upper.substring(last));
    String command;
    if (parts.size() >= 3 && parts.get(0).isEmpty() && parts.get(1).equals("N")) {
      command = parts.size() >= 5 ? (parts.get(3) + parts.get(4)).strip() : "";
    } else {
      command = String.join("", parts.subList(0, Math.min(3, parts.size()))).strip();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 1; i + 1 < parts.size(); i += 2) {
      params.put(parts.get(i), parts.get(i + 1).strip());
    }
    return new Line(command, params, original);
  }

  /**
   * The parameter text after the command name in the original line (case kept), without a
   * leading line number or a trailing checksum.
   */
  public static String rawParameters(String command, String original) {
    int start = command.length();
    int end = original.length();
    if (!original.substring(0, Math.min(start, original.length())).toUpperCase(Locale.ROOT)
        .equals(command)) {
      start += original.toUpperCase(Locale.ROOT).indexOf(command);
      int star = original.lastIndexOf('*');
      if (star >= 0 && star + 1 < original.length()
          && original.substring(star + 1).chars().allMatch(Character::isDigit)) {
        end = star;
      }
    }
    if (start < original.length() && Character.isWhitespace(original.charAt(start))) {
      start++;
    }
    return start >= end ? "" : original.substring(start, end);
  }
}
