package org.escapement.host.probe;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.config.Pins;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeMove;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.motion.Coord;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.motion.ZVirtualEndstop;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/**
 * {@code [probe]} (and the probe side of {@code [bltouch]}): a Z probe at an offset from the
 * nozzle. PROBE, QUERY_PROBE, PROBE_ACCURACY and Z_OFFSET_APPLY_PROBE; {@code
 * probe:z_virtual_endstop} lets G28 home Z with it. Bed levelling modules probe through
 * {@link #startProbeSession}.
 */
public final class ProbeModule implements HomingProbe, StatusProvider {
  /** Makes the hardware side once offsets and parameters are read. */
  @FunctionalInterface
  interface DeviceFactory {
    ProbeDevice create(Printer printer, ConfigSection section, double[] offsets,
        ProbeParams params);
  }

  private final Printer printer;
  private final String name;
  private final double[] offsets;
  private final ProbeParams params;
  private final ProbeDevice device;
  private final SampleAveraging session;
  private boolean lastState;
  private double[] lastProbePosition = {0, 0, 0};
  private double lastZResult;

  /** [probe]: the probe is an endstop pin. */
  public ProbeModule(Printer printer, ConfigSection section) {
    this(printer, section, ProbeEndstop::new);
  }

  ProbeModule(Printer printer, ConfigSection section, DeviceFactory factory) {
    this.printer = printer;
    this.name = section.name();
    offsets = new double[] {section.getFloat("x_offset", 0.0),
        section.getFloat("y_offset", 0.0), section.getFloat("z_offset")};
    params = new ProbeParams(section);
    device = factory.create(printer, section, offsets, params);
    session = new SampleAveraging(printer, params, device);
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    gcode.register("QUERY_PROBE", this::cmdQueryProbe, false,
        "Return the status of the z-probe");
    gcode.register("PROBE", this::cmdProbe, false, "Probe Z-height at current XY position");
    gcode.register("PROBE_ACCURACY", this::cmdProbeAccuracy, false,
        "Probe Z-height accuracy at current XY position");
    gcode.register("Z_OFFSET_APPLY_PROBE", this::cmdZOffsetApplyProbe, false,
        "Adjust the probe's z_offset");
    // probe:z_virtual_endstop, for a [stepper_z] that homes with the probe
    printer.lookupObject("pins", Pins.class).registerChip("probe",
        new ZVirtualEndstop(offsets[2], device::query));
  }

  /** x, y and z offsets of the probe from the nozzle. */
  public double[] offsets() {
    return offsets.clone();
  }

  /** The lift speed a command asks for (LIFT_SPEED), or the config's. */
  public double liftSpeed(GCodeCommand gcmd) {
    return params.values(gcmd).liftSpeed();
  }

  @Override
  public HomingProbe.Session startProbeSession(GCodeCommand gcmd) {
    return session.start(gcmd);
  }

  private ProbeResult runSingleProbe(GCodeCommand gcmd) {
    HomingProbe.Session s = startProbeSession(gcmd);
    s.runProbe(gcmd);
    ProbeResult r = s.pullProbedResults().get(0);
    s.endProbeSession();
    return r;
  }

  private Toolhead toolhead() {
    return printer.lookupObject("toolhead", Toolhead.class);
  }

  private void cmdQueryProbe(GCodeCommand c) {
    boolean triggered = device.query(toolhead().lastMoveTime());
    lastState = triggered;
    c.respondInfo("probe: " + (triggered ? "TRIGGERED" : "open"));
  }

  private void cmdProbe(GCodeCommand c) {
    ProbeResult r = runSingleProbe(c);
    c.respondInfo(String.format(Locale.ROOT, "Result: at %.3f,%.3f estimate contact at z=%.6f",
        r.bedX(), r.bedY(), r.bedZ()));
    lastProbePosition = new double[] {r.bedX(), r.bedY(), r.bedZ()};
    lastZResult = r.bedZ() + offsets[2]; // kept for macros written for older Klipper
  }

  private void cmdProbeAccuracy(GCodeCommand c) {
    ProbeParams.Values p = params.values(c);
    int sampleCount = c.getInt("SAMPLES", 10, Bounds.min(1));
    Toolhead toolhead = toolhead();
    double[] start = toolhead.position();
    c.respondInfo(String.format(Locale.ROOT, "PROBE_ACCURACY at X:%.3f Y:%.3f Z:%.3f"
        + " (samples=%d retract=%.3f speed=%.1f lift_speed=%.1f)\n", start[0], start[1],
        start[2], sampleCount, p.sampleRetractDist(), p.probeSpeed(), p.liftSpeed()));
    // Each probe is a single sample; the command's other parameters still apply.
    Map<String, String> oneSample = new LinkedHashMap<>(c.params());
    oneSample.put("SAMPLES", "1");
    GCodeCommand single = printer.lookupObject("gcode", GCodeDispatch.class)
        .createCommand("", "", oneSample);
    HomingProbe.Session s = startProbeSession(single);
    for (int i = 0; i < sampleCount; i++) {
      s.runProbe(single);
      double liftZ = toolhead.position()[2] + p.sampleRetractDist();
      toolhead.manualMove(new Double[] {start[0], start[1], liftZ}, p.liftSpeed());
    }
    List<ProbeResult> positions = s.pullProbedResults();
    s.endProbeSession();
    double max = positions.stream().mapToDouble(ProbeResult::bedZ).max().orElseThrow();
    double min = positions.stream().mapToDouble(ProbeResult::bedZ).min().orElseThrow();
    double avg = SampleAveraging.combine(positions, "average").bedZ();
    double median = SampleAveraging.combine(positions, "median").bedZ();
    double deviationSum = 0;
    for (ProbeResult r : positions) {
      deviationSum += Math.pow(r.bedZ() - avg, 2);
    }
    double sigma = Math.sqrt(deviationSum / positions.size());
    c.respondInfo(String.format(Locale.ROOT, "probe accuracy results: maximum %.6f, minimum"
        + " %.6f, range %.6f, average %.6f, median %.6f, standard deviation %.6f", max, min,
        max - min, avg, median, sigma));
  }

  private void cmdZOffsetApplyProbe(GCodeCommand c) {
    GCodeMove gcodeMove = printer.lookupObject("gcode_move", GCodeMove.class);
    Coord origin = (Coord) gcodeMove.status(printer.reactor().monotonic()).get("homing_origin");
    double offset = origin.get(2);
    if (offset == 0) {
      c.respondInfo("Nothing to do: Z Offset is 0");
      return;
    }
    double newCalibrate = offsets[2] - offset;
    c.respondInfo(String.format(Locale.ROOT, "%s: z_offset: %.3f\nThe SAVE_CONFIG command will"
        + " update the printer config file\nwith the above and restart the printer.", name,
        newCalibrate));
    printer.lookupObject("configfile", ConfigFileStatus.class).set(name, "z_offset",
        String.format(Locale.ROOT, "%.3f", newCalibrate));
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("last_query", lastState);
    s.put("last_probe_position", new Coord(lastProbePosition));
    s.put("last_z_result", lastZResult);
    return s;
  }
}
