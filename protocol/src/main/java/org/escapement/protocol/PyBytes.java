package org.escapement.protocol;

import java.io.ByteArrayOutputStream;

/**
 * The text form of byte strings in decoded messages. Klipper's tools print buffers as Python
 * bytes literals ({@code b'ok\x00'}); our dump must print the same, and our command parser reads
 * that form back (as well as plain hex, which Klipper's console uses).
 */
public final class PyBytes {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PyBytes() {}

  /** Python's {@code repr()} of a bytes object. */
  public static String repr(byte[] data) {
    boolean hasSingle = false;
    boolean hasDouble = false;
    for (byte b : data) {
      hasSingle |= b == '\'';
      hasDouble |= b == '"';
    }
    char quote = hasSingle && !hasDouble ? '"' : '\'';
    StringBuilder sb = new StringBuilder(data.length + 3).append('b').append(quote);
    for (byte raw : data) {
      int b = raw & 0xFF;
      if (b == quote || b == '\\') {
        sb.append('\\').append((char) b);
      } else if (b == '\t') {
        sb.append("\\t");
      } else if (b == '\n') {
        sb.append("\\n");
      } else if (b == '\r') {
        sb.append("\\r");
      } else if (b < 0x20 || b >= 0x7F) {
        sb.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xF]);
      } else {
        sb.append((char) b);
      }
    }
    return sb.append(quote).toString();
  }

  /**
   * Reads a bytes literal {@code b'...'} / {@code b"..."} (escapes \\ \' \" \t \n \r \xhh), or
   * an even number of hex digits.
   *
   * @throws ProtocolException if {@code text} is neither
   */
  public static byte[] parse(String text) {
    if (text.length() >= 3 && text.charAt(0) == 'b'
        && (text.charAt(1) == '\'' || text.charAt(1) == '"')
        && text.charAt(text.length() - 1) == text.charAt(1)) {
      return parseLiteral(text);
    }
    if (text.length() % 2 == 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      byte[] out = new byte[text.length() / 2];
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
      }
      return out;
    }
    throw new ProtocolException("not a byte string (expected b'...' or hex digits): " + text);
  }

  private static byte[] parseLiteral(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int end = text.length() - 1;
    for (int i = 2; i < end; i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        throw new ProtocolException("byte string holds a non-byte character: " + text);
      }
      if (c != '\\') {
        out.write(c);
        continue;
      }
      if (++i >= end) {
        throw new ProtocolException("byte string ends in a lone backslash: " + text);
      }
      char e = text.charAt(i);
      switch (e) {
        case '\\', '\'', '"' -> out.write(e);
        case 't' -> out.write('\t');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 'x' -> {
          int hi = i + 1 < end ? Character.digit(text.charAt(i + 1), 16) : -1;
          int lo = i + 2 < end ? Character.digit(text.charAt(i + 2), 16) : -1;
          if (hi < 0 || lo < 0) {
            throw new ProtocolException("byte string has a bad \\x escape: " + text);
          }
          out.write(hi * 16 + lo);
          i += 2;
        }
        default -> throw new ProtocolException(
            "byte string has an unknown escape \\" + e + ": " + text);
      }
    }
    return out.toByteArray();
  }
}
