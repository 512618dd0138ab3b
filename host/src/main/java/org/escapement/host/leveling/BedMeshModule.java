package org.escapement.host.leveling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.probe.ProbeModule;

/**
 * {@code [bed_mesh]}: probes a grid of bed heights (BED_MESH_CALIBRATE), interpolates it into
 * a dense mesh and adds the bed's height under the nozzle to every G-code move, splitting
 * moves where the height changes. Above {@code fade_start} the correction fades out, reaching
 * none (or {@code fade_target}) at {@code fade_end}. Meshes are kept as profiles, saved by
 * SAVE_CONFIG as {@code [bed_mesh NAME]} sections.
 */
public final class BedMeshModule implements GCodeMove.MoveTransform, StatusProvider {
  private static final int PROFILE_VERSION = 1;
  private static final double FADE_DISABLE = 0x7FFFFFFF;
  private static final System.Logger LOG = System.getLogger("bed_mesh");

  /** A saved mesh: its probed table and how it was made. */
  record Profile(List<List<Double>> points, MeshParams params) {}

  private final Printer printer;
  private final String name;
  private final GCodeDispatch gcode;
  private final double horizontalMoveZ;
  private final double speed;
  private double fadeStart;
  private double fadeEnd;
  private final double fadeDist;
  private final Double baseFadeTarget;
  private double fadeTarget;
  private double toolOffset;
  private boolean logFadeComplete;
  private final MoveSplitter splitter;
  private final MeshPoints points;
  private final double adaptiveMargin;
  // The mesh shape from the config; a BED_MESH_CALIBRATE's parameters change a copy.
  private final Double origRadius;
  private final double[] origOrigin;
  private final double[] origMin;
  private final double[] origMax;
  private final int origXCount;
  private final int origYCount;
  private final int origXPps;
  private final int origYPps;
  private final String origAlgo;
  private final double tension;
  private Double radius;
  private double[] origin;
  private double[] meshMin;
  private double[] meshMax;
  private int xCount;
  private int yCount;
  private int xPps;
  private int yPps;
  private String algo;
  private String calibrateProfile = "default";
  private Map<String, Profile> profiles = new LinkedHashMap<>();
  private ZMesh mesh;
  private GCodeMove.MoveTransform next;
  private double[] lastPosition = {0, 0, 0, 0};

  /** [bed_mesh] makes the module; [bed_mesh NAME] profiles are read by it (no module). */
  public static Object create(Printer printer, ConfigSection section) {
    if (!section.suffix().isEmpty()) {
      return null;
    }
    return new BedMeshModule(printer, section);
  }

