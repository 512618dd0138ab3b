package org.escapement.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dictionary enumeration: symbolic names for the integer values of parameters called
 * {@code name} or ending in {@code _name} (pins, buses, shutdown reason strings...).
 */
public final class Enumeration {
  private final String name;
  private final Map<String, Integer> valueBySymbol;
  private final Map<Integer, String> symbolByValue = new LinkedHashMap<>();

  public Enumeration(String name, Map<String, Integer> valueBySymbol) {
    this.name = name;
    this.valueBySymbol = Collections.unmodifiableMap(new LinkedHashMap<>(valueBySymbol));
    // When two symbols share a value, the later one names it (as Klipper's host does).
    valueBySymbol.forEach((symbol, value) -> symbolByValue.put(value, symbol));
  }

  public String name() {
    return name;
  }

  /** Does a parameter of this name take its values from this enumeration? */
  public boolean appliesTo(String paramName) {
    return paramName.equals(name) || paramName.endsWith("_" + name);
  }

  public Integer valueOf(String symbol) {
    return valueBySymbol.get(symbol);
  }

  /** The symbol for {@code value}, or Klipper's {@code ?value} form when there is none. */
  public String symbolOf(long value) {
    String s = value == (int) value ? symbolByValue.get((int) value) : null;
    return s != null ? s : "?" + value;
  }

  public Map<String, Integer> symbols() {
    return valueBySymbol;
  }

  public int size() {
    return valueBySymbol.size();
  }

  @Override
  public String toString() {
    return "Enumeration[" + name + ", " + valueBySymbol.size() + " symbols]";
  }
}
