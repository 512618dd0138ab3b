package org.escapement.host.config;

/** A problem in the configuration. The message says what, and where when it is known. */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }

  public ConfigError(String message, Throwable cause) {
    super(message, cause);
  }
}
