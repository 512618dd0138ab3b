package org.escapement.host.printer;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code printer} in templates: each object's status by name, read once per render at one
 * moment ({@code printer.toolhead.position}, {@code printer["gcode_macro X"].var}, {@code
 * "toolhead" in printer}).
 */
public final class PrinterStatusView extends AbstractMap<String, Object> {
  private final Printer printer;
  private final double eventtime;
  private final Map<String, Object> cache = new HashMap<>();

  public PrinterStatusView(Printer printer, double eventtime) {
    this.printer = printer;
    this.eventtime = eventtime;
  }

  @Override
  public Object get(Object key) {
    if (!(key instanceof String name)) {
      return null;
    }
    String k = name.strip();
    if (cache.containsKey(k)) {
      return cache.get(k);
    }
    StatusProvider p = printer.lookupObjectOrNull(k, StatusProvider.class);
    Object status = p == null ? null : p.status(eventtime);
    cache.put(k, status);
    return status;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    Set<Entry<String, Object>> out = new LinkedHashSet<>();
    for (String name : printer.lookupObjects("", StatusProvider.class).keySet()) {
      out.add(new SimpleImmutableEntry<>(name, get(name)));
    }
    return out;
  }
}
