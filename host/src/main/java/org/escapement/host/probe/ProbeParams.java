package org.escapement.host.probe;

import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeCommand;

/**
 * How a probe probes: speeds, samples per point and how they combine. Read from the probe's
 * section; each may be overridden by a command parameter (PROBE_SPEED, SAMPLES...).
 */
final class ProbeParams {
  /** One command's settings. */
  record Values(double probeSpeed, double liftSpeed, int samples, double sampleRetractDist,
      double samplesTolerance, int samplesToleranceRetries, String samplesResult) {}

  private final double speed;
  private final double liftSpeed;
  private final int samples;
  private final double sampleRetractDist;
  private final String samplesResult;
  private final double samplesTolerance;
  private final int samplesRetries;

  ProbeParams(ConfigSection section) {
    speed = section.getFloat("speed", 5.0, Bounds.above(0));
    liftSpeed = section.getFloat("lift_speed", speed, Bounds.above(0));
    samples = section.getInt("samples", 1, Bounds.min(1));
    sampleRetractDist = section.getFloat("sample_retract_dist", 2.0, Bounds.above(0));
    samplesResult = section.getChoice("samples_result",
        Map.of("median", "median", "average", "average"), "average");
    samplesTolerance = section.getFloat("samples_tolerance", 0.100, Bounds.min(0));
    samplesRetries = section.getInt("samples_tolerance_retries", 0, Bounds.min(0));
  }

  /** The config's settings (no command). */
  Values values() {
    return new Values(speed, liftSpeed, samples, sampleRetractDist, samplesTolerance,
        samplesRetries, samplesResult);
  }

  Values values(GCodeCommand gcmd) {
    if (gcmd == null) {
      return values();
    }
    return new Values(
        gcmd.getFloat("PROBE_SPEED", speed, Bounds.above(0)),
        gcmd.getFloat("LIFT_SPEED", liftSpeed, Bounds.above(0)),
        gcmd.getInt("SAMPLES", samples, Bounds.min(1)),
        gcmd.getFloat("SAMPLE_RETRACT_DIST", sampleRetractDist, Bounds.above(0)),
        gcmd.getFloat("SAMPLES_TOLERANCE", samplesTolerance, Bounds.min(0)),
        gcmd.getInt("SAMPLES_TOLERANCE_RETRIES", samplesRetries, Bounds.min(0)),
        gcmd.get("SAMPLES_RESULT", samplesResult));
  }
}
