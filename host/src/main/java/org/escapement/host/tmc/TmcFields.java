package org.escapement.host.tmc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;

/**
 * The register fields of one Trinamic driver and the values the host keeps for its registers.
 * Registers are written in the order their first field was set (as Klipper does: the init
 * sequence is that order), so drivers set fields in the datasheet's natural order.
 */
public final class TmcFields {
  private final RegisterMap map;
  /** Register name to the value the host will write; insertion order is the write order. */
  private final Map<String, Long> registers = new LinkedHashMap<>();

  public TmcFields(RegisterMap map) {
    this.map = map;
  }

  public RegisterMap map() {
    return map;
  }

  /** The register holding {@code field}, or null if this driver has no such field. */
  public String lookupRegister(String field) {
    return map.registerOf(field);
  }

  /** The field's value in the host's copy of its register. */
  public long getField(String field) {
    String reg = requireRegister(field);
    return getField(field, registers.getOrDefault(reg, 0L), reg);
  }

  /** The field's value in {@code regValue} (a value read from register {@code reg}). */
  public long getField(String field, long regValue, String reg) {
    long mask = map.mask(reg, field);
    long v = (regValue & mask) >>> Long.numberOfTrailingZeros(mask);
    if (map.isSigned(field) && ((regValue & mask) << 1) > mask) {
      v -= 1L << (64 - Long.numberOfLeadingZeros(v)); // two's complement within the field
    }
    return v;
  }

  public long getField(String field, long regValue) {
    return getField(field, regValue, requireRegister(field));
  }

  /** Sets a field in the host's copy of its register; returns the new register value. */
  public long setField(String field, long value) {
    String reg = requireRegister(field);
    long mask = map.mask(reg, field);
    long old = registers.getOrDefault(reg, 0L);
    long v = (old & ~mask) | ((value << Long.numberOfTrailingZeros(mask)) & mask);
    registers.put(reg, v);
    return v;
  }

  public long setField(String field, boolean value) {
    return setField(field, value ? 1 : 0);
  }

  /**
   * Reads {@code driver_FIELD} from the section (a bool for one-bit fields, a signed or
   * unsigned number within the field's width otherwise) and sets the field.
   */
  public long setConfigField(ConfigSection section, String field, long fallback) {
    String option = "driver_" + field.toUpperCase(java.util.Locale.ROOT);
    long mask = map.mask(requireRegister(field), field);
    long maxval = mask >>> Long.numberOfTrailingZeros(mask);
    long value;
    if (maxval == 1) {
      value = section.getBoolean(option, fallback != 0) ? 1 : 0;
    } else if (map.isSigned(field)) {
      value = section.getLong(option, fallback, Bounds.range(-(maxval / 2 + 1), maxval / 2));
    } else {
      value = section.getLong(option, fallback, Bounds.range(0, maxval));
    }
    return setField(field, value);
  }

  /** Every register the host keeps a value for, in write order. */
  public Map<String, Long> registers() {
    return registers;
  }

  public Long register(String reg) {
    return registers.get(reg);
  }

  /** {@code CHOPCONF:   10000053 toff=3 hstrt=5 ...}: non-zero fields, lowest bit first. */
  public String prettyFormat(String reg, long value) {
    StringBuilder sb = new StringBuilder(String.format("%-11s %08x", reg + ":", value));
    TreeMap<Long, String> byMask = new TreeMap<>(Long::compareUnsigned);
    map.fieldsOf(reg).forEach((name, mask) -> byMask.put(mask, name));
    for (String field : byMask.values()) {
      long v = getField(field, value, reg);
      String text = map.formatter(field).apply(v);
      if (!text.isEmpty() && !text.equals("0")) {
        sb.append(' ').append(field).append('=').append(text);
      }
    }
    return sb.toString();
  }

  /** Every field of a register value, by name (for the status object). */
  public Map<String, Long> regFields(String reg, long value) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String field : map.fieldsOf(reg).keySet()) {
      out.put(field, getField(field, value, reg));
    }
    return out;
  }

  private String requireRegister(String field) {
    String reg = map.registerOf(field);
    if (reg == null) {
      throw new IllegalArgumentException("no field " + field);
    }
    return reg;
  }

  /**
   * A driver's registers (name to address) and their fields (name to bit mask), from its
   * datasheet. Built once per driver type; later tables may copy and extend an earlier one
   * (the TMC2209 is a TMC2208 with StallGuard).
   */
  public static final class RegisterMap {
    private final Map<String, Integer> addresses = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> fields = new LinkedHashMap<>();
    private final Map<String, String> fieldToRegister = new LinkedHashMap<>();
    private final java.util.HashSet<String> signed = new java.util.HashSet<>();
    private final Map<String, LongFunction<String>> formatters = new LinkedHashMap<>();

    public RegisterMap() {}

    /** A copy to extend. */
    public RegisterMap(RegisterMap base) {
      addresses.putAll(base.addresses);
      base.fields.forEach((r, f) -> fields.put(r, new LinkedHashMap<>(f)));
      fieldToRegister.putAll(base.fieldToRegister);
      signed.addAll(base.signed);
      formatters.putAll(base.formatters);
    }

    public RegisterMap register(String name, int address) {
      addresses.put(name, address);
      return this;
    }

    /**
     * A field of {@code width} bits starting at bit {@code shift}; a later register with the
     * same field name takes the name over (as a table listing IOIN variants does).
     */
    public RegisterMap field(String reg, String name, int shift, int width) {
      long mask = ((1L << width) - 1) << shift;
      fields.computeIfAbsent(reg, r -> new LinkedHashMap<>()).put(name, mask);
      fieldToRegister.put(name, reg);
      return this;
    }

    /** Replaces all fields of a register (a derived driver with a different layout). */
    public RegisterMap clearFields(String reg) {
      Map<String, Long> old = fields.remove(reg);
      if (old != null) {
        old.keySet().forEach(f -> fieldToRegister.remove(f, reg));
        // a name that another register also had points back there
        fields.forEach((r, fs) -> fs.keySet().forEach(f -> fieldToRegister.putIfAbsent(f, r)));
      }
      return this;
    }

    public RegisterMap signed(String... names) {
      signed.addAll(Set.of(names));
      return this;
    }

    public RegisterMap format(String field, LongFunction<String> f) {
      formatters.put(field, f);
      return this;
    }

    public Integer address(String reg) {
      return addresses.get(reg);
    }

    public Map<String, Integer> addresses() {
      return addresses;
    }

    public String registerOf(String field) {
      return fieldToRegister.get(field);
    }

    public Map<String, Long> fieldsOf(String reg) {
      return fields.getOrDefault(reg, Map.of());
    }

    public boolean hasRegisterFields(String reg) {
      return fields.containsKey(reg);
    }

    long mask(String reg, String field) {
      Long m = fields.getOrDefault(reg, Map.of()).get(field);
      if (m == null) {
        throw new IllegalArgumentException("no field " + field + " in " + reg);
      }
      return m;
    }

    boolean isSigned(String field) {
      return signed.contains(field);
    }

    LongFunction<String> formatter(String field) {
      return formatters.getOrDefault(field, Long::toString);
    }
  }
}
