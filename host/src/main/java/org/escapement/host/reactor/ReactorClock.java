package org.escapement.host.reactor;

/**
 * The reactor's time base, in seconds. Real runs use the system's monotonic clock (optionally
 * sped up to match a sped-up simulated MCU); batch runs use a virtual clock that jumps straight
 * to the next timer, so their output does not depend on how fast the machine is.
 */
public interface ReactorClock {
  /** Current time in seconds. */
  double now();

  /**
   * Real nanoseconds to wait for reactor time {@code until} to arrive, or 0 if it has (a
   * virtual clock moves itself to {@code until} and returns 0).
   */
  long waitNanos(double until);

  /**
   * How many seconds of this clock one wall-clock second of host latency takes: the speed-up
   * of a sped-up simulated printer, else 1. Margins that only cover the host's own delays
   * (scheduling, transit to the MCU) are multiplied by it, so they last as long in wall time as
   * on a real printer.
   */
  default double latencyScale() {
    return 1.0;
  }

  /** True for a clock that only moves when the reactor has nothing else to do. */
  default boolean isVirtual() {
    return false;
  }

  /** The system monotonic clock, running {@code speed} times faster than wall time. */
  static ReactorClock system(double speed) {
    return new SystemClock(speed);
  }

  static ReactorClock system() {
    return new SystemClock(1.0);
  }

  static VirtualClock virtual() {
    return new VirtualClock();
  }

  /** Monotonic seconds, scaled. Its zero is the JVM's nanoTime origin, divided by speed. */
  final class SystemClock implements ReactorClock {
    private final double speed;

    SystemClock(double speed) {
      if (!(speed > 0)) {
        throw new IllegalArgumentException("clock speed must be above 0, got " + speed);
      }
      this.speed = speed;
    }

    public double speed() {
      return speed;
    }

    @Override
    public double latencyScale() {
      return Math.max(1.0, speed);
    }

    @Override
    public double now() {
      return System.nanoTime() * 1e-9 * speed;
    }

    @Override
    public long waitNanos(double until) {
      double left = (until - now()) / speed;
      return left <= 0 ? 0 : (long) Math.ceil(Math.min(left, 3600) * 1e9);
    }
  }

  /** Time that only the reactor moves: to the next timer when nothing else is pending. */
  final class VirtualClock implements ReactorClock {
    private volatile double now;

    @Override
    public double now() {
      return now;
    }

    @Override
    public long waitNanos(double until) {
      if (until > now && until != Double.POSITIVE_INFINITY) {
        now = until;
      }
      return 0;
    }

    @Override
    public boolean isVirtual() {
      return true;
    }
  }
}
