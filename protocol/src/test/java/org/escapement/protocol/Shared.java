package org.escapement.protocol;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The ../shared folder beside the checkout (corpus, reference, design), which tests of every
 * module read in place.
 */
public final class Shared {
  private Shared() {}

  public static Path dir() {
    String prop = System.getProperty("escapement.shared");
    if (prop != null && Files.isDirectory(Path.of(prop, "corpus"))) {
      return Path.of(prop).normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("corpus"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("../shared/corpus not found beside the checkout");
  }

  public static Path wire() {
    return dir().resolve("corpus/klipper-wire");
  }

  public static Path wire(String file) {
    return wire().resolve(file);
  }
}
