package org.escapement.host.leveling;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a mesh was made from: the probed area (min/max of the probed points), the probe
 * count per axis, the points interpolated between two probed ones ("pps") and the
 * algorithm. A saved profile stores exactly these, under Klipper's option names.
 */
public record MeshParams(double minX, double maxX, double minY, double maxY, int xCount,
    int yCount, int xPps, int yPps, String algo, double tension) {

  /** Klipper's option names, in the order BED_MESH_CALIBRATE saves them. */
  Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x_count", xCount);
    m.put("y_count", yCount);
    m.put("mesh_x_pps", xPps);
    m.put("mesh_y_pps", yPps);
    m.put("algo", algo);
    m.put("tension", tension);
    m.put("min_x", minX);
    m.put("max_x", maxX);
    m.put("min_y", minY);
    m.put("max_y", maxY);
    return m;
  }
}
