package org.escapement.host.mcu;

/** A problem with one MCU; the message names it ("mcu 'zboard': ..."). */
public class McuException extends RuntimeException {
  public McuException(String message) {
    super(message);
  }

  public McuException(String message, Throwable cause) {
    super(message, cause);
  }
}
