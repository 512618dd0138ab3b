package org.escapement.host.mcu;

/**
 * A linear map between host time and MCU clock: the MCU clock read {@code clock} at host time
 * {@code time} and counts {@code freq} ticks per second of host time.
 */
public record ClockEstimate(double time, double clock, double freq) {
  public long clockAt(double hostTime) {
    return (long) (clock + (hostTime - time) * freq);
  }

  public double timeOf(long mcuClock) {
    return (mcuClock - clock) / freq + time;
  }
}
