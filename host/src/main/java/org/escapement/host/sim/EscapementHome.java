package org.escapement.host.sim;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the host runs from (the launcher passes it as {@code escapement.home}). */
public final class EscapementHome {
  private EscapementHome() {}

  public static Path dir() {
    String prop = System.getProperty("escapement.home");
    if (prop != null && Files.isDirectory(Path.of(prop, "mcu-firmware"))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("mcu-firmware")) && Files.exists(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the Escapement checkout (mcu-firmware/);"
        + " run through ./escapement or set -Descapement.home");
  }
}