  public BedMeshModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    this.name = section.name();
    gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    horizontalMoveZ = section.getFloat("horizontal_move_z", 5.0);
    fadeStart = section.getFloat("fade_start", 1.0);
    fadeEnd = section.getFloat("fade_end", 0.0);
    fadeDist = fadeEnd - fadeStart;
    if (fadeDist <= 0) {
      fadeStart = fadeEnd = FADE_DISABLE;
    }
    baseFadeTarget = section.getFloatOrNull("fade_target", Bounds.NONE);
    splitter = new MoveSplitter(section.getFloat("split_delta_z", .025, Bounds.min(0.01)),
        section.getFloat("move_check_distance", 5.0, Bounds.min(3.0)));
    adaptiveMargin = section.getFloat("adaptive_margin", 0.0);
    Double r = section.getFloatOrNull("mesh_radius", Bounds.above(0));
    if (r != null) {
      List<Double> o = section.getFloatList("mesh_origin", List.of(0.0, 0.0), ",", 2);
      origOrigin = new double[] {o.get(0), o.get(1)};
      int cnt = section.getInt("round_probe_count", 5, Bounds.min(3));
      if ((cnt & 1) == 0) {
        throw new ConfigError("bed_mesh: probe_count must be odd for round beds");
      }
      origRadius = Math.floor(r * 10) / 10;
      origXCount = origYCount = cnt;
      origMin = new double[] {-origRadius, -origRadius};
      origMax = new double[] {origRadius, origRadius};
    } else {
      origRadius = null;
      origOrigin = null;
      int[] cnt = configPair(section, "probe_count", 3, 3);
      origXCount = cnt[0];
      origYCount = cnt[1];
      List<Double> min = section.getFloatList("mesh_min", null, ",", 2);
      List<Double> max = section.getFloatList("mesh_max", null, ",", 2);
      origMin = new double[] {min.get(0), min.get(1)};
      origMax = new double[] {max.get(0), max.get(1)};
      if (origMax[0] <= origMin[0] || origMax[1] <= origMin[1]) {
        throw new ConfigError("bed_mesh: invalid min/max points");
      }
    }
    int[] pps = configPair(section, "mesh_pps", 2, 0);
    origXPps = pps[0];
    origYPps = pps[1];
    origAlgo = section.get("algorithm", "lagrange").strip().toLowerCase(Locale.ROOT);
    tension = section.getFloat("bicubic_tension", .2, Bounds.range(0, 2));
    resetShape();
    try {
      verifyAlgorithm();
    } catch (IllegalArgumentException e) {
      throw new ConfigError(e.getMessage());
    }
    points = new MeshPoints(section);
    section.getFloat("scan_overshoot", 0.0, Bounds.min(1)); // rapid scans need an eddy probe
    speed = section.getFloat("speed", 50.0, Bounds.above(0));
    try {
      generatePoints("automatic");
    } catch (IllegalArgumentException e) {
      throw new ConfigError(e.getMessage());
    }
    readProfiles(section);
    gcode.register("BED_MESH_OUTPUT", this::cmdOutput, false,
        "Retrieve interpolated grid of probed z-points");
    gcode.register("BED_MESH_MAP", this::cmdMap, false, "Serialize mesh and output to terminal");
    gcode.register("BED_MESH_CLEAR", c -> setMesh(null), false,
        "Clear the Mesh so no z-adjustment is made");
    gcode.register("BED_MESH_OFFSET", this::cmdOffset, false,
        "Add X/Y offsets to the mesh lookup");
    gcode.register("BED_MESH_CALIBRATE", this::cmdCalibrate, false, "Perform Mesh Bed Leveling");
    gcode.register("BED_MESH_PROFILE", this::cmdProfile, false,
        "Bed Mesh Persistent Storage management");
    printer.lookupObject("configfile", ConfigFileStatus.class).registerSaveConfig(printer);
    // gcode_move is made after the modules: take the moves once everything exists.
    printer.onEvent(Printer.Event.CONNECT, () -> {
      next = printer.lookupObject("gcode_move", GCodeMove.class).setMoveTransform(this, false);
      printGeneratedPoints(l -> LOG.log(System.Logger.Level.INFO, l), true);
    });
  }

  /** Klipper's parse_config_pair: "5" means "5,5"; both at least {@code min}. */
  private static int[] configPair(ConfigSection section, String option, int fallback, int min) {
    List<Integer> pair = section.getIntList(option, List.of(fallback, fallback), ",", null);
    if (pair.size() != 2) {
      if (pair.size() != 1) {
        throw new ConfigError("bed_mesh: malformed '" + option + "' value: "
            + section.get(option));
      }
      pair = List.of(pair.get(0), pair.get(0));
    }
    if (pair.get(0) < min || pair.get(1) < min) {
      throw new ConfigError("Option '" + option + "' in section bed_mesh must have a minimum of "
          + min);
    }
    return new int[] {pair.get(0), pair.get(1)};
  }

  private void resetShape() {
    radius = origRadius;
    origin = origOrigin;
    meshMin = origMin;
    meshMax = origMax;
    xCount = origXCount;
    yCount = origYCount;
    xPps = origXPps;
    yPps = origYPps;
    algo = origAlgo;
  }

  /** Checks the algorithm against the probe counts (bicubic under 4 points: lagrange). */
  private void verifyAlgorithm() {
    if (!algo.equals("lagrange") && !algo.equals("bicubic")) {
      throw new IllegalArgumentException("bed_mesh: Unknown algorithm <" + algo + ">");
    }
    int maxCnt = Math.max(xCount, yCount);
    int minCnt = Math.min(xCount, yCount);
    if (Math.max(xPps, yPps) == 0) {
      algo = "direct"; // no interpolation
    } else if (algo.equals("lagrange") && maxCnt > 6) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "bed_mesh: cannot exceed a"
          + " probe_count of 6 when using lagrange interpolation. Configured Probe Count: %d,"
          + " %d", xCount, yCount));
    } else if (algo.equals("bicubic") && minCnt < 4) {
      if (maxCnt > 6) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "bed_mesh: invalid"
            + " probe_count option when using bicubic interpolation.  Combination of 3 points"
            + " on one axis with more than 6 on another is not permitted. Configured Probe"
            + " Count: %d, %d", xCount, yCount));
      }
      LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "bed_mesh: bicubic"
          + " interpolation with a probe_count of less than 4 points detected.  Forcing"
          + " lagrange interpolation. Configured Probe Count: %d, %d", xCount, yCount));
      algo = "lagrange";
    }
  }

  private void generatePoints(String method) {
    points.generate(xCount, yCount, meshMin, meshMax, radius, origin, method);
    if (points.probePath().size() < 3) {
      throw new ConfigError("Need at least 3 probe points for " + name);
    }
  }

  private void readProfiles(ConfigSection section) {
    for (ConfigSection s : section.config().sectionsWithPrefix(name + " ")) {
      String profile = s.suffix();
      int version = s.getInt("version", 0);
      if (version != PROFILE_VERSION) {
        LOG.log(System.Logger.Level.INFO, "bed_mesh: Profile [" + profile + "] not compatible"
            + " with this version\nof bed_mesh.  Profile Version: " + version
            + " Current Version: " + PROFILE_VERSION);
        continue;
      }
      List<List<Double>> table = new ArrayList<>();
      for (List<String> row : s.getLists("points", null, ",")) {
        List<Double> r = new ArrayList<>();
        for (String v : row) {
          if (!v.isEmpty()) {
            try {
              r.add(Double.parseDouble(v));
            } catch (NumberFormatException e) {
              throw new ConfigError("Unable to parse option 'points' in section '" + s.name()
                  + "': '" + v + "'");
            }
          }
        }
        table.add(r);
      }
      MeshParams p = new MeshParams(s.getFloat("min_x"), s.getFloat("max_x"),
          s.getFloat("min_y"), s.getFloat("max_y"), s.getInt("x_count"), s.getInt("y_count"),
          s.getInt("mesh_x_pps"), s.getInt("mesh_y_pps"), s.get("algo"),
          s.getFloat("tension"));
      profiles.put(profile, new Profile(table, p));
    }
  }

  private Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  private GCodeMove.MoveTransform next() {
    if (next == null) {
      Toolhead th = toolhead();
      next = new GCodeMove.MoveTransform() {
        @Override
        public void move(double[] newPos, double s) {
          th.move(newPos, s);
        }

        @Override
        public double[] position() {
          return th.position();
        }
      };
    }
    return next;
  }

  /** The mesh in use, or null. */
  public ZMesh mesh() {
    return mesh;
  }

  /** Puts {@code m} in use (null: none); checks it against the fade settings. */
  public void setMesh(ZMesh m) {
    if (m != null && fadeEnd != FADE_DISABLE) {
      logFadeComplete = true;
      double[] range = m.zRange();
      if (baseFadeTarget == null) {
        fadeTarget = m.zAverage();
      } else {
        fadeTarget = baseFadeTarget;
        if (!(range[0] <= fadeTarget && fadeTarget <= range[1]) && fadeTarget != 0) {
          double err = fadeTarget;
          mesh = null;
          fadeTarget = 0;
          throw new GCodeError(String.format(Locale.ROOT, "bed_mesh: ERROR, fade_target lies"
              + " outside of mesh z range\nmin: %.4f, max: %.4f, fade_target: %.4f", range[0],
              range[1], err));
        }
      }
      if (fadeDist <= Math.max(Math.abs(range[0]), Math.abs(range[1]))) {
        mesh = null;
        fadeTarget = 0;
        throw new GCodeError(String.format(Locale.ROOT, "bed_mesh:  Mesh extends outside of"
            + " the fade range, please see the fade_start and fade_end options"
            + "inexample-extras.cfg. fade distance: %.2f mesh min: %.4fmesh max: %.4f",
            fadeDist, range[0], range[1]));
      }
    } else {
      fadeTarget = 0;
    }
    toolOffset = 0;
    mesh = m;
    splitter.initialize(m, fadeTarget);
    GCodeMove gcodeMove = printer.lookupObjectOrNull("gcode_move", GCodeMove.class);
    if (gcodeMove != null) {
      gcodeMove.resetLastPosition();
    }
  }

  /** 1 below fade_start, 0 from fade_end up, linear between. */
  double zFactor(double zPos) {
    double z = zPos + toolOffset;
    if (z >= fadeEnd) {
      return 0;
    } else if (z >= fadeStart) {
      return (fadeEnd - z) / fadeDist;
    }
    return 1;
  }

  @Override
  public double[] position() {
    double[] cur = next().position();
    if (mesh == null) {
      lastPosition = cur.clone();
      lastPosition[2] -= fadeTarget;
    } else {
      double x = cur[0];
      double y = cur[1];
      double z = cur[2];
      double maxAdj = mesh.calcZ(x, y);
      double factor = 1;
      double zAdj = maxAdj - fadeTarget;
      double fadeZPos = z + toolOffset;
      if (Math.min(fadeZPos, fadeZPos - maxAdj) >= fadeEnd) {
        factor = 0; // fade complete
      } else if (Math.max(fadeZPos, fadeZPos - maxAdj) >= fadeStart) {
        // Fading: the G-code Z is unknown, so solve for the factor from the toolhead's Z.
        factor = (fadeEnd + fadeTarget - fadeZPos) / (fadeDist - zAdj);
        factor = Math.max(0, Math.min(1, factor));
      }
      double finalZAdj = factor * zAdj + fadeTarget;
      lastPosition = cur.clone();
      lastPosition[2] = z - finalZAdj;
    }
    return lastPosition.clone();
  }

  @Override
  public void move(double[] newPos, double moveSpeed) {
    double factor = zFactor(newPos[2]);
    if (mesh == null || factor == 0) {
      if (logFadeComplete) {
        logFadeComplete = false;
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "bed_mesh fade complete:"
            + " Current Z: %.4f fade_target: %.4f ", newPos[2], fadeTarget));
      }
      double[] p = newPos.clone();
      p[2] += fadeTarget;
      next().move(p, moveSpeed);
    } else {
      splitter.buildMove(lastPosition, newPos, factor);
      while (!splitter.traverseComplete()) {
        double[] piece = splitter.split();
        if (piece == null) {
          throw new GCodeError("Mesh Leveling: Error splitting move ");
        }
        next().move(piece, moveSpeed);
      }
    }
    lastPosition = newPos.clone();
  }

  // ---- calibration ----

  private static int[] gcmdPair(GCodeCommand c, String param, int min) {
    int[] pair;
    try {
      String[] parts = c.get(param).split(",", -1);
      pair = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        pair[i] = Integer.parseInt(parts[i].strip());
      }
    } catch (RuntimeException e) {
      throw c.error("Unable to parse parameter '" + param + "'");
    }
    if (pair.length != 2) {
      if (pair.length != 1) {
        throw c.error("Unable to parse parameter '" + param + "'");
      }
      pair = new int[] {pair[0], pair[0]};
    }
    if (pair[0] < min || pair[1] < min) {
      throw c.error("Parameter '" + param + "' must have a minimum of " + min);
    }
    return pair;
  }

  private static double[] gcmdCoord(GCodeCommand c, String param) {
    try {
      String[] parts = c.get(param).split(",", -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException();
      }
      return new double[] {Double.parseDouble(parts[0].strip()),
          Double.parseDouble(parts[1].strip())};
    } catch (RuntimeException e) {
      throw c.error("Unable to parse parameter '" + param + "'");
    }
  }

  /** The config's mesh shape, changed by the command's MESH_MIN, PROBE_COUNT... */
  private void updateConfig(GCodeCommand c) {
    resetShape();
    if (radius != null) {
      if (c.has("MESH_RADIUS")) {
        radius = Math.floor(c.getFloat("MESH_RADIUS", null) * 10) / 10;
        meshMin = new double[] {-radius, -radius};
        meshMax = new double[] {radius, radius};
      }
      if (c.has("MESH_ORIGIN")) {
        origin = gcmdCoord(c, "MESH_ORIGIN");
      }
      if (c.has("ROUND_PROBE_COUNT")) {
        xCount = yCount = c.getInt("ROUND_PROBE_COUNT", null, Bounds.min(3));
      }
    } else {
      if (c.has("MESH_MIN")) {
        meshMin = gcmdCoord(c, "MESH_MIN");
      }
      if (c.has("MESH_MAX")) {
        meshMax = gcmdCoord(c, "MESH_MAX");
      }
      if (c.has("PROBE_COUNT")) {
        int[] cnt = gcmdPair(c, "PROBE_COUNT", 3);
        xCount = cnt[0];
        yCount = cnt[1];
      }
    }
    if (c.has("MESH_PPS")) {
      int[] pps = gcmdPair(c, "MESH_PPS", 0);
      xPps = pps[0];
      yPps = pps[1];
    }
    if (c.has("ALGORITHM")) {
      algo = c.get("ALGORITHM").strip().toLowerCase(Locale.ROOT);
    }
    if (c.getInt("ADAPTIVE", 0) != 0) {
      c.getFloat("ADAPTIVE_MARGIN", adaptiveMargin);
      // Adaptive meshes follow the objects [exclude_object] knows; without it, the full mesh.
      c.respondInfo("Exclude objects not enabled. Using full mesh...");
    }
    verifyAlgorithm();
    generatePoints(c.get("METHOD", "automatic"));
  }

  private void cmdCalibrate(GCodeCommand c) {
    calibrateProfile = c.get("PROFILE", "default");
    if (calibrateProfile.isBlank()) {
      throw c.error("Value for parameter 'PROFILE' must be specified");
    }
    setMesh(null);
    try {
      updateConfig(c);
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
    String method = c.get("METHOD", "automatic").toLowerCase(Locale.ROOT);
    ProbeModule probe = printer.lookupObjectOrNull("probe", ProbeModule.class);
    if (probe == null || method.equals("manual")) {
      throw c.error("bed_mesh: manual probing (METHOD=manual, or no [probe]) is not supported"
          + " yet");
    }
    double moveZ = c.getFloat("HORIZONTAL_MOVE_Z", horizontalMoveZ);
    double liftSpeed = probe.liftSpeed(c);
    double[] offsets = probe.offsets();
    if (moveZ < offsets[2]) {
      throw c.error("horizontal_move_z can't be less than probe's z_offset");
    }
    Toolhead toolhead = toolhead();
    List<double[]> path = points.probePath();
    HomingProbe.Session session = probe.startProbeSession(c);
    for (int i = 0; i < path.size(); i++) {
      toolhead.manualMove(new Double[] {null, null, moveZ}, i == 0 ? speed : liftSpeed);
      double[] pt = path.get(i);
      toolhead.manualMove(new Double[] {pt[0] - offsets[0], pt[1] - offsets[1]}, speed);
      session.runProbe(c);
    }
    toolhead.manualMove(new Double[] {null, null, moveZ}, liftSpeed);
    List<ProbeResult> results = session.pullProbedResults();
    toolhead.lastMoveTime(); // flush the lookahead queue, as Klipper does before finishing
    finish(results);
    session.endProbeSession();
  }

  /** Turns the probed points (in probing order) into the mesh, and saves its profile. */
  private void finish(List<ProbeResult> results) {
    List<double[]> positions = new ArrayList<>();
    for (ProbeResult r : results) {
      positions.add(new double[] {ZMesh.round(r.bedX(), 2), ZMesh.round(r.bedY(), 2),
          r.bedZ()});
    }
    double zOffset = 0;
    if (points.zeroRefMode() == MeshPoints.ZeroRef.PROBE) {
      double[] ref = positions.remove(positions.size() - 1);
      LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "bed_mesh: z-offset replaced"
          + " with probed z value at position (%.2f, %.2f, %.6f)", ref[0], ref[1], ref[2]));
      zOffset = ref[2];
    }
    List<double[]> base = points.basePoints();
    double minX = base.stream().mapToDouble(p -> p[0]).min().orElseThrow();
    double maxX = base.stream().mapToDouble(p -> p[0]).max().orElseThrow();
    double minY = base.stream().mapToDouble(p -> p[1]).min().orElseThrow();
    double maxY = base.stream().mapToDouble(p -> p[1]).max().orElseThrow();
    MeshParams params = new MeshParams(minX, maxX, minY, maxY, xCount, yCount, xPps, yPps,
        algo, tension);
    Map<Integer, List<double[]>> subs = points.substitutes();
    if (!subs.isEmpty()) {
      // A faulty point's height is the average of its substitutes'.
      List<double[]> corrected = new ArrayList<>();
      int idxOffset = 0;
      int start = 0;
      for (Map.Entry<Integer, List<double[]>> e : subs.entrySet()) {
        int n = e.getValue().size();
        int idx = e.getKey() + idxOffset;
        corrected.addAll(positions.subList(start, Math.min(idx, positions.size())));
        double sum = 0;
        for (int k = idx; k < idx + n && k < positions.size(); k++) {
          sum += positions.get(k)[2];
        }
        double[] fpt = base.get(e.getKey());
        corrected.add(new double[] {fpt[0], fpt[1], sum / n});
        idxOffset += n - 1;
        start = idx + n;
      }
      if (start < positions.size()) {
        corrected.addAll(positions.subList(start, positions.size()));
      }
      positions = corrected;
    }
    if (base.size() != positions.size()) {
      throw new GCodeError(String.format(Locale.ROOT, "bed_mesh: invalid position list size,"
          + " generated count: %d, probed count: %d", base.size(), positions.size()));
    }
    List<List<Double>> matrix = new ArrayList<>();
    List<Double> row = new ArrayList<>();
    double[] prev = base.get(0);
    for (int i = 0; i < base.size(); i++) {
      double[] pos = base.get(i);
      double[] result = positions.get(i);
      if (!MeshPoints.isClose(pos[0], result[0], .5) || !MeshPoints.isClose(pos[1], result[1],
          .5)) {
        LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT, "bed_mesh: point deviation"
            + " > .5mm: orig pt = (%.2f, %.2f), probed pt = (%.2f, %.2f)", pos[0], pos[1],
            result[0], result[1]));
      }
      double z = result[2] - zOffset;
      if (!MeshPoints.isClose(pos[1], prev[1], .1)) {
        matrix.add(row);
        row = new ArrayList<>();
      }
      if (pos[0] > prev[0]) {
        row.add(z);
      } else {
        row.add(0, z);
      }
      prev = pos;
    }
    matrix.add(row);
    if (matrix.size() != yCount) {
      throw new GCodeError(String.format(Locale.ROOT, "bed_mesh: Invalid y-axis table length\n"
          + "Probed table length: %d Probed Table:\n%s", matrix.size(), pyTable(matrix)));
    }
    if (radius != null) {
      // Round bed: extend each row with its end values to make a square mesh.
      for (List<Double> r : matrix) {
        int size = r.size();
        if ((size & 1) == 0) {
          throw new GCodeError("bed_mesh: incorrect number of points sampled on X\n"
              + "Probed Table:\n" + pyTable(matrix));
        }
        int buf = (xCount - size) / 2;
        double left = r.get(0);
        double right = r.get(size - 1);
        for (int k = 0; k < buf; k++) {
          r.add(0, left);
          r.add(right);
        }
      }
    }
    for (List<Double> r : matrix) {
      if (r.size() != xCount) {
        throw new GCodeError(String.format(Locale.ROOT, "bed_mesh: invalid x-axis table"
            + " length\nProbed table length: %d Probed Table:\n%s", matrix.size(),
            pyTable(matrix)));
      }
    }
    ZMesh m = new ZMesh(params, calibrateProfile);
    m.build(toArray(matrix));
    if (points.zeroRefMode() == MeshPoints.ZeroRef.IN_MESH) {
      m.setZeroReference(points.zeroRefPos()[0], points.zeroRefPos()[1]);
    }
    setMesh(m);
    gcode.respondInfo("Mesh Bed Leveling Complete");
    saveProfile(calibrateProfile);
  }

  private static String pyTable(List<List<Double>> m) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < m.size(); i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < m.get(i).size(); j++) {
        sb.append(j == 0 ? "" : ", ").append(Py.repr(m.get(i).get(j)));
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  static double[][] toArray(List<List<Double>> m) {
    double[][] a = new double[m.size()][];
    for (int i = 0; i < a.length; i++) {
      a[i] = m.get(i).stream().mapToDouble(Double::doubleValue).toArray();
    }
    return a;
  }

  private void printGeneratedPoints(Consumer<String> out, boolean truncate) {
    double xOff = 0;
    double yOff = 0;
    ProbeModule probe = printer.lookupObjectOrNull("probe", ProbeModule.class);
    if (probe != null) {
      xOff = probe.offsets()[0];
      yOff = probe.offsets()[1];
    }
    out.accept("bed_mesh: generated points\nIndex |  Tool Adjusted  |   Probe");
    List<double[]> base = points.basePoints();
    for (int i = 0; i < base.size(); i++) {
      if (i >= 50 && truncate) {
        out.accept(String.format(Locale.ROOT, "...points %d through %d truncated", i,
            base.size() - 1));
        break;
      }
      double[] p = base.get(i);
      String adj = String.format(Locale.ROOT, "(%.1f, %.1f)", p[0] - xOff, p[1] - yOff);
      String meshPt = String.format(Locale.ROOT, "(%.1f, %.1f)", p[0], p[1]);
      out.accept(String.format(Locale.ROOT, "  %-4d| %-16s| %s", i, adj, meshPt));
    }
    if (points.zeroRefPos() != null) {
      out.accept(String.format(Locale.ROOT, "bed_mesh: zero_reference_position is (%.2f, %.2f)",
          points.zeroRefPos()[0], points.zeroRefPos()[1]));
    }
    if (!points.substitutes().isEmpty()) {
      out.accept("bed_mesh: faulty region points");
      for (Map.Entry<Integer, List<double[]>> e : points.substitutes().entrySet()) {
        double[] p = base.get(e.getKey());
        StringBuilder v = new StringBuilder("[");
        for (double[] s : e.getValue()) {
          v.append(v.length() == 1 ? "" : ", ").append('(').append(Py.repr(s[0])).append(", ")
              .append(Py.repr(s[1])).append(')');
        }
        out.accept(String.format(Locale.ROOT, "%d (%.2f, %.2f), substituted points: %s",
            e.getKey(), p[0], p[1], v.append(']')));
      }
    }
  }

  // ---- other commands ----

  private void cmdOutput(GCodeCommand c) {
    if (c.getInt("PGP", 0) != 0) {
      printGeneratedPoints(c::respondInfo, false);
    } else if (mesh == null) {
      c.respondInfo("Bed has not been probed");
    } else {
      mesh.printProbedMatrix(c::respondInfo);
      mesh.printMesh(c::respondRaw, horizontalMoveZ);
    }
  }

  private void cmdMap(GCodeCommand c) {
    if (mesh == null) {
      c.respondInfo("Bed has not been probed");
      return;
    }
    MeshParams p = mesh.params();
    StringBuilder z = new StringBuilder("[");
    List<List<Double>> probed = mesh.probedMatrix();
    for (int i = 0; i < probed.size(); i++) {
      z.append(i == 0 ? "[" : ", [");
      for (int j = 0; j < probed.get(i).size(); j++) {
        z.append(j == 0 ? "" : ", ").append(Py.repr(probed.get(i).get(j)));
      }
      z.append(']');
    }
    c.respondRaw("mesh_map_output {\"mesh_min\": [" + Py.repr(p.minX()) + ", "
        + Py.repr(p.minY()) + "], \"mesh_max\": [" + Py.repr(p.maxX()) + ", " + Py.repr(p.maxY())
        + "], \"z_positions\": " + z.append(']') + "}");
  }

  private void cmdOffset(GCodeCommand c) {
    if (mesh == null) {
      c.respondInfo("No mesh loaded to offset");
      return;
    }
    mesh.setOffsets(c.getFloatOrNull("X", Bounds.NONE), c.getFloatOrNull("Y", Bounds.NONE));
    Double zfade = c.getFloatOrNull("ZFADE", Bounds.NONE);
    if (zfade != null) {
      toolOffset = zfade;
    }
    printer.lookupObject("gcode_move", GCodeMove.class).resetLastPosition();
  }

  private void cmdProfile(GCodeCommand c) {
    for (String key : List.of("LOAD", "SAVE", "REMOVE")) {
      String profile = c.get(key, null);
      if (profile == null) {
        continue;
      }
      if (profile.isBlank()) {
        throw c.error("Value for parameter '" + key + "' must be specified");
      }
      switch (key) {
        case "LOAD" -> loadProfile(profile);
        case "SAVE" -> {
          if (profile.equals("default")) {
            c.respondInfo("Profile 'default' is reserved, please choose another profile name.");
          } else {
            saveProfile(profile);
          }
        }
        default -> removeProfile(profile);
      }
      return;
    }
    c.respondInfo("Invalid syntax '" + c.commandLine() + "'");
  }

  /** Keeps the mesh in use as profile {@code profile}, for this session and SAVE_CONFIG. */
  public void saveProfile(String profile) {
    if (mesh == null) {
      gcode.respondInfo("Unable to save to profile [" + profile + "], the bed has not been"
          + " probed");
      return;
    }
    List<List<Double>> probed = mesh.probedMatrix();
    StringBuilder zValues = new StringBuilder();
    for (List<Double> line : probed) {
      zValues.append("\n  ");
      for (int i = 0; i < line.size(); i++) {
        zValues.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f",
            line.get(i)));
      }
    }
    ConfigFileStatus configfile = printer.lookupObject("configfile", ConfigFileStatus.class);
    String section = name + " " + profile;
    configfile.set(section, "version", String.valueOf(PROFILE_VERSION));
    configfile.set(section, "points", zValues.toString());
    mesh.params().asMap().forEach((k, v) -> configfile.set(section, k, Py.str(v)));
    Map<String, Profile> copy = new LinkedHashMap<>(profiles);
    copy.put(profile, new Profile(probed, mesh.params()));
    profiles = copy;
    gcode.respondInfo("Bed Mesh state has been saved to profile [" + profile + "]\nfor the"
        + " current session.  The SAVE_CONFIG command will\nupdate the printer config file and"
        + " restart the printer.");
  }

  private void loadProfile(String profile) {
    Profile p = profiles.get(profile);
    if (p == null) {
      throw new GCodeError("bed_mesh: Unknown profile [" + profile + "]");
    }
    ZMesh m = new ZMesh(p.params(), profile);
    m.build(toArray(p.points()));
    setMesh(m);
  }

  private void removeProfile(String profile) {
    if (!profiles.containsKey(profile)) {
      gcode.respondInfo("No profile named [" + profile + "] to remove");
      return;
    }
    printer.lookupObject("configfile", ConfigFileStatus.class).removeSection(name + " "
        + profile);
    Map<String, Profile> copy = new LinkedHashMap<>(profiles);
    copy.remove(profile);
    profiles = copy;
    gcode.respondInfo("Profile [" + profile + "] removed from storage for this session.\n"
        + "The SAVE_CONFIG command will update the printer\nconfiguration and restart the"
        + " printer");
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    Map<String, Object> profs = new LinkedHashMap<>();
    profiles.forEach((k, v) -> {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("points", v.points());
      p.put("mesh_params", v.params().asMap());
      profs.put(k, p);
    });
    if (mesh == null) {
      s.put("profile_name", "");
      s.put("mesh_min", List.of(0.0, 0.0));
      s.put("mesh_max", List.of(0.0, 0.0));
      s.put("probed_matrix", List.of(List.of()));
      s.put("mesh_matrix", List.of(List.of()));
    } else {
      MeshParams p = mesh.params();
      s.put("profile_name", mesh.profileName());
      s.put("mesh_min", List.of(p.minX(), p.minY()));
      s.put("mesh_max", List.of(p.maxX(), p.maxY()));
      s.put("probed_matrix", mesh.probedMatrix());
      s.put("mesh_matrix", mesh.meshMatrix());
    }
    s.put("profiles", profs);
    return s;
  }
}
