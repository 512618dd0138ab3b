package org.escapement.host.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameDiffTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aChangedCharacterIsOneRunOfOneByte() {
    assertThat(FrameDiff.runs(b("Hello world"), b("Hallo world"), 4))
        .containsExactly(new FrameDiff.Run(1, 1));
  }

  @Test
  void changesCloseTogetherTravelAsOneRun() {
    // 0 and 5 are 5 apart: one run where the gap is 5 (graphic displays), not where it is 4.
    assertThat(FrameDiff.runs(b("xbcdexghijkx"), b("abcdefghijkl"), 4)).containsExactly(
        new FrameDiff.Run(0, 1), new FrameDiff.Run(5, 1), new FrameDiff.Run(11, 1));
    assertThat(FrameDiff.runs(b("xbcdexghijkx"), b("abcdefghijkl"), 5))
        .containsExactly(new FrameDiff.Run(0, 6), new FrameDiff.Run(11, 1));
  }

  @Test
  void aWholeNewBufferIsCutIntoRunsOfSixteenFromTheEnd() {
    byte[] shown = new byte[40];
    java.util.Arrays.fill(shown, (byte) '~');
    byte[] now = Hd44780.spaces(40);
    assertThat(FrameDiff.runs(now, shown, 4)).containsExactly(new FrameDiff.Run(0, 8),
        new FrameDiff.Run(8, 16), new FrameDiff.Run(24, 16));
  }

  @Test
  void nothingChangedNothingSent() {
    assertThat(FrameDiff.runs(b("same"), b("same"), 4)).isEmpty();
  }
}
