package org.escapement.host.modules;

import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;

/**
 * {@code [respond]}: M118 and RESPOND send a message to whoever is connected (a serial host,
 * the console, API clients), prefixed {@code echo:}, {@code //} or {@code !!}.
 */
public final class RespondModule {
  private static final Map<String, String> TYPES = Map.of("echo", "echo:", "command", "//",
      "error", "!!");
  private final String defaultPrefix;

  public RespondModule(Printer printer, ConfigSection section) {
    String byType = section.getChoice("default_type", TYPES, "echo");
    defaultPrefix = section.get("default_prefix", byType);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("M118", c -> c.respondRaw(defaultPrefix + " " + c.rawParameters()), true,
        null);
    gcode.register("RESPOND", this::cmdRespond, true,
        "Echo the message prepended with a prefix");
  }

  private void cmdRespond(GCodeCommand c) {
    String prefix = defaultPrefix;
    boolean noSpace = false;
    String type = c.get("TYPE", null);
    if (type != null) {
      String t = type.toLowerCase(Locale.ROOT);
      if (TYPES.containsKey(t)) {
        prefix = TYPES.get(t);
      } else if (t.equals("echo_no_space")) {
        prefix = "echo:";
        noSpace = true;
      } else {
        throw c.error("RESPOND TYPE '" + t + "' is invalid. Must be one of 'echo', 'command',"
            + " or 'error'");
      }
    }
    prefix = c.get("PREFIX", prefix);
    String msg = c.get("MSG", "");
    c.respondRaw(noSpace ? prefix + msg : prefix + " " + msg);
  }
}
