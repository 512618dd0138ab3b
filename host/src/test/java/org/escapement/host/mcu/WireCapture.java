package org.escapement.host.mcu;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.WireDump;

/** Reads a batch-mode output file back as message text, failing on any damaged byte. */
public final class WireCapture {
  private WireCapture() {}

  public static List<String> decode(Dictionary dict, Path file) throws Exception {
    List<String> lines = new ArrayList<>();
    WireDump.Summary s = WireDump.dump(dict, new ByteArrayInputStream(Files.readAllBytes(file)),
        new WireDump.Output() {
          @Override
          public void message(String line) {
            lines.add(line);
          }

          @Override
          public void problem(String description) {
            throw new AssertionError(file + ": " + description);
          }
        });
    if (s.invalidBytes() != 0) {
      throw new AssertionError(file + ": " + s.invalidBytes() + " invalid bytes");
    }
    return lines;
  }
}
