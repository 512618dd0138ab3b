package org.escapement.host.gcode.template;

/** A template that cannot be read; {@code line} is 1-based (0 if unknown). */
public final class TemplateError extends RuntimeException {
  private final int line;

  public TemplateError(int line, String message) {
    super(message);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
