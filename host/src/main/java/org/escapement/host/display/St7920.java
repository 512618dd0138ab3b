package org.escapement.host.display;

import java.util.ArrayList;
import java.util.Arrays;
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
 * {@code lcd_type: st7920}: a 128x64 display (the RepRapDiscount full graphic controller)
 * with a character layer over a graphics layer, written by the firmware over a 3-wire serial
 * link ({@code config_st7920}, {@code st7920_send_cmds}, {@code st7920_send_data}).
 *
 * <p>Memory: 64 text bytes (rows 0, 2, 1, 3 of 16 characters at 0x80), 128 bytes of CGRAM for
 * custom characters (0x40), and 32 graphics lines of 32 bytes (each line holds a pixel row of
 * display rows 0-1 in its first 16 bytes and of rows 2-3 in its last 16). Graphics are
 * addressed in the controller's extended instruction set. Text and graphics overlay: an
 * animated icon (fan, heating bed) is drawn as a fixed graphic plus a CGRAM character holding
 * the difference to its second frame.
 */
final class St7920 implements LcdChip {
  static final double CMD_DELAY = 0.000020; // the datasheet's 72 us works faster in practice
  static final double SYNC_DELAY = 0.000045;
  private static final byte RIGHT_ARROW = 0x1a;

  record Framebuffer(byte[] now, byte[] shown, int id) {}

  private final Printer printer;
  private final Mcu mcu;
  private final int oid;
  private final byte[] text = Hd44780.spaces(64);
  private final byte[] cgram = new byte[128];
  private final byte[][] graphics = new byte[32][32];
  private final List<Framebuffer> framebuffers = new ArrayList<>();
  private final Map<String, byte[][]> icons = new HashMap<>();
  /** Animated glyph name to its first frame's name and its CGRAM character. */
  private final Map<String, Cached> cached = new HashMap<>();
  private boolean extended;
  private McuCommand sendCmds;
  private McuCommand sendData;

  private record Cached(String base, byte[] chars) {}

  St7920(Printer printer, ConfigSection section) {
    this.printer = printer;
    String[] names = {"cs", "sclk", "sid"};
    McuPin[] pins = new McuPin[names.length];
    for (int i = 0; i < names.length; i++) {
      pins[i] = PinSetup.pin(printer, section, names[i] + "_pin", "lcd");
      if (pins[i].mcu() != pins[0].mcu()) {
        throw new ConfigError("st7920 all pins must be on same mcu");
      }
    }
    mcu = pins[0].mcu();
    oid = mcu.createOid();
    framebuffers.add(new Framebuffer(text, Hd44780.tildes(64), 0x80));
    framebuffers.add(new Framebuffer(cgram, Hd44780.tildes(128), 0x40));
    for (int i = 0; i < 32; i++) {
      framebuffers.add(new Framebuffer(graphics[i], Hd44780.tildes(32), i));
    }
    mcu.registerConfigCallback(() -> {
      for (McuPin p : pins) {
        p.checkExists();
      }
      mcu.addConfigCmd(String.format(java.util.Locale.ROOT, "config_st7920 oid=%d cs_pin=%s"
          + " sclk_pin=%s sid_pin=%s sync_delay_ticks=%d cmd_delay_ticks=%d", oid,
          pins[0].name(), pins[1].name(), pins[2].name(), mcu.secondsToClock(SYNC_DELAY),
          mcu.secondsToClock(CMD_DELAY)), false, false);
      CommandQueue queue = mcu.newCommandQueue();
      sendCmds = mcu.lookupCommand("st7920_send_cmds oid=%c cmds=%*s", queue);
      sendData = mcu.lookupCommand("st7920_send_data oid=%c data=%*s", queue);
    });
  }

  /** Sends commands, first switching instruction set (0x22 basic, 0x26 extended) if needed. */
  private void sendCommands(byte[] cmds, boolean inExtended) {
    byte[] out = cmds;
    if (extended != inExtended) {
      out = new byte[cmds.length + 1];
      out[0] = (byte) (inExtended ? 0x26 : 0x22);
      System.arraycopy(cmds, 0, out, 1, cmds.length);
      extended = inExtended;
    }
    sendCmds.sendTimed(0, DisplayModule.BACKGROUND_PRIORITY_CLOCK, (long) oid, out);
  }

