package org.escapement.host.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.motion.HomingProbe;
import org.escapement.host.motion.ProbeResult;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.CommandError;
import org.escapement.host.printer.Printer;

/**
 * A probe session as commands see it: each point is probed SAMPLES times (lifting
 * SAMPLE_RETRACT_DIST between), the samples must agree within SAMPLES_TOLERANCE (else the
 * point is probed again, up to SAMPLES_TOLERANCE_RETRIES times), and they combine by average
 * or median.
 */
final class SampleAveraging implements HomingProbe.Session {
  private static final String HINT_TIMEOUT = "\nIf the probe did not move far enough to"
      + " trigger, then\nconsider reducing the Z axis minimum position so the probe\ncan"
      + " travel further (the Z minimum position can be negative).\n";

  private final Printer printer;
  private final ProbeParams params;
  private final ProbeDevice device;
  private HomingProbe.Session hwSession;
  private final List<ProbeResult> results = new ArrayList<>();

  SampleAveraging(Printer printer, ProbeParams params, ProbeDevice device) {
    this.printer = printer;
    this.params = params;
    this.device = device;
    // A failed command must not leave a probe deployed for the next one.
    printer.onEvent("gcode:command_error", o -> {
      if (hwSession != null) {
        try {
          endProbeSession();
        } catch (RuntimeException e) {
          System.getLogger("probe").log(System.Logger.Level.WARNING, "Multi-probe end", e);
        }
      }
    });
  }

  private static CommandError stateError() {
    return new CommandError("Internal probe error - start/end probe session mismatch");
  }

  HomingProbe.Session start(GCodeCommand gcmd) {
    if (hwSession != null) {
      throw stateError();
    }
    hwSession = device.startProbeSession(gcmd);
    results.clear();
    return this;
  }

  @Override
  public void endProbeSession() {
    HomingProbe.Session hw = hwSession;
    if (hw == null) {
      throw stateError();
    }
    results.clear();
    hwSession = null;
    hw.endProbeSession();
  }

  private ProbeResult probeOnce(GCodeCommand gcmd) {
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    String homed = (String) toolhead.kinematics().status(printer.reactor().monotonic())
        .get("homed_axes");
    if (!homed.contains("z")) {
      throw new CommandError("Must home before probe");
    }
    ProbeResult r;
    try {
      hwSession.runProbe(gcmd);
      r = hwSession.pullProbedResults().get(0);
    } catch (CommandError e) {
      String reason = e.getMessage();
      if (reason.contains("Timeout during endstop homing")) {
        reason += HINT_TIMEOUT;
      }
      throw new CommandError(reason);
    }
    if (!gcmd.command().equals("G28")) {
      printer.lookupObject("gcode", GCodeDispatch.class).respondInfo(String.format(Locale.ROOT,
          "probe: at %.3f,%.3f bed will contact at z=%.6f", r.bedX(), r.bedY(), r.bedZ()));
    }
    return r;
  }

  @Override
  public void runProbe(GCodeCommand gcmd) {
    if (hwSession == null) {
      throw stateError();
    }
    ProbeParams.Values p = params.values(gcmd);
    Toolhead toolhead = printer.lookupObject("toolhead", Toolhead.class);
    double[] start = toolhead.position();
    int retries = 0;
    List<ProbeResult> positions = new ArrayList<>();
    while (positions.size() < p.samples()) {
      positions.add(probeOnce(gcmd));
      double max = positions.stream().mapToDouble(ProbeResult::bedZ).max().orElseThrow();
      double min = positions.stream().mapToDouble(ProbeResult::bedZ).min().orElseThrow();
      if (max - min > p.samplesTolerance()) {
        if (retries >= p.samplesToleranceRetries()) {
          throw new CommandError("Probe samples exceed samples_tolerance");
        }
        gcmd.respondInfo("Probe samples exceed tolerance. Retrying...");
        retries++;
        positions.clear();
      }
      if (positions.size() < p.samples()) {
        double z = toolhead.position()[2];
        toolhead.manualMove(new Double[] {start[0], start[1], z + p.sampleRetractDist()},
            p.liftSpeed());
      }
    }
    results.add(combine(positions, p.samplesResult()));
  }

  @Override
  public List<ProbeResult> pullProbedResults() {
    List<ProbeResult> r = List.copyOf(results);
    results.clear();
    return r;
  }

  /** The samples' average (every coordinate), or the sample with the median bed Z. */
  static ProbeResult combine(List<ProbeResult> positions, String method) {
    if (method.equals("median")) {
      List<ProbeResult> sorted = new ArrayList<>(positions);
      sorted.sort(Comparator.comparingDouble(ProbeResult::bedZ));
      int middle = sorted.size() / 2;
      if (sorted.size() % 2 == 1) {
        return sorted.get(middle);
      }
      return combine(sorted.subList(middle - 1, middle + 1), "average");
    }
    double inv = 1.0 / positions.size(); // as Klipper: times the inverse, bit for bit
    double[] sum = new double[6];
    for (ProbeResult r : positions) {
      double[] v = {r.bedX(), r.bedY(), r.bedZ(), r.testX(), r.testY(), r.testZ()};
      for (int i = 0; i < 6; i++) {
        sum[i] += v[i];
      }
    }
    return new ProbeResult(sum[0] * inv, sum[1] * inv, sum[2] * inv, sum[3] * inv,
        sum[4] * inv, sum[5] * inv);
  }
}
