package org.escapement.protocol;

/** A symbolic value (a pin name, say) that the MCU's enumeration does not have. */
public final class UnknownEnumerationValueException extends ProtocolException {
  private final String enumeration;
  private final String value;

  public UnknownEnumerationValueException(String enumeration, String value, String message) {
    super(message);
    this.enumeration = enumeration;
    this.value = value;
  }

  /** The enumeration's name, e.g. {@code pin}. */
  public String enumeration() {
    return enumeration;
  }

  public String value() {
    return value;
  }
}
