package org.escapement.host.display;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuCommand;
import org.escapement.host.mcu.McuSpi;
import org.escapement.host.printer.Printer;
import org.escapement.host.tmc.TmcSpi;

/**
 * 128x64 monochrome displays addressed in eight pages of one byte per column (bit 0 the top
 * pixel): {@code uc1701} (and the st7567, which speaks the same commands), {@code ssd1306}
 * and {@code sh1106} (132 columns). All text is drawn with the 8x14 font, in graphics.
 * They sit on an SPI bus with a data/command line ({@code a0_pin}, or {@code dc_pin} for the
 * ssd1306/sh1106) switched on the same command queue, and maybe a reset line.
 */
final class PageDisplay implements LcdChip {
  private static final byte RIGHT_ARROW = 0x1a;
  private static final byte DEGREES = (byte) 0xf8;

  enum Kind { UC1701, SSD1306, SH1106 }

  private final Printer printer;
  private final Kind kind;
  private final int columns;
  private final int xOffset;
  private final int contrast;
  private final int vcomh;
  private final boolean invert;
  private final byte[][] pages;
  private final byte[][] shown;
  private final Map<String, byte[][]> icons = new HashMap<>();
  private final McuSpi spi;
  private final BusPin dataCommand;
  private final BusPin reset;

  PageDisplay(Printer printer, ConfigSection section, Kind kind) {
    this.printer = printer;
    this.kind = kind;
    if (kind != Kind.UC1701 && section.get("cs_pin", null) == null) {
      throw new ConfigError("Option 'lcd_type' in section '" + section.name() + "': "
          + kind.name().toLowerCase(Locale.ROOT) + " on an i2c bus is not supported yet"
          + " (an SPI wiring with cs_pin and dc_pin is)");
    }
    spi = TmcSpi.spiFromConfig(printer, section, 0, 10_000_000, null);
    dataCommand = new BusPin(printer, spi, section, kind == Kind.UC1701 ? "a0_pin" : "dc_pin",
        true);
    String resetOption = kind == Kind.UC1701 ? "rst_pin" : "reset_pin";
    reset = section.get(resetOption, null) == null ? null
        : new BusPin(printer, spi, section, resetOption, false);
    if (kind == Kind.UC1701) {
      contrast = section.getInt("contrast", 40, Bounds.range(0, 63));
      vcomh = 0;
      invert = false;
    } else {
      contrast = section.getInt("contrast", 239, Bounds.range(0, 255));
      vcomh = section.getInt("vcomh", 0, Bounds.range(0, 63));
      invert = section.getBoolean("invert", false);
    }
    columns = kind == Kind.SH1106 ? 132 : 128;
    xOffset = kind == Kind.SH1106 ? section.getInt("x_offset", 0, Bounds.range(0, 3)) : 0;
    pages = new byte[8][columns];
    shown = new byte[8][];
    for (int i = 0; i < 8; i++) {
      shown[i] = Hd44780.tildes(columns);
    }
  }

  private void send(byte[] bytes, boolean isData) {
    dataCommand.set(isData, 0, DisplayModule.BACKGROUND_PRIORITY_CLOCK);
    spi.send(bytes, 0, DisplayModule.BACKGROUND_PRIORITY_CLOCK);
  }

