package org.escapement.host.mcu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.reactor.Completion;
import org.escapement.host.reactor.Reactor;

/**
 * Stops steppers when an endstop triggers, across MCUs. Each MCU with steppers to stop gets a
 * trsync object; the one on the endstop's MCU is triggered by the endstop, the others by the
 * host forwarding the trigger. Every trsync also stops its steppers by itself if the host goes
 * quiet: it expires unless the host keeps extending its deadline, which it does each time
 * every trsync has reported in (so a lost MCU stops the move everywhere).
 */
public final class TriggerDispatch {
  public static final int REASON_ENDSTOP_HIT = 1;
  public static final int REASON_HOST_REQUEST = 2;
  public static final int REASON_PAST_END_TIME = 3;
  public static final int REASON_COMMS_TIMEOUT = 4;
  /** Deadline when several MCUs must stop together: short, since a trigger is forwarded. */
  static final double TRSYNC_TIMEOUT = 0.025;
  static final double TRSYNC_SINGLE_MCU_TIMEOUT = 0.250;

  /** One MCU's trsync object. */
  static final class Trsync {
    final Mcu mcu;
    final int oid;
    final List<TriggerStepper> steppers = new ArrayList<>();
    CommandQueue queue;
    McuCommand start;
    McuCommand setTimeout;
    McuCommand trigger;
    McuCommand stopOnTrigger;
    McuQuery query;
    long expireTicks;
    long minExtendTicks;
    long expireClock;
    double lastReportTime;
    Long homeEndClock;
    boolean active;

    Trsync(Mcu mcu) {
      this.mcu = mcu;
      this.oid = mcu.createOid();
      mcu.registerConfigCallback(this::buildConfig);
    }

    private void buildConfig() {
      mcu.addConfigCmd(String.format(Locale.ROOT, "config_trsync oid=%d", oid), false, false);
      mcu.addConfigCmd(String.format(Locale.ROOT,
          "trsync_start oid=%d report_clock=0 report_ticks=0 expire_reason=0", oid), false,
          true);
      queue = mcu.newCommandQueue();
      start = mcu.lookupCommand("trsync_start oid=%c report_clock=%u report_ticks=%u"
          + " expire_reason=%c", queue);
      setTimeout = mcu.lookupCommand("trsync_set_timeout oid=%c clock=%u", queue);
      trigger = mcu.lookupCommand("trsync_trigger oid=%c reason=%c", queue);
      stopOnTrigger = mcu.lookupCommand("stepper_stop_on_trigger oid=%c trsync_oid=%c", queue);
      query = mcu.lookupQuery("trsync_trigger oid=%c reason=%c",
          "trsync_state oid=%c can_trigger=%c trigger_reason=%c clock=%u", (long) oid);
    }
  }

  private final Mcu mcu;
  private final Reactor reactor;
  private final List<Trsync> trsyncs = new ArrayList<>();
  private Completion<Boolean> triggered;

  public TriggerDispatch(Mcu mcu, Reactor reactor) {
    this.mcu = mcu;
    this.reactor = reactor;
    trsyncs.add(new Trsync(mcu));
  }

  /** The trsync on the endstop's own MCU. */
  public int oid() {
    return trsyncs.get(0).oid;
  }

  public CommandQueue commandQueue() {
    return trsyncs.get(0).queue;
  }

  public void addStepper(TriggerStepper s) {
    Trsync t = null;
    for (Trsync ts : trsyncs) {
      if (ts.mcu == s.mcu()) {
        t = ts;
      }
    }
    if (t == null) {
      t = new Trsync(s.mcu());
      trsyncs.add(t);
    }
    if (t.steppers.contains(s)) {
      return;
    }
    t.steppers.add(s);
    // One axis's steppers must stop together; across MCUs that is not safe enough.
    String name = s.name();
    if (name.startsWith("stepper_")) {
      for (Trsync other : trsyncs) {
        if (other == t) {
          continue;
        }
        for (TriggerStepper o : other.steppers) {
          if (o.name().startsWith(name.substring(0, Math.min(9, name.length())))) {
            throw new ConfigError("Multi-mcu homing not supported on multi-mcu shared axis");
          }
        }
      }
    }
  }

  public List<TriggerStepper> steppers() {
    List<TriggerStepper> out = new ArrayList<>();
    trsyncs.forEach(t -> out.addAll(t.steppers));
    return out;
  }

