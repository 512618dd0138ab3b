package org.escapement.host.config;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pin names in a configuration: {@code [^|~][!][chip:]pin}. {@code ^} pull-up and {@code ~}
 * pull-down (inputs only), {@code !} inverted; the chip is an MCU name, {@code mcu} if none.
 * Each pin may be claimed once, unless its users share it on purpose. Per chip, a {@link
 * Resolver} maps {@code [board_pins]} aliases and refuses pins the firmware reserved.
 */
public final class Pins {
  /** A parsed pin: {@code pullup} is 1 (^), -1 (~) or 0. */
  public record Pin(String chip, String pin, boolean invert, int pullup, String shareType) {
    /** The pin as the MCU names it, after alias resolution by the chip's resolver. */
    public String name() {
      return pin;
    }
  }

  private final Set<String> chips = new HashSet<>();
  private final Map<String, Resolver> resolvers = new HashMap<>();
  private final Map<String, Object> chipObjects = new HashMap<>();
  private final Map<String, Pin> active = new HashMap<>();
  private final Set<String> multiUse = new HashSet<>();

  /** Makes {@code name} a valid chip prefix (every [mcu] registers itself). */
  public void registerChip(String name) {
    String n = name.strip();
    if (!chips.add(n)) {
      throw new ConfigError("Duplicate chip name '" + n + "'");
    }
    resolvers.put(n, new Resolver());
  }

  /**
   * A chip that is not an MCU ({@code probe} for {@code probe:z_virtual_endstop}): whoever
   * sets up one of its pins asks {@code chip} for it.
   */
  public void registerChip(String name, Object chip) {
    registerChip(name);
    chipObjects.put(name.strip(), chip);
  }

  /** The object behind a non-MCU chip, or null (an MCU). */
  public Object chipObject(String name) {
    return chipObjects.get(name);
  }

  public Resolver resolver(String chip) {
    Resolver r = resolvers.get(chip);
    if (r == null) {
      throw new ConfigError("Unknown chip name '" + chip + "'");
    }
    return r;
  }

  /** Parses without claiming. */
  public Pin parse(String desc, boolean canInvert, boolean canPullup) {
    String d = desc.strip();
    int pullup = 0;
    boolean invert = false;
    if (canPullup && (d.startsWith("^") || d.startsWith("~"))) {
      pullup = d.startsWith("~") ? -1 : 1;
      d = d.substring(1).strip();
    }
    if (canInvert && d.startsWith("!")) {
      invert = true;
      d = d.substring(1).strip();
    }
    String chip = "mcu";
    String pin = d;
    int colon = d.indexOf(':');
    if (colon >= 0) {
      chip = d.substring(0, colon).strip();
      pin = d.substring(colon + 1).strip();
    }
    if (!chips.contains(chip)) {
      throw new ConfigError("Unknown pin chip name '" + chip + "'");
    }
    if (pin.isEmpty() || pin.chars().anyMatch(c -> "^~!:".indexOf(c) >= 0
        || Character.isWhitespace(c))) {
      throw new ConfigError("Invalid pin description '" + desc + "'\nFormat is: "
          + (canPullup ? "[^~] " : "") + (canInvert ? "[!] " : "") + "[chip_name:] pin_name");
    }
    return new Pin(chip, pin, invert, pullup, null);
  }

  /**
   * Parses and claims a pin.
   *
   * @param shareType users of one pin with the same non-null share type may share it (with
   *     the same polarity)
   */
  public Pin claim(String desc, boolean canInvert, boolean canPullup, String shareType) {
    Pin p = parse(desc, canInvert, canPullup);
    String key = p.chip() + ":" + p.pin();
    Pin existing = active.get(key);
    if (existing != null) {
      if (multiUse.contains(key)) {
        return existing;
      }
      if (shareType == null || !shareType.equals(existing.shareType())) {
        throw new ConfigError("pin " + p.pin() + " used multiple times in config");
      }
      if (p.invert() != existing.invert() || p.pullup() != existing.pullup()) {
        throw new ConfigError("Shared pin " + p.pin() + " must have same polarity");
      }
      return existing;
    }
    Pin claimed = new Pin(p.chip(), p.pin(), p.invert(), p.pullup(), shareType);
    active.put(key, claimed);
    return claimed;
  }

