package org.escapement.host.printer;

/** A part that adds to the log's once-a-second {@code Stats} line. */
public interface StatsSource {
  /**
   * @param active the printer is doing something (a Stats line is logged only if one is)
   * @param text this part's fragment ({@code gcodein=123}); empty for none
   */
  record Stats(boolean active, String text) {}

  Stats stats(double eventtime);
}
