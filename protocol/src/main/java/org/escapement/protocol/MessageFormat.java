package org.escapement.protocol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One message of the data dictionary: its id and its format string, such as {@code
 * queue_step oid=%c interval=%u count=%hu add=%hi}. Encodes and decodes the message's
 * parameters and renders the text form Klipper's tools print.
 */
public final class MessageFormat {
  /** Which section of the dictionary the format came from. */
  public enum Kind {
    COMMAND,
    RESPONSE,
    /** A debug printf from the MCU; its parameters have no names. */
    OUTPUT
  }

  /** A parameter; {@code enumeration} is null unless its values have symbolic names. */
  public record Param(String name, ParamType type, Enumeration enumeration) {}

  /** Tokens in the order they must be matched (longest first). */
  private static final String[] TOKENS = {"%.*s", "%*s", "%hu", "%hi", "%u", "%i", "%c", "%s"};

  private final int id;
  private final byte[] idBytes;
  private final String format;
  private final String name;
  private final Kind kind;
  private final List<Param> params;
  private final Map<String, Integer> indexByName = new LinkedHashMap<>();

  private MessageFormat(int id, String format, String name, Kind kind, List<Param> params) {
    this.id = id;
    this.idBytes = Vlq.encode(id);
    this.format = format;
    this.name = name;
    this.kind = kind;
    this.params = Collections.unmodifiableList(params);
    for (int i = 0; i < params.size(); i++) {
      indexByName.put(params.get(i).name(), i);
    }
  }

