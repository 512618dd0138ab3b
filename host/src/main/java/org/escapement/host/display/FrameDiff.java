package org.escapement.host.display;

import java.util.ArrayList;
import java.util.List;

/**
 * What a flush sends: the runs of bytes where a framebuffer differs from what the display
 * already shows. Changes a few bytes apart travel as one run (one address command, one data
 * command) unless the run grows long, as Klipper's displays batch them.
 */
final class FrameDiff {
  /** A run: {@code count} bytes from {@code pos}. */
  record Run(int pos, int count) {}

  /** Runs longer than this are not extended further. */
  static final int MAX_JOINED = 16;

  private FrameDiff() {}

  /**
   * @param gap changes at most this many bytes after a run's start join it
   */
  static List<Run> runs(byte[] now, byte[] shown, int gap) {
    List<int[]> diffs = new ArrayList<>();
    for (int i = 0; i < now.length; i++) {
      if (now[i] != shown[i]) {
        diffs.add(new int[] {i, 1});
      }
    }
    // From the end backwards, so a join can absorb the already joined runs after it.
    for (int i = diffs.size() - 2; i >= 0; i--) {
      int[] cur = diffs.get(i);
      int[] next = diffs.get(i + 1);
      if (cur[0] + gap >= next[0] && next[1] < MAX_JOINED) {
        cur[1] = next[1] + (next[0] - cur[0]);
        diffs.remove(i + 1);
      }
    }
    List<Run> out = new ArrayList<>(diffs.size());
    diffs.forEach(d -> out.add(new Run(d[0], d[1])));
    return out;
  }
}
