package org.escapement.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A command or response with its parameter values: {@link Long} for integers (unsigned types
 * read as unsigned 32-bit, enumerated ones by their number), {@code byte[]} for strings.
 * {@link #toString()} is the text form Klipper's tools print.
 */
public final class Message {
  private final MessageFormat format;
  private final Object[] values;

  Message(MessageFormat format, Object[] values) {
    this.format = format;
    this.values = values;
  }

  public MessageFormat format() {
    return format;
  }

  public String name() {
    return format.name();
  }

  private int index(String param) {
    int i = format.indexOf(param);
    if (i < 0) {
      throw new IllegalArgumentException(format.name() + " has no parameter '" + param + "'");
    }
    return i;
  }

  public long getLong(String param) {
    Object v = values[index(param)];
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("parameter '" + param + "' is not an integer");
    }
    return l;
  }

  /** The integer as a 32-bit value (unsigned values above 2^31 come back negative). */
  public int getInt(String param) {
    return (int) getLong(param);
  }

  public byte[] getBytes(String param) {
    Object v = values[index(param)];
    if (!(v instanceof byte[] b)) {
      throw new IllegalArgumentException("parameter '" + param + "' is not a string");
    }
    return b.clone();
  }

  /** A string parameter as text (the MCU sends ASCII). */
  public String getString(String param) {
    return new String(getBytes(param), StandardCharsets.ISO_8859_1);
  }

  /** An enumerated parameter's symbol, or {@code ?N} for a value the enumeration lacks. */
  public String getSymbol(String param) {
    int i = index(param);
    MessageFormat.Param p = format.params().get(i);
    if (p.enumeration() == null) {
      throw new IllegalArgumentException("parameter '" + param + "' is not enumerated");
    }
    return p.enumeration().symbolOf((Long) values[i]);
  }

  /** Value of the i-th parameter ({@link Long} or {@code byte[]}). */
  public Object value(int i) {
    Object v = values[i];
    return v instanceof byte[] b ? b.clone() : v;
  }

  /** Id and parameters, as they appear in a block payload. */
  public byte[] encode() {
    PayloadWriter w = new PayloadWriter();
    writeTo(w);
    return w.toByteArray();
  }

  public void writeTo(PayloadWriter out) {
    format.write(out, values);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && m.format == format && Arrays.deepEquals(m.values, values);
  }

  @Override
  public int hashCode() {
    return format.id() * 31 + Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return format.render(values);
  }
}
