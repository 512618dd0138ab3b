package org.escapement.host.config;

import java.nio.file.Path;

/** Where a line of configuration came from. */
public record Origin(Path file, int line) {
  @Override
  public String toString() {
    return (file == null ? "<string>" : file.getFileName().toString()) + ":" + line;
  }
}
