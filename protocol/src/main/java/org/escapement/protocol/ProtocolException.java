package org.escapement.protocol;

/**
 * Malformed bytes, dictionaries or commands. The message says what is wrong and, where the
 * input is a byte stream, at which byte offset ({@link #offset()}).
 */
public class ProtocolException extends RuntimeException {
  private final long offset;

  public ProtocolException(String message) {
    this(message, -1, null);
  }

  public ProtocolException(String message, Throwable cause) {
    this(message, -1, cause);
  }

  public ProtocolException(String message, long offset) {
    this(message, offset, null);
  }

  public ProtocolException(String message, long offset, Throwable cause) {
    super(message, cause);
    this.offset = offset;
  }

  /** Byte offset in the input where the problem was found, or -1 when it has none. */
  public long offset() {
    return offset;
  }

  /** The same problem, located {@code base} bytes further into an enclosing stream. */
  public ProtocolException shiftedBy(long base) {
    return new ProtocolException(getMessage(), offset < 0 ? offset : offset + base, this);
  }
}