  private void sendData(byte[] data) {
    sendData.sendTimed(0, DisplayModule.BACKGROUND_PRIORITY_CLOCK, (long) oid, data);
  }

  @Override
  public void init() {
    sendCommands(new byte[] {
        0x24, // extended instruction set
        0x40, // vertical scroll address 0
        0x02, // CGRAM access
        0x26, // graphics on
        0x22, // basic instruction set
        0x02, // home
        0x06, // cursor moves right
        0x0c, // display on, cursor hidden
    }, false);
    flush();
  }

  @Override
  public void flush() {
    for (Framebuffer fb : framebuffers) {
      if (Arrays.equals(fb.now(), fb.shown())) {
        continue;
      }
      for (FrameDiff.Run r : FrameDiff.runs(fb.now(), fb.shown(), 5)) {
        // The controller addresses 16-bit words: whole words from an even byte.
        int count = r.count() + (r.pos() & 1);
        count += count & 1;
        int pos = r.pos() & ~1;
        int word = pos >> 1;
        if (fb.id() < 0x40) {
          sendCommands(new byte[] {(byte) (0x80 + fb.id()), (byte) (0x80 + word)}, true);
        } else {
          sendCommands(new byte[] {(byte) (fb.id() + word)}, false);
        }
        sendData(Arrays.copyOfRange(fb.now(), pos, pos + count));
      }
      System.arraycopy(fb.now(), 0, fb.shown(), 0, fb.now().length);
    }
  }

  @Override
  public void clear() {
    Arrays.fill(text, (byte) ' ');
    for (byte[] line : graphics) {
      Arrays.fill(line, (byte) 0);
    }
  }

  @Override
  public void writeText(int x, int y, byte[] data) {
    if (y < 0 || y > 3 || x < 0) {
      return;
    }
    int n = Math.max(0, Math.min(data.length, 16 - x));
    int pos = new int[] {0, 32, 16, 48}[y] + x;
    System.arraycopy(data, 0, text, pos, n);
  }

  @Override
  public void writeGraphics(int x, int y, byte[] rows) {
    if (x < 0 || x >= 16 || y < 0 || y >= 4 || rows.length != 16) {
      return;
    }
    int line = y * 16;
    if (line >= 32) {
      line -= 32;
      x += 16;
    }
    for (int i = 0; i < 16; i++) {
      graphics[line + i][x] = rows[i];
    }
  }

  @Override
  public int writeGlyph(int x, int y, String name) {
    Cached c = cached.get(name);
    String draw = name;
    if (c != null && (x & 1) == 0) {
      draw = c.base();
      writeText(x, y, c.chars());
    }
    byte[][] icon = icons.get(draw);
    if (icon != null) {
      writeGraphics(x, y, icon[0]);
      writeGraphics(x + 1, y, icon[1]);
      return 2;
    }
    if (name.equals("right_arrow")) {
      writeText(x, y, new byte[] {RIGHT_ARROW});
      return 1;
    }
    if (name.equals("degrees")) {
      writeGraphics(x, y, Bitmaps.FONT[0xf8]);
      return 1;
    }
    return 0;
  }

  @Override
  public void setGlyphs(Map<String, DisplayTemplates.Glyph> glyphs) {
    glyphs.forEach((name, g) -> {
      if (g.icon16() != null) {
        icons.put(name, g.icon16());
      }
    });
    cacheGlyph("fan2", "fan1", 0);
    cacheGlyph("bed_heat2", "bed_heat1", 1);
  }

  /** CGRAM character {@code id} holds the XOR of two frames (see the class comment). */
  private void cacheGlyph(String name, String baseName, int id) {
    byte[][] icon = icons.get(name);
    byte[][] base = icons.get(baseName);
    if (icon == null || base == null) {
      return;
    }
    byte[] shown = framebuffers.get(1).shown();
    for (int i = 0; i < 16; i++) {
      int pos = id * 32 + i * 2;
      cgram[pos] = (byte) (icon[0][i] ^ base[0][i]);
      cgram[pos + 1] = (byte) (icon[1][i] ^ base[1][i]);
      shown[pos] = (byte) (cgram[pos] ^ 1); // forces these bytes out on the first flush
      shown[pos + 1] = (byte) (cgram[pos + 1] ^ 1);
    }
    cached.put(name, new Cached(baseName, new byte[] {0, (byte) (id * 2)}));
  }

  @Override
  public int columns() {
    return 16;
  }
}
