package org.escapement.host.leveling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.escapement.host.config.ConfigSection;

/**
 * A bed screw: where to put the nozzle (or probe) and the name the messages use. Read from
 * {@code screw1}, {@code screw2}, ... and their {@code screwN_name} in {@code [bed_screws]} and
 * {@code [screws_tilt_adjust]}.
 */
record Screw(double x, double y, String name) {
  /** The screws in order, up to the first number missing (at most 99). */
  static List<Screw> fromConfig(ConfigSection section) {
    List<Screw> screws = new ArrayList<>();
    for (int i = 1; i < 100; i++) {
      String prefix = "screw" + i;
      if (section.get(prefix, null) == null) {
        break;
      }
      List<Double> at = section.getFloatList(prefix, null, ",", 2);
      String name = section.get(prefix + "_name",
          String.format(Locale.ROOT, "screw at %.3f,%.3f", at.get(0), at.get(1)));
      screws.add(new Screw(at.get(0), at.get(1), name));
    }
    return screws;
  }
}
