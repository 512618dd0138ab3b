package org.escapement.protocol;

/**
 * The parameter types of a message format string. Every integer type travels as a {@link Vlq};
 * the declared width fixes the accepted range and how a decoded value is read back. Every
 * string type travels as one length byte followed by the bytes.
 */
public enum ParamType {
  U32("%u", 32, false),
  I32("%i", 32, true),
  U16("%hu", 16, false),
  I16("%hi", 16, true),
  BYTE("%c", 8, false),
  STRING("%s", 0, false),
  PROGMEM_BUFFER("%.*s", 0, false),
  BUFFER("%*s", 0, false);

  private final String token;
  private final int bits;
  private final boolean signed;

  ParamType(String token, int bits, boolean signed) {
    this.token = token;
    this.bits = bits;
    this.signed = signed;
  }

  public String token() {
    return token;
  }

  public boolean isInteger() {
    return bits > 0;
  }

  public boolean isSigned() {
    return signed;
  }

  /**
   * Smallest value accepted when encoding. Unsigned types also accept negative values that fit
   * the width in two's complement (Klipper's host sends {@code invert_step=-1} on a {@code %c}).
   */
  public long minValue() {
    return -(1L << (bits - 1));
  }

  public long maxValue() {
    return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
  }

  /**
   * The value a decoded 32-bit integer stands for: signed types as read, unsigned types as
   * unsigned 32-bit (the MCU masks nothing narrower, and neither does Klipper's host).
   */
  public long fromWire(int raw) {
    return signed ? raw : raw & 0xFFFFFFFFL;
  }

  /** The type for a format token such as {@code %hu}, or null. */
  public static ParamType ofToken(String token) {
    for (ParamType t : values()) {
      if (t.token.equals(token)) {
        return t;
      }
    }
    return null;
  }
}
