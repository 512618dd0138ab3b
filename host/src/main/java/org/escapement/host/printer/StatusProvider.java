package org.escapement.host.printer;

import java.util.Map;

/** An object whose state macros, status commands and the API can read ({@code printer.x.y}). */
public interface StatusProvider {
  Map<String, Object> status(double eventtime);
}