  /**
   * Builds a format from its dictionary entry.
   *
   * @param enumerations in dictionary order; the first one whose name matches a parameter
   *     applies to it
   * @throws ProtocolException if the format names an unknown type or is not {@code name
   *     key=type...}
   */
  public static MessageFormat of(
      int id, String format, Kind kind, Iterable<Enumeration> enumerations) {
    if (kind == Kind.OUTPUT) {
      return new MessageFormat(id, format, "#output", kind, outputParams(format));
    }
    String[] parts = format.trim().split("\\s+");
    if (parts[0].isEmpty()) {
      throw new ProtocolException("message " + id + " has an empty format");
    }
    List<Param> params = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new ProtocolException("message format '" + format + "': '" + parts[i]
            + "' is not name=type");
      }
      String pname = parts[i].substring(0, eq);
      String token = parts[i].substring(eq + 1);
      ParamType type = ParamType.ofToken(token);
      if (type == null) {
        throw new ProtocolException("message format '" + format + "': parameter '" + pname
            + "' has unknown type '" + token + "'");
      }
      for (Param p : params) {
        if (p.name().equals(pname)) {
          throw new ProtocolException("message format '" + format + "': parameter '" + pname
              + "' appears twice");
        }
      }
      params.add(new Param(pname, type, type.isInteger() ? findEnumeration(pname, enumerations)
          : null));
    }
    return new MessageFormat(id, format, parts[0], kind, params);
  }

  private static Enumeration findEnumeration(String param, Iterable<Enumeration> enumerations) {
    for (Enumeration e : enumerations) {
      if (e.appliesTo(param)) {
        return e;
      }
    }
    return null;
  }

  private static List<Param> outputParams(String format) {
    List<Param> params = new ArrayList<>();
    for (int pos = format.indexOf('%'); pos >= 0; pos = format.indexOf('%', pos)) {
      if (format.startsWith("%%", pos)) {
        pos += 2;
        continue;
      }
      String token = tokenAt(format, pos);
      if (token == null) {
        throw new ProtocolException("output format '" + format + "' has an unknown conversion at "
            + "character " + pos);
      }
      params.add(new Param("arg" + params.size(), ParamType.ofToken(token), null));
      pos += token.length();
    }
    return params;
  }

  private static String tokenAt(String s, int pos) {
    for (String t : TOKENS) {
      if (s.startsWith(t, pos)) {
        return t;
      }
    }
    return null;
  }

  public int id() {
    return id;
  }

  /** The VLQ encoding of the id, as it starts every message on the wire. */
  public byte[] idBytes() {
    return idBytes.clone();
  }

  public String format() {
    return format;
  }

  public String name() {
    return name;
  }

  public Kind kind() {
    return kind;
  }

  public List<Param> params() {
    return params;
  }

  /** Index of the named parameter, or -1. */
  public int indexOf(String paramName) {
    Integer i = indexByName.get(paramName);
    return i == null ? -1 : i;
  }

  private String what() {
    return (kind == Kind.RESPONSE ? "response '" : "command '") + name + "'";
  }

  /**
   * A message from named parameters. Integers are {@link Number}s, enumerated parameters take
   * their symbol ({@code "PF0"}), string parameters take {@code byte[]}.
   *
   * @throws ProtocolException naming the parameter that is unknown, missing or out of range
   */
  public Message message(Map<String, ?> values) {
    for (String key : values.keySet()) {
      if (indexOf(key) < 0) {
        throw new ProtocolException(what() + " has no parameter '" + key + "'"
            + (params.isEmpty() ? " (it takes none)" : " (it takes " + paramNames() + ")"));
      }
    }
    Object[] out = new Object[params.size()];
    for (int i = 0; i < out.length; i++) {
      Param p = params.get(i);
      if (!values.containsKey(p.name())) {
        throw new ProtocolException(what() + " is missing parameter '" + p.name() + "'");
      }
      out[i] = normalise(p, values.get(p.name()));
    }
    return new Message(this, out);
  }

  /** A message from parameter values in format order (see {@link #message(Map)}). */
  public Message messageOf(Object... values) {
    if (values.length != params.size()) {
      throw new ProtocolException(what() + " takes " + params.size() + " parameters ("
          + paramNames() + "), got " + values.length);
    }
    Object[] out = new Object[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = normalise(params.get(i), values[i]);
    }
    return new Message(this, out);
  }

  private String paramNames() {
    return params.stream().map(Param::name).collect(Collectors.joining(", "));
  }

  /** Names a parameter in an error (built only when there is one: this path is hot). */
  private String where(Param p) {
    return "parameter '" + p.name() + "' of " + what();
  }

  private Object normalise(Param p, Object v) {
    if (!p.type().isInteger()) {
      if (v instanceof byte[] b) {
        if (b.length > Block.PAYLOAD_MAX) {
          throw new ProtocolException(where(p) + " is " + b.length + " bytes long, more than a "
              + "block can carry (" + Block.PAYLOAD_MAX + ")");
        }
        return b.clone();
      }
      throw new ProtocolException(where(p) + " takes bytes, not " + describe(v));
    }
    long value;
    if (p.enumeration() != null) {
      if (!(v instanceof String symbol)) {
        throw new ProtocolException(where(p) + " takes a name from enumeration '"
            + p.enumeration().name() + "', not " + describe(v));
      }
      Integer known = p.enumeration().valueOf(symbol);
      if (known == null) {
        throw new UnknownEnumerationValueException(p.enumeration().name(), symbol,
            "unknown value '" + symbol + "' for " + where(p) + " (not in enumeration '"
                + p.enumeration().name() + "')");
      }
      value = known;
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short
        || v instanceof Byte) {
      value = ((Number) v).longValue();
    } else if (v instanceof BigInteger big && big.bitLength() < 64) {
      value = big.longValue();
    } else {
      throw new ProtocolException(where(p) + " takes an integer, not " + describe(v));
    }
    if (isClock(p) && value > 0xFFFFFFFFL) {
      // MCU clocks are 64-bit on the host; the wire carries their low 32 bits, which the
      // MCU extends against its own running clock.
      value &= 0xFFFFFFFFL;
    }
    return checkRange(p, p.type(), value);
  }

  /** A {@code %u} parameter named like a clock ({@code clock}, {@code report_clock}...). */
  static boolean isClock(Param p) {
    return p.type().token().equals("%u")
        && (p.name().equals("clock") || p.name().endsWith("_clock"));
  }

  /**
   * The wire carries 32 bits; the declared type limits what those 32 bits may mean. A value is
   * accepted when its 32-bit reading lies in the type's range, so {@code -1} and {@code
   * 4294967295} are the same {@code %c}.
   */
  private long checkRange(Param p, ParamType type, long value) {
    boolean fits32 = value >= Integer.MIN_VALUE && value <= 0xFFFFFFFFL;
    int wire = (int) value;
    if (!fits32 || wire < type.minValue() || wire > type.maxValue()) {
      throw new ProtocolException(where(p) + " is out of range for " + type.token() + ": "
          + value + " (allowed " + type.minValue() + ".." + type.maxValue() + ")");
    }
    return type.fromWire(wire);
  }

  private static String describe(Object v) {
    return v == null ? "nothing" : v.getClass().getSimpleName() + " " + v;
  }

  /** Reads the parameters that follow this message's id. */
  public Message read(PayloadReader in) {
    Object[] values = new Object[params.size()];
    for (int i = 0; i < values.length; i++) {
      ParamType t = params.get(i).type();
      values[i] = t.isInteger() ? (Object) t.fromWire(in.readVlq()) : in.readLengthPrefixed();
    }
    return new Message(this, values);
  }

  void write(PayloadWriter out, Object[] values) {
    out.writeBytes(idBytes);
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof byte[] b) {
        out.writeByte(b.length).writeBytes(b);
      } else {
        out.writeVlq((int) (long) (Long) values[i]);
      }
    }
  }

  /** Klipper's text form: the format string with each conversion replaced by its value. */
  String render(Object[] values) {
    StringBuilder sb = new StringBuilder(format.length() + 16);
    if (kind == Kind.OUTPUT) {
      sb.append("#output ");
    }
    int next = 0;
    for (int pos = 0; pos < format.length(); ) {
      char c = format.charAt(pos);
      if (c == '%' && format.startsWith("%%", pos)) {
        sb.append('%');
        pos += 2;
        continue;
      }
      String token = c == '%' ? tokenAt(format, pos) : null;
      if (token == null || next >= values.length) {
        sb.append(c);
        pos++;
        continue;
      }
      sb.append(valueText(params.get(next), values[next]));
      next++;
      pos += token.length();
    }
    return sb.toString();
  }

  static String valueText(Param p, Object value) {
    if (value instanceof byte[] b) {
      return PyBytes.repr(b);
    }
    long v = (Long) value;
    return p.enumeration() != null ? p.enumeration().symbolOf(v) : Long.toString(v);
  }

  @Override
  public String toString() {
    return format + " (id " + id + ")";
  }
}
