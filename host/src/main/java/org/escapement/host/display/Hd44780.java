package org.escapement.host.display;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.mcu.CommandQueue;
import org.escapement.host.mcu.Mcu;
import org.escapement.host.mcu.McuCommand;
import org.escapement.host.mcu.McuPin;
import org.escapement.host.modules.PinSetup;
import org.escapement.host.printer.Printer;

/**
 * {@code lcd_type: hd44780}: a 20x4 (or 16x4) character display on a 4-bit parallel bus,
 * clocked by the firmware ({@code config_hd44780}, {@code hd44780_send_cmds},
 * {@code hd44780_send_data}). Its memory holds two 40-byte lines (rows 0/2 and 1/3 side by
 * side, addresses 0x80 and 0xc0) and 64 bytes of CGRAM for eight custom characters (0x40).
 */
final class Hd44780 implements LcdChip {
  /** Time the firmware waits after each nibble (the controller's command time). */
  static final double DELAY = 0.000040;
  private static final byte RIGHT_ARROW = 0x7e;

  private final Printer printer;
  private final Mcu mcu;
  private final int oid;
  private final boolean protocolInit;
  private final int lineLength;
  private final byte[][] text;
  private final byte[] cgram = new byte[64];
  /** Each framebuffer, what the display holds of it, and its address command. */
  private final List<Framebuffer> framebuffers;
  private final Map<String, DisplayTemplates.Glyph> icons = new HashMap<>();
  private McuCommand sendCmds;
  private McuCommand sendData;

  record Framebuffer(byte[] now, byte[] shown, int address) {}

  Hd44780(Printer printer, ConfigSection section) {
    this.printer = printer;
    String[] names = {"rs", "e", "d4", "d5", "d6", "d7"};
    McuPin[] pins = new McuPin[names.length];
    for (int i = 0; i < names.length; i++) {
      pins[i] = PinSetup.pin(printer, section, names[i] + "_pin", "lcd");
      if (pins[i].mcu() != pins[0].mcu()) {
        throw new ConfigError("hd44780 all pins must be on same mcu");
      }
    }
    protocolInit = section.getBoolean("hd44780_protocol_init", true);
    lineLength = section.getChoice("line_length", Map.of("16", 16, "20", 20), "20");
    mcu = pins[0].mcu();
    oid = mcu.createOid();
    text = new byte[][] {spaces(2 * lineLength), spaces(2 * lineLength)};
    framebuffers = List.of(
        new Framebuffer(text[0], tildes(2 * lineLength), 0x80),
        new Framebuffer(text[1], tildes(2 * lineLength), 0xc0),
        new Framebuffer(cgram, tildes(64), 0x40));
    mcu.registerConfigCallback(() -> {
      for (McuPin p : pins) {
        p.checkExists();
      }
      mcu.addConfigCmd(String.format(java.util.Locale.ROOT, "config_hd44780 oid=%d rs_pin=%s"
          + " e_pin=%s d4_pin=%s d5_pin=%s d6_pin=%s d7_pin=%s delay_ticks=%d", oid,
          pins[0].name(), pins[1].name(), pins[2].name(), pins[3].name(), pins[4].name(),
          pins[5].name(), mcu.secondsToClock(DELAY)), false, false);
      CommandQueue queue = mcu.newCommandQueue();
      sendCmds = mcu.lookupCommand("hd44780_send_cmds oid=%c cmds=%*s", queue);
      sendData = mcu.lookupCommand("hd44780_send_data oid=%c data=%*s", queue);
    });
  }

  static byte[] spaces(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) ' ');
    return b;
  }

  /** What the display is assumed to show before the first flush: differs from anything. */
  static byte[] tildes(int n) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) '~');
    return b;
  }

  private void send(byte[] bytes, boolean isData) {
    (isData ? sendData : sendCmds).sendTimed(0, DisplayModule.BACKGROUND_PRIORITY_CLOCK, (long) oid,
        bytes);
  }

  @Override
  public void init() {
    double printTime = mcu.estimatedPrintTime(printer.reactor().monotonic());
    // 4-bit mode and two lines, spelled out for a controller that may be in any state
    // (0x33 0x33 0x32), then home; each step 100 ms after the previous one.
    List<byte[]> steps = new java.util.ArrayList<>(protocolInit
        ? List.of(new byte[] {0x33}, new byte[] {0x33}, new byte[] {0x32},
            new byte[] {0x28, 0x28, 0x02})
        : List.of(new byte[] {0x02}));
    steps.add(new byte[] {0x06, 0x0c}); // cursor moves right; display on, cursor hidden
    for (int i = 0; i < steps.size(); i++) {
      long minClock = mcu.printTimeToClock(printTime + i * 0.100);
      sendCmds.sendTimed(minClock, 0, (long) oid, steps.get(i));
    }
    flush();
  }

  @Override
  public void flush() {
    for (Framebuffer fb : framebuffers) {
      if (java.util.Arrays.equals(fb.now(), fb.shown())) {
        continue;
      }
      for (FrameDiff.Run r : FrameDiff.runs(fb.now(), fb.shown(), 4)) {
        send(new byte[] {(byte) (fb.address() + r.pos())}, false);
        send(java.util.Arrays.copyOfRange(fb.now(), r.pos(), r.pos() + r.count()), true);
      }
      System.arraycopy(fb.now(), 0, fb.shown(), 0, fb.now().length);
    }
  }

  @Override
  public void clear() {
    java.util.Arrays.fill(text[0], (byte) ' ');
    java.util.Arrays.fill(text[1], (byte) ' ');
  }

  @Override
  public void writeText(int x, int y, byte[] data) {
    if (y < 0 || y > 3 || x < 0) {
      return;
    }
    int n = Math.max(0, Math.min(data.length, lineLength - x));
    int pos = x + ((y & 2) >> 1) * lineLength;
    System.arraycopy(data, 0, text[y & 1], pos, n);
  }

  @Override
  public int writeGlyph(int x, int y, String name) {
    DisplayTemplates.Glyph g = icons.get(name);
    if (g != null) {
      writeText(x, y, new byte[] {(byte) g.hd44780Slot()});
      System.arraycopy(g.icon5x8(), 0, cgram, g.hd44780Slot() * 8, 8);
      return 1;
    }
    if (name.equals("right_arrow")) {
      writeText(x, y, new byte[] {RIGHT_ARROW});
      return 1;
    }
    return 0;
  }

  @Override
  public void writeGraphics(int x, int y, byte[] rows) {
    // a character display has no graphics
  }

  @Override
  public void setGlyphs(Map<String, DisplayTemplates.Glyph> glyphs) {
    glyphs.forEach((name, g) -> {
      if (g.icon5x8() != null) {
        icons.put(name, g);
      }
    });
  }

  @Override
  public int columns() {
    return lineLength;
  }
}
