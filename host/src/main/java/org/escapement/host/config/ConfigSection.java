package org.escapement.host.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One section as a module reads it: typed getters with Klipper's checks and messages. Every
 * option read is noted, so that options nobody read can be reported after startup.
 */
public final class ConfigSection {
  private static final Pattern FLOAT = Pattern.compile(
      "[+-]?((\\d(_?\\d)*)?\\.?\\d(_?\\d)*([eE][+-]?\\d(_?\\d)*)?|(\\d(_?\\d)*)\\.|inf|infinity|nan)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern INT = Pattern.compile("[+-]?\\d(_?\\d)*");

  private final Config config;
  private final String name;
  private final ConfigFile.Section raw;

  ConfigSection(Config config, String name, ConfigFile.Section raw) {
    this.config = config;
    this.name = name;
    this.raw = raw;
  }

  /** The section's name as written, e.g. {@code stepper_x} or {@code gcode_macro START}. */
  public String name() {
    return name;
  }

  /** The part after the first space ({@code START} for {@code gcode_macro START}). */
  public String suffix() {
    int sp = name.indexOf(' ');
    return sp < 0 ? "" : name.substring(sp + 1).strip();
  }

  public Config config() {
    return config;
  }

  public boolean has(String option) {
    return raw != null && raw.option(option) != null;
  }

  /** Option names present in this section that start with {@code prefix}. */
  public List<String> optionsWithPrefix(String prefix) {
    if (raw == null) {
      return List.of();
    }
    return raw.options().keySet().stream().filter(o -> o.startsWith(prefix)).toList();
  }

  /** Where the option was set, for messages ("printer.cfg:12"), or null. */
  public Origin origin(String option) {
    ConfigFile.Entry e = raw == null ? null : raw.option(option);
    return e == null ? null : e.origin();
  }

  private String where(String option) {
    Origin o = origin(option);
    return o == null ? "" : " (" + o + ")";
  }

  private String quoted(String option) {
    return "Option '" + option + "' in section '" + name + "'";
  }

  private ConfigError error(String option, String what) {
    return new ConfigError(quoted(option) + " " + what + where(option));
  }

  /**
   * The raw value, or {@code fallback} when absent; a null fallback makes the option required.
   */
  private <T> T read(String option, T fallback, Function<String, T> parser, boolean required) {
    String key = option.toLowerCase(Locale.ROOT);
    ConfigFile.Entry e = raw == null ? null : raw.option(key);
    if (e == null) {
      if (required) {
        throw new ConfigError(quoted(option) + " must be specified");
      }
      if (fallback != null) {
        config.noteAccess(name, key, fallback);
      }
      return fallback;
    }
    T v;
    try {
      v = parser.apply(e.value());
    } catch (ConfigError ce) {
      throw ce;
    } catch (RuntimeException ex) {
      throw new ConfigError("Unable to parse option '" + option + "' in section '" + name + "'"
          + where(option) + ": " + (ex.getMessage() == null ? "'" + e.value() + "'"
          : ex.getMessage()));
    }
    config.noteAccess(name, key, v);
    return v;
  }

  public String get(String option) {
    return read(option, null, s -> s, true);
  }

  /** The value, or {@code fallback} if absent (null: absent is fine, null is returned). */
  public String get(String option, String fallback) {
    return read(option, fallback, s -> s, false);
  }

  public int getInt(String option) {
    return getInt(option, null, Bounds.NONE);
  }

  public int getInt(String option, Integer fallback) {
    return getInt(option, fallback, Bounds.NONE);
  }

  /** As Klipper: the bounds apply to a value from the file, never to {@code fallback}. */
  public int getInt(String option, Integer fallback, Bounds bounds) {
    boolean given = has(option);
    Integer v = read(option, fallback, ConfigSection::parseInt, fallback == null);
    if (given) {
      check(option, v, bounds);
    }
    return v;
  }

  /** A whole number beyond int's range (32-bit driver register values); as getInt. */
  public long getLong(String option, Long fallback, Bounds bounds) {
    boolean given = has(option);
    Long v = read(option, fallback, ConfigSection::parseLong, fallback == null);
    if (given) {
      check(option, v, bounds);
    }
    return v;
  }

  public double getFloat(String option) {
    return getFloat(option, null, Bounds.NONE);
  }

  public double getFloat(String option, Double fallback) {
    return getFloat(option, fallback, Bounds.NONE);
  }

  /** As Klipper: the bounds apply to a value from the file, never to {@code fallback}. */
  public double getFloat(String option, Double fallback, Bounds bounds) {
    boolean given = has(option);
    Double v = read(option, fallback, ConfigSection::parseFloat, fallback == null);
    if (given) {
      check(option, v, bounds);
    }
    return v;
  }

  /** A float that may be absent: returns null then (no default). */
  /**
   * A float option read without claiming it: another module's option that this one only looks
   * at (an unused one is still reported). Null when absent or not a number.
   */
  public Double peekFloat(String option) {
    ConfigFile.Entry e = raw == null ? null : raw.option(option.toLowerCase(Locale.ROOT));
    if (e == null) {
      return null;
    }
    try {
      return parseFloat(e.value());
    } catch (RuntimeException ex) {
      return null;
    }
  }

  public Double getFloatOrNull(String option, Bounds bounds) {
    Double v = read(option, null, ConfigSection::parseFloat, false);
    if (v != null) {
      check(option, v, bounds);
    }
    return v;
  }

  public boolean getBoolean(String option, Boolean fallback) {
    return read(option, fallback, ConfigSection::parseBoolean, fallback == null);
  }

  /** One of {@code choices} (config text to value). */
  public <T> T getChoice(String option, Map<String, T> choices, String fallback) {
    String c = read(option, fallback, s -> s, fallback == null);
    if (!choices.containsKey(c)) {
      throw new ConfigError("Choice '" + c + "' for option '" + option + "' in section '"
          + name + "' is not a valid choice" + where(option));
    }
    return choices.get(c);
  }

  /** A {@code sep}-separated list (empty text is an empty list); null fallback = required. */
  public List<String> getList(String option, List<String> fallback, String sep) {
    return read(option, fallback, s -> split(s, sep), fallback == null);
  }

  public List<Double> getFloatList(String option, List<Double> fallback, String sep,
      Integer count) {
    List<Double> v = read(option, fallback,
        s -> split(s, sep).stream().map(ConfigSection::parseFloat).toList(), fallback == null);
    checkCount(option, v, count);
    return v;
  }

  public List<Integer> getIntList(String option, List<Integer> fallback, String sep,
      Integer count) {
    List<Integer> v = read(option, fallback,
        s -> split(s, sep).stream().map(ConfigSection::parseInt).toList(), fallback == null);
    checkCount(option, v, count);
    return v;
  }

  /** Rows (one per line) of {@code sep}-separated values, e.g. a bed mesh table. */
  public List<List<String>> getLists(String option, List<List<String>> fallback, String sep) {
    return read(option, fallback, s -> {
      List<List<String>> rows = new ArrayList<>();
      for (String line : s.split("\n")) {
        if (!line.isBlank()) {
          rows.add(split(line, sep));
        }
      }
      return rows;
    }, fallback == null);
  }

  private void checkCount(String option, List<?> v, Integer count) {
    if (v != null && count != null && v.size() != count) {
      throw error(option, "must have " + count + " elements");
    }
  }

  private void check(String option, Number v, Bounds bounds) {
    if (v != null) {
      String bad = bounds.violation(v.doubleValue());
      if (bad != null) {
        throw error(option, bad);
      }
    }
  }

  static List<String> split(String s, String sep) {
    if (s.strip().isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : s.split(Pattern.quote(sep), -1)) {
      out.add(p.strip());
    }
    return out;
  }

  /** Python's int(): decimal digits with optional sign and underscores. */
  static int parseInt(String text) {
    String s = text.strip();
    if (!INT.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an integer");
    }
    try {
      return Integer.parseInt(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is out of range");
    }
  }

  /** Python's int() for values that need 64 bits. */
  static long parseLong(String text) {
    String s = text.strip();
    if (!INT.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not an integer");
    }
    try {
      return Long.parseLong(s.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is out of range");
    }
  }

  /**
   * Python's float(): decimal or exponent notation, inf, nan (G-code numbers use it too).
   *
   * @throws NumberFormatException when it is not a number
   */
  public static double parseFloat(String text) {
    String s = text.strip();
    if (!FLOAT.matcher(s).matches()) {
      throw new NumberFormatException("'" + text + "' is not a number");
    }
    String lower = s.toLowerCase(Locale.ROOT).replace("_", "");
    boolean neg = lower.startsWith("-");
    String body = lower.replaceFirst("^[+-]", "");
    if (body.startsWith("inf")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(lower);
  }

  /** configparser's booleans. */
  static boolean parseBoolean(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "1", "yes", "true", "on" -> true;
      case "0", "no", "false", "off" -> false;
      default -> throw new IllegalArgumentException("'" + text + "' is not a boolean"
          + " (true/false, yes/no, on/off, 1/0)");
    };
  }
}
