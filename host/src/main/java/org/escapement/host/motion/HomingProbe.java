package org.escapement.host.motion;

import java.util.List;
import org.escapement.host.gcode.GCodeCommand;

/**
 * A probe as homing sees it: G28 homes a Z with {@code probe:z_virtual_endstop} by probing
 * (the printer object "probe" implements this).
 */
public interface HomingProbe {
  /** A series of probes that share one deploy and stow (when the probe stows only at end). */
  interface Session {
    /** Probes at the current XY, with {@code gcmd}'s PROBE_SPEED, SAMPLES... parameters. */
    void runProbe(GCodeCommand gcmd);

    /** The results since the last pull. */
    List<ProbeResult> pullProbedResults();

    void endProbeSession();
  }

  Session startProbeSession(GCodeCommand gcmd);
}
