package org.escapement.host.display;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The 8x14 character font (public domain; see scripts/make-display-font) and pixel-order
 * conversions. */
final class Bitmaps {
  /** 256 characters of 16 rows (one byte each, MSB left; rows 0 and 15 blank). */
  static final byte[][] FONT = loadFont();

  private Bitmaps() {}

  private static byte[][] loadFont() {
    try (InputStream in = Bitmaps.class.getResourceAsStream("font-8x14.bin")) {
      byte[] all = in.readAllBytes();
      byte[][] font = new byte[256][];
      for (int c = 0; c < 256; c++) {
        font[c] = java.util.Arrays.copyOfRange(all, c * 16, c * 16 + 16);
      }
      return font;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A cell of 16 pixel rows to the column bytes of page-addressed displays: top[c] holds
   * column c of rows 0-7 (bit r = row r), bottom[c] of rows 8-15.
   */
  static byte[][] rowsToColumns(byte[] rows) {
    byte[] top = new byte[8];
    byte[] bottom = new byte[8];
    for (int c = 0; c < 8; c++) {
      int t = 0;
      int b = 0;
      for (int r = 0; r < 8; r++) {
        t |= ((rows[r] >> (7 - c)) & 1) << r;
        b |= ((rows[r + 8] >> (7 - c)) & 1) << r;
      }
      top[c] = (byte) t;
      bottom[c] = (byte) b;
    }
    return new byte[][] {top, bottom};
  }
}
