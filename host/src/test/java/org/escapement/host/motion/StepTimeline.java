package org.escapement.host.motion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.motion.steps.StepReplay;

/**
 * What the steppers of a decoded MCU command stream do: for each step pin, every step's MCU
 * clock and direction, as the firmware would execute queue_step / set_next_step_dir /
 * reset_step_clock. Lets two hosts' outputs be compared step by step.
 */
public final class StepTimeline {
  /** One stepper's steps: clocks and dir pin levels, and the net step count. */
  public static final class Steps {
    public final List<Long> clocks = new ArrayList<>();
    public final List<Integer> dirs = new ArrayList<>();
    public long position;
    final StepReplay replay = new StepReplay();
    int dir;

    void step(long clock) {
      clocks.add(clock);
      dirs.add(dir);
      position += dir != 0 ? 1 : -1;
    }
  }

  private StepTimeline() {}

  /** Steps by step pin name ({@code PF0}), from decoded command lines. */
  public static Map<String, Steps> of(List<String> lines) {
    Map<String, String> pinOfOid = new HashMap<>();
    Map<String, Steps> byPin = new LinkedHashMap<>();
    for (String line : lines) {
      String[] parts = line.split(" ");
      Map<String, String> kv = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
      }
      switch (parts[0]) {
        case "config_stepper" -> {
          pinOfOid.put(kv.get("oid"), kv.get("step_pin"));
          byPin.put(kv.get("step_pin"), new Steps());
        }
        case "queue_step", "queue_step2" -> {
          Steps s = byPin.get(pinOfOid.get(kv.get("oid")));
          int count = Integer.parseInt(kv.get("count"));
          long add = Long.parseLong(kv.get("add"));
          if (parts[0].equals("queue_step")) {
            s.replay.queueStep(Long.parseLong(kv.get("interval")), count, add, 0, s::step);
          } else {
            s.replay.queueStep2(Long.parseLong(kv.get("interval_delta")), count, add,
                Long.parseLong(kv.get("add2")), s::step);
          }
        }
        case "set_next_step_dir" -> byPin.get(pinOfOid.get(kv.get("oid"))).dir =
            Integer.parseInt(kv.get("dir"));
        case "reset_step_clock" -> byPin.get(pinOfOid.get(kv.get("oid"))).replay.reset(
            Long.parseLong(kv.get("clock")));
        default -> { }
      }
    }
    return byPin;
  }

  /** The largest time difference between matching steps (ticks); steps must pair up. */
  public static long maxDifference(Steps a, Steps b) {
    long max = 0;
    for (int i = 0; i < Math.min(a.clocks.size(), b.clocks.size()); i++) {
      max = Math.max(max, Math.abs(a.clocks.get(i) - b.clocks.get(i)));
    }
    return max;
  }

  /** Index of the first step whose direction differs, or -1. */
  public static int firstDirMismatch(Steps a, Steps b) {
    for (int i = 0; i < Math.min(a.dirs.size(), b.dirs.size()); i++) {
      if (!a.dirs.get(i).equals(b.dirs.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
