package org.escapement.host.display;

import java.util.Map;

/**
 * One display controller as the screen loop sees it: framebuffers the templates draw into
 * ({@link #clear} then writes), and {@link #flush} sending only the bytes that changed since
 * the last flush. Columns and rows count 8x16 character cells (graphic displays: 128x64
 * pixels are 16x4 cells).
 */
interface LcdChip {
  /** Resets and configures the controller, then sends the whole screen. At ready. */
  void init();

  /** Sends what changed since the previous flush. */
  void flush();

  /** Blanks the text and graphics (not the programmed glyphs) before a redraw. */
  void clear();

  /** Text from cell (x, y), cut at the right edge. */
  void writeText(int x, int y, byte[] text);

  /** A named glyph at (x, y); returns the cells it took (0: the chip has no such glyph). */
  int writeGlyph(int x, int y, String name);

  /** One cell of pixels, 16 rows of 8 (MSB left), drawn into graphics (text-only: ignored). */
  void writeGraphics(int x, int y, byte[] rows);

  void setGlyphs(Map<String, DisplayTemplates.Glyph> glyphs);

  /** Cells across. */
  int columns();

  /** Cells down. */
  default int rows() {
    return 4;
  }
}