  /**
   * Reads a pin option and claims it; errors name the section, option and line.
   *
   * @param type {@code endstop} (may invert and pull), {@code digital_out} and {@code pwm} (may
   *     invert), anything else (neither)
   */
  public Pin claim(ConfigSection section, String option, String type) {
    String desc = section.get(option);
    boolean canInvert = type.equals("endstop") || type.equals("digital_out")
        || type.equals("pwm");
    boolean canPullup = type.equals("endstop");
    try {
      return claim(desc, canInvert, canPullup, null);
    } catch (ConfigError e) {
      Origin at = section.origin(option);
      throw new ConfigError("Option '" + option + "' in section '" + section.name() + "'"
          + (at == null ? "" : " (" + at + ")") + ": " + e.getMessage(), e);
    }
  }

  /** Lets any number of users claim this pin ({@code [duplicate_pin_override]}). */
  public void allowMultiUse(String desc) {
    Pin p = parse(desc, false, false);
    multiUse.add(p.chip() + ":" + p.pin());
  }

  /** Releases a claim (a module that re-configures its pin). */
  public void release(Pin p) {
    active.remove(p.chip() + ":" + p.pin());
  }

  /** Per chip: aliases ({@code [board_pins]}) and the pins its firmware keeps for itself. */
  public static final class Resolver {
    private static final Pattern PIN_PARAM = Pattern.compile("(?<prefix>[ _]pin=)(?<name>[^ ]*)");
    private final Map<String, String> reserved = new HashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final Map<String, String> usedAs = new HashMap<>();

    /** The firmware's {@code RESERVE_PINS_<what>} constants. */
    public void reserve(String pin, String forWhat) {
      String old = reserved.get(pin);
      if (old != null && !old.equals(forWhat)) {
        throw new ConfigError("Pin " + pin + " reserved for " + old + " - can't reserve for "
            + forWhat);
      }
      reserved.put(pin, forWhat);
    }

    public void alias(String alias, String pin) {
      String old = aliases.get(alias);
      if (old != null && !old.equals(pin)) {
        throw new ConfigError("Alias " + alias + " mapped to " + old + " - can't alias to "
            + pin);
      }
      if (pin.chars().anyMatch(c -> "^~!:".indexOf(c) >= 0 || Character.isWhitespace(c))) {
        throw new ConfigError("Invalid pin alias '" + pin + "'");
      }
      String target = aliases.getOrDefault(pin, pin);
      aliases.put(alias, target);
      aliases.replaceAll((a, p) -> p.equals(alias) ? target : p);
    }

    /** The MCU's name for a pin name or alias; naming a reserved pin is an error. */
    public String resolve(String name) {
      String id = aliases.getOrDefault(name, name);
      if (reserved.containsKey(id)) {
        throw new ConfigError("pin " + name + " is reserved for " + reserved.get(id));
      }
      return id;
    }

    /**
     * Rewrites {@code pin=NAME} parameters of a config command to the MCU's own names; refuses a
     * reserved pin and a pin used under two names.
     */
    public String update(String command) {
      Matcher m = PIN_PARAM.matcher(command);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String name = m.group("name");
        String id = aliases.getOrDefault(name, name);
        String first = usedAs.putIfAbsent(id, name);
        if (first != null && !first.equals(name)) {
          throw new ConfigError("pin " + name + " is an alias for " + first);
        }
        if (reserved.containsKey(id)) {
          throw new ConfigError("pin " + name + " is reserved for " + reserved.get(id));
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(m.group("prefix") + id));
      }
      m.appendTail(sb);
      return sb.toString();
    }
  }
}