  /** Arms every trsync from {@code printTime}; the completion says whether it failed. */
  public Completion<Boolean> start(double printTime) {
    triggered = reactor.completion();
    // The timeout covers the host's round trip, so it is a latency margin.
    double expire = (trsyncs.size() == 1 ? TRSYNC_SINGLE_MCU_TIMEOUT : TRSYNC_TIMEOUT)
        * reactor.latencyScale();
    for (int i = 0; i < trsyncs.size(); i++) {
      Trsync t = trsyncs.get(i);
      double reportOffset = (double) i / trsyncs.size();
      long clock = t.mcu.printTimeToClock(printTime);
      t.expireTicks = t.mcu.secondsToClock(expire);
      t.expireClock = clock + t.expireTicks;
      long reportTicks = t.mcu.secondsToClock(expire * 0.3);
      long reportClock = clock + (long) (reportTicks * reportOffset + 0.5);
      t.minExtendTicks = (long) (reportTicks * 0.8 + 0.5);
      t.homeEndClock = null;
      t.lastReportTime = printTime;
      t.active = true;
      Trsync self = t;
      t.mcu.registerResponse("trsync_state", (long) t.oid, r -> handleState(self, r));
      t.start.sendTimed(0, clock, t.oid, reportClock, reportTicks, REASON_COMMS_TIMEOUT);
      for (TriggerStepper s : t.steppers) {
        t.stopOnTrigger.send(s.oid(), t.oid);
      }
      t.setTimeout.sendTimed(0, clock, t.oid, t.expireClock);
    }
    return triggered;
  }

  private void handleState(Trsync t, Response r) {
    if (!t.active) {
      return;
    }
    if (r.getLong("can_trigger") == 0) {
      // This MCU's steppers stopped: stop the others too.
      long reason = r.getLong("trigger_reason");
      for (Trsync o : trsyncs) {
        if (o != t && o.active) {
          o.trigger.send(o.oid, REASON_HOST_REQUEST);
        }
      }
      Completion<Boolean> c = triggered;
      if (c != null) {
        c.complete(reason >= REASON_COMMS_TIMEOUT);
      }
      return;
    }
    long clock = t.mcu.clock().extend(r.getLong("clock"));
    t.lastReportTime = t.mcu.clockToPrintTime(clock);
    if (t.homeEndClock != null && clock >= t.homeEndClock) {
      t.homeEndClock = null;
      t.trigger.send(t.oid, REASON_PAST_END_TIME);
      return;
    }
    // Everyone has reported up to the oldest report: extend every deadline from there.
    double oldest = Double.MAX_VALUE;
    for (Trsync o : trsyncs) {
      oldest = Math.min(oldest, o.lastReportTime);
    }
    for (Trsync o : trsyncs) {
      long newExpire = o.mcu.printTimeToClock(oldest) + o.expireTicks;
      if (newExpire >= o.expireClock + o.minExtendTicks) {
        o.expireClock = newExpire;
        o.setTimeout.send(o.oid, newExpire);
      }
    }
  }

  /** Waits for the trigger; the move has been planned to end at {@code endTime}. */
  public void waitEnd(double endTime) {
    Trsync first = trsyncs.get(0);
    first.homeEndClock = first.mcu.printTimeToClock(endTime);
    if (mcu.isBatch()) {
      triggered.complete(true);
    }
    triggered.await(Reactor.NEVER);
  }

  /** Disarms; returns the trigger reason (the worst one if any MCU timed out). */
  public int stop() {
    List<Integer> reasons = new ArrayList<>();
    for (Trsync t : trsyncs) {
      t.active = false;
      t.mcu.registerResponse("trsync_state", (long) t.oid, null);
      if (mcu.isBatch()) {
        reasons.add(REASON_ENDSTOP_HIT);
        continue;
      }
      if (t.mcu.isShutdown()) {
        reasons.add(REASON_COMMS_TIMEOUT); // it stopped everything itself
        continue;
      }
      Response r = t.query.send(t.oid, REASON_HOST_REQUEST);
      for (TriggerStepper s : t.steppers) {
        s.noteHomingEnd();
      }
      reasons.add(r.getInt("trigger_reason"));
    }
    triggered = null;
    for (int r : reasons) {
      if (r >= REASON_COMMS_TIMEOUT) {
        return r;
      }
    }
    return reasons.get(0);
  }

  /** On printer shutdown: whoever waits for a trigger gives up. */
  public void shutdown() {
    Completion<Boolean> c = triggered;
    if (c != null) {
      c.complete(false);
    }
  }

  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("trsyncs", trsyncs.size());
    return m;
  }
}
