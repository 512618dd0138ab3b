package org.escapement.host.gcode;

import java.util.Map;
import org.escapement.host.config.Bounds;

/** One command being run: its name, its parameters and the way to answer. */
public final class GCodeCommand {
  private final GCodeDispatch gcode;
  private String command;
  private final String commandLine;
  private final Map<String, String> params;
  private boolean needAck;

  GCodeCommand(GCodeDispatch gcode, String command, String commandLine,
      Map<String, String> params, boolean needAck) {
    this.gcode = gcode;
    this.command = command;
    this.commandLine = commandLine;
    this.params = params;
    this.needAck = needAck;
  }

  public String command() {
    return command;
  }

  void setCommand(String command) {
    this.command = command;
  }

  public String commandLine() {
    return commandLine;
  }

  /** Parameters by upper-case name (values upper-cased for traditional commands). */
  public Map<String, String> params() {
    return params;
  }

  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** The text after the command name, as typed (M117's message, a macro's rawparams). */
  public String rawParameters() {
    return GCodeParser.rawParameters(command, commandLine);
  }

  public GCodeError error(String message) {
    return new GCodeError(message);
  }

  public String get(String name) {
    String v = params.get(name);
    if (v == null) {
      throw error("Error on '" + commandLine + "': missing " + name);
    }
    return v;
  }

  public String get(String name, String fallback) {
    return params.getOrDefault(name, fallback);
  }

  public double getFloat(String name, Double fallback) {
    return getFloat(name, fallback, Bounds.NONE);
  }

  public double getFloat(String name, Double fallback, Bounds bounds) {
    String v = params.get(name);
    if (v == null) {
      if (fallback == null) {
        throw error("Error on '" + commandLine + "': missing " + name);
      }
      return fallback;
    }
    double d;
    try {
      d = parseFloat(v);
    } catch (NumberFormatException e) {
      throw error("Error on '" + commandLine + "': unable to parse " + v);
    }
    check(name, d, bounds);
    return d;
  }

  /** The parameter as a number, or null when it is absent. */
  public Double getFloatOrNull(String name, Bounds bounds) {
    return params.containsKey(name) ? getFloat(name, null, bounds) : null;
  }

  public int getInt(String name, Integer fallback) {
    return getInt(name, fallback, Bounds.NONE);
  }

  public int getInt(String name, Integer fallback, Bounds bounds) {
    String v = params.get(name);
    if (v == null) {
      if (fallback == null) {
        throw error("Error on '" + commandLine + "': missing " + name);
      }
      return fallback;
    }
    int i;
    try {
      i = Integer.parseInt(v.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw error("Error on '" + commandLine + "': unable to parse " + v);
    }
    check(name, i, bounds);
    return i;
  }

  private void check(String name, double v, Bounds bounds) {
    String bad = bounds.violation(v);
    if (bad != null) {
      throw error("Error on '" + commandLine + "': " + name + " " + bad);
    }
  }

  /** Python float() for G-code numbers ("10", "-.5", "1e3", "inf"). */
  static double parseFloat(String text) {
    if (isPlainDecimal(text)) {
      return Double.parseDouble(text); // nearly every G-code number: no copies, no regex
    }
    return org.escapement.host.config.ConfigSection.parseFloat(text);
  }

  /** An optional sign, then digits with at most one point and at least one digit. */
  private static boolean isPlainDecimal(String text) {
    int n = text.length();
    int i = n > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
    boolean digit = false;
    boolean point = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && !point) {
        point = true;
      } else {
        return false;
      }
    }
    return digit;
  }

  /** "// message" to whoever sent the command (and every output listener). */
  public void respondInfo(String message) {
    gcode.respondInfo(message);
  }

  public void respondRaw(String message) {
    gcode.respondRaw(message);
  }

  /** Sends "ok" (with {@code message} appended) once, if the source expects acks. */
  public boolean ack(String message) {
    if (!needAck) {
      return false;
    }
    gcode.respondRaw(message == null ? "ok" : "ok " + message);
    needAck = false;
    return true;
  }
}
