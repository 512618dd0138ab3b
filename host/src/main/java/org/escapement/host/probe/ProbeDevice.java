package org.escapement.host.probe;

import org.escapement.host.gcode.GCodeCommand;
import org.escapement.host.motion.HomingProbe;

/** The hardware side of a probe: [probe]'s endstop pin, a BLTouch. */
interface ProbeDevice {
  /** Starts a series of single probes (each one sample); the device may deploy once for all. */
  HomingProbe.Session startProbeSession(GCodeCommand gcmd);

  /** Reads the probe now: true when triggered. */
  boolean query(double printTime);
}
