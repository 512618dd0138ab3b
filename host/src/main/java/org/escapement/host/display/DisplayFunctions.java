package org.escapement.host.display;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.gcode.template.TemplateEngine;

/**
 * The functions display templates call: {@code render(NAME, param_x=...)} and
 * {@code draw_progress_bar(row, col, width, fraction)}. They act on the display whose screen
 * is being drawn on this thread; anywhere else (a gcode_macro) they are an error.
 */
public final class DisplayFunctions {
  /** The screen being drawn: its chip, templates, the template context and the actions. */
  record Drawing(LcdChip chip, Map<String, DisplayTemplates.Template> templates,
      Map<String, Object> context, TemplateEngine.Actions actions) {}

  private static final ThreadLocal<Drawing> CURRENT = new ThreadLocal<>();
  private static final java.util.Set<TemplateEngine> REGISTERED =
      java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

  private DisplayFunctions() {}

  static synchronized void register(TemplateEngine engine) {
    if (REGISTERED.add(engine)) {
      engine.registerFunction("render", DisplayFunctions.class, "render", Object[].class);
      engine.registerFunction("draw_progress_bar", DisplayFunctions.class, "drawProgressBar",
          Object[].class);
    }
  }

  static void begin(Drawing d) {
    CURRENT.set(d);
  }

  static void end() {
    CURRENT.remove();
  }

  private static Drawing current(String function) {
    Drawing d = CURRENT.get();
    if (d == null) {
      throw new GCodeError("'" + function + "' is only available in display templates");
    }
    return d;
  }

  public static String render(Object... args) {
    Drawing d = current("render");
    if (args.length == 0 || args[0] instanceof NamedParameter) {
      throw new GCodeError("render() needs the name of a display_template");
    }
    String name = String.valueOf(args[0]);
    DisplayTemplates.Template t = d.templates().get(name);
    if (t == null) {
      throw new GCodeError("Unknown display_template '" + name + "'");
    }
    Map<String, Object> params = new LinkedHashMap<>(t.params());
    for (int i = 1; i < args.length; i++) {
      if (!(args[i] instanceof NamedParameter p) || !params.containsKey(p.getName())) {
        throw new GCodeError("Invalid parameter to display_template " + name);
      }
      params.put(p.getName(), p.getValue());
    }
    Map<String, Object> context = new HashMap<>(d.context());
    context.putAll(params);
    return t.text().render(context, d.actions());
  }

  public static String drawProgressBar(Object... args) {
    Drawing d = current("draw_progress_bar");
    if (args.length != 4) {
      throw new GCodeError("draw_progress_bar() takes row, col, width and value");
    }
    int row = ((Number) args[0]).intValue();
    int col = ((Number) args[1]).intValue();
    int width = ((Number) args[2]).intValue();
    double value = ((Number) args[3]).doubleValue();
    drawProgressBar(d.chip(), row, col, width, value);
    return "";
  }

  /**
   * A bar of {@code width} cells, outlined, filled from the left to {@code value} (0..1);
   * graphics only, so a character display shows the percentage under it instead.
   */
  static void drawProgressBar(LcdChip chip, int row, int col, int width, double value) {
    int bits = width * 8;
    // Set bits are lit pixels, bit 0 the rightmost column: the empty part of the bar is the
    // low bits, the border the top bit and bit 0.
    BigInteger pixels = BigInteger.ONE.negate().shiftLeft((int) (bits * (1.0 - value) + 0.5));
    pixels = pixels.or(BigInteger.ONE.shiftLeft(bits - 1)).or(BigInteger.ONE);
    for (int i = 0; i < width; i++) {
      byte b = (byte) pixels.shiftRight(i * 8).intValue();
      byte[] cell = new byte[16];
      java.util.Arrays.fill(cell, b);
      cell[0] = (byte) 0xff;
      cell[15] = (byte) 0xff;
      chip.writeGraphics(col + width - 1 - i, row, cell);
    }
  }
}