  @Override
  public void init() {
    if (reset != null) {
      reset.pulse(printer);
    }
    if (kind == Kind.UC1701) {
      send(bytes(0xe2, // reset
          0x40, // start at line 0
          0xa0, // segment direction
          0xc8, // common direction
          0xa2, // bias 1/9
          0x2c, 0x2e, 0x2f, // booster, regulator, follower on
          0xf8, 0x00, // booster ratio 4x
          0x23, // resistor ratio 3
          0x81, contrast, // electronic volume
          0xac, 0x00, // static indicator off, nop
          0xa6, // not inverted
          0xaf), false); // display on
      send(bytes(0xa5), false); // all pixels on,
      send(bytes(0xa4), false); // then back to the RAM contents
    } else {
      send(bytes(0xae, // display off
          0xd5, 0x80, // oscillator frequency
          0xa8, 0x3f, // multiplex ratio 64
          0xd3, 0x00, // no display offset
          0x40, // start line 0
          0x8d, 0x14, // charge pump on
          0x20, 0x02, // page addressing
          0xa1, // segment remap
          0xc8, // scan direction
          0xda, 0x12, // COM pins
          0x81, contrast,
          0xd9, 0xa1, // pre-charge period
          0xdb, vcomh, // VCOMH deselect level
          0x2e, // no scrolling
          0xa4, // show RAM
          invert ? 0xa7 : 0xa6,
          0xaf), false); // display on
    }
    flush();
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  @Override
  public void flush() {
    for (int page = 0; page < 8; page++) {
      if (Arrays.equals(pages[page], shown[page])) {
        continue;
      }
      for (FrameDiff.Run r : FrameDiff.runs(pages[page], shown[page], 5)) {
        send(bytes(0xb0 | (page & 0x0f), 0x10 | ((r.pos() >> 4) & 0x0f), r.pos() & 0x0f),
            false);
        send(Arrays.copyOfRange(pages[page], r.pos(), r.pos() + r.count()), true);
      }
      System.arraycopy(pages[page], 0, shown[page], 0, columns);
    }
  }

  @Override
  public void clear() {
    for (byte[] p : pages) {
      Arrays.fill(p, (byte) 0);
    }
  }

  @Override
  public void writeText(int x, int y, byte[] data) {
    if (y < 0 || y > 3 || x < 0) {
      return;
    }
    int n = Math.max(0, Math.min(data.length, 16 - x));
    int px = x * 8 + xOffset;
    for (int i = 0; i < n; i++) {
      byte[][] cell = Bitmaps.rowsToColumns(Bitmaps.FONT[data[i] & 0xff]);
      System.arraycopy(cell[0], 0, pages[y * 2], px, 8);
      System.arraycopy(cell[1], 0, pages[y * 2 + 1], px, 8);
      px += 8;
    }
  }

  @Override
  public void writeGraphics(int x, int y, byte[] rows) {
    if (x < 0 || x >= 16 || y < 0 || y >= 4 || rows.length != 16) {
      return;
    }
    byte[][] cell = Bitmaps.rowsToColumns(rows);
    int px = x * 8 + xOffset;
    for (int i = 0; i < 8; i++) {
      pages[y * 2][px + i] ^= cell[0][i]; // drawn over the text (the progress bar's percentage)
      pages[y * 2 + 1][px + i] ^= cell[1][i];
    }
  }

  @Override
  public int writeGlyph(int x, int y, String name) {
    byte[][] icon = icons.get(name);
    if (icon != null && x >= 0 && x < 15 && y >= 0 && y < 4) {
      int px = x * 8 + xOffset;
      System.arraycopy(icon[0], 0, pages[y * 2], px, 16);
      System.arraycopy(icon[1], 0, pages[y * 2 + 1], px, 16);
      return 2;
    }
    if (name.equals("right_arrow")) {
      writeText(x, y, new byte[] {RIGHT_ARROW});
      return 1;
    }
    if (name.equals("degrees")) {
      writeText(x, y, new byte[] {DEGREES});
      return 1;
    }
    return 0;
  }

  @Override
  public void setGlyphs(Map<String, DisplayTemplates.Glyph> glyphs) {
    glyphs.forEach((name, g) -> {
      if (g.icon16() != null) {
        byte[][] left = Bitmaps.rowsToColumns(g.icon16()[0]);
        byte[][] right = Bitmaps.rowsToColumns(g.icon16()[1]);
        byte[] top = new byte[16];
        byte[] bottom = new byte[16];
        System.arraycopy(left[0], 0, top, 0, 8);
        System.arraycopy(right[0], 0, top, 8, 8);
        System.arraycopy(left[1], 0, bottom, 0, 8);
        System.arraycopy(right[1], 0, bottom, 8, 8);
        icons.put(name, new byte[][] {top, bottom});
      }
    });
  }

  @Override
  public int columns() {
    return 16;
  }

  /**
   * An output pin switched in order with an SPI device's bytes (on its command queue): the
   * data/command line, or the reset line pulsed at start.
   */
  static final class BusPin {
    private final Mcu mcu;
    private final int oid;
    private McuCommand update;

    BusPin(Printer printer, McuSpi spi, ConfigSection section, String option,
        boolean required) {
      var pin = org.escapement.host.modules.PinSetup.pin(printer, section, option, "lcd");
      if (pin.mcu() != spi.mcu()) {
        throw new ConfigError("Pin " + section.get(option) + " must be on mcu "
            + spi.mcu().name());
      }
      mcu = pin.mcu();
      oid = mcu.createOid();
      mcu.addConfigCmd(String.format(Locale.ROOT, "config_digital_out oid=%d pin=%s value=0"
          + " default_value=0 max_duration=0", oid, pin.name()), false, false);
      mcu.registerConfigCallback(() -> {
        pin.checkExists();
        update = mcu.lookupCommand("update_digital_out oid=%c value=%c", spi.queue());
      });
    }

    void set(boolean value, long minClock, long reqClock) {
      update.sendTimed(minClock, reqClock, (long) oid, value ? 1L : 0L);
    }

    /** Low 100 ms from now, high at 200 ms, and nothing else on the bus before 300 ms. */
    void pulse(Printer printer) {
      double printTime = mcu.estimatedPrintTime(printer.reactor().monotonic());
      set(false, mcu.printTimeToClock(printTime + 0.100), 0);
      set(true, mcu.printTimeToClock(printTime + 0.200), 0);
      set(true, mcu.printTimeToClock(printTime + 0.300), 0);
    }
  }
}
