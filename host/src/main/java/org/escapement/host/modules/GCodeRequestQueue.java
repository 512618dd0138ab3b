package org.escapement.host.modules;

import java.util.ArrayList;
import java.util.List;
import org.escapement.host.heaters.ToolheadTiming;
import org.escapement.host.motion.MotionQueuing;
import org.escapement.host.motion.Toolhead;
import org.escapement.host.printer.Printer;

/**
 * Output changes asked for by G-code, in step with the moves around them: a request is timed
 * at the end of the moves queued before it (the toolhead's lookahead) and handed to the
 * output when motion is flushed up to that time. Changes are kept at least the MCU's minimum
 * schedule time apart ({@value #MIN_SCHEDULE_TIME} s); a request overtaken by a later one
 * before it could go out is dropped, as Klipper's output_pin does.
 */
public final class GCodeRequestQueue {
  /** How close together an MCU can be asked to change one output (Klipper's figure). */
  public static final double MIN_SCHEDULE_TIME = 0.100;

  /** What the output did with a request. */
  public enum Action {
    /** Applied: the next change waits the minimum schedule time. */
    APPLIED,
    /** Nothing to change (the output already has the value): no wait follows. */
    DISCARD,
    /** Applied something else first (a fan's kick-start): the request comes again later. */
    REPEAT
  }

  /** The output: sets {@code value} at {@code printTime} and says how it went. */
  @FunctionalInterface
  public interface Output {
    Outcome apply(double printTime, double value);
  }

  /** @param notBefore the next change may not come before this print time */
  public record Outcome(Action action, double notBefore) {
    public static final Outcome APPLIED = new Outcome(Action.APPLIED, 0);
    public static final Outcome DISCARD = new Outcome(Action.DISCARD, 0);
  }

  private record Request(double printTime, double value) {}

  private final Output output;
  private final ToolheadTiming timing;
  private final MotionQueuing motion;
  private final List<Request> requests = new ArrayList<>();
  private double nextMinFlushTime;

  public GCodeRequestQueue(Printer printer, Output output) {
    this.output = output;
    this.timing = new ToolheadTiming(printer);
    this.motion = Toolhead.motionQueuing(printer);
    motion.registerFlushCallback(this::onFlush, false);
  }

  /** Sets {@code value} once the moves queued so far are done (SET_PIN and the like). */
  public void queueGcodeRequest(double value) {
    timing.registerLookaheadCallback(printTime -> {
      requests.add(new Request(printTime, value));
      motion.noteMcuMovequeueActivity(printTime, false);
    });
  }

  private void onFlush(double mustFlushTime, double stepGenTime) {
    while (!requests.isEmpty()) {
      double t = Math.max(requests.getFirst().printTime(), nextMinFlushTime);
      if (t > mustFlushTime) {
        return;
      }
      int last = 0;
      while (last + 1 < requests.size() && requests.get(last + 1).printTime() <= t) {
        last++;
      }
      Outcome o = output.apply(t, requests.get(last).value());
      nextMinFlushTime = Math.max(nextMinFlushTime, o.notBefore());
      if (o.action() == Action.DISCARD) {
        requests.subList(0, last + 1).clear();
        continue;
      }
      requests.subList(0, o.action() == Action.REPEAT ? last : last + 1).clear();
      nextMinFlushTime = Math.max(nextMinFlushTime, t + MIN_SCHEDULE_TIME);
      // The requests still waiting must be flushed too, however idle the toolhead gets.
      motion.noteMcuMovequeueActivity(nextMinFlushTime, false);
    }
  }
}
