package org.escapement.host.mcu;

import java.util.List;
import java.util.Locale;
import org.escapement.host.printer.CommandError;
import org.escapement.host.reactor.Completion;
import org.escapement.host.reactor.Reactor;

/**
 * An endstop input on an MCU. For homing, the MCU polls it from a given clock and, on a
 * stable trigger, fires a trsync that stops the steppers at once; the host learns the
 * trigger time afterwards.
 */
public final class McuEndstop implements Endstop {
  private final Mcu mcu;
  private final McuPin pin;
  private final int oid;
  private final TriggerDispatch dispatch;
  private McuCommand homeCmd;
  private McuQuery queryCmd;
  private long restTicks;

  public McuEndstop(McuPin pin, Reactor reactor) {
    this.pin = pin;
    this.mcu = pin.mcu();
    this.oid = mcu.createOid();
    this.dispatch = new TriggerDispatch(mcu, reactor);
    mcu.registerConfigCallback(this::buildConfig);
  }

  @Override
  public Mcu mcu() {
    return mcu;
  }

  @Override
  public void addStepper(TriggerStepper s) {
    dispatch.addStepper(s);
  }

  @Override
  public List<TriggerStepper> steppers() {
    return dispatch.steppers();
  }

  private void buildConfig() {
    pin.checkExists();
    mcu.addConfigCmd(String.format(Locale.ROOT, "config_endstop oid=%d pin=%s pull_up=%d", oid,
        pin.name(), pin.pullup()), false, false);
    mcu.addConfigCmd(String.format(Locale.ROOT, "endstop_home oid=%d clock=0 sample_ticks=0"
        + " sample_count=0 rest_ticks=0 pin_value=0 trsync_oid=0 trigger_reason=0", oid), false,
        true);
    homeCmd = mcu.lookupCommand("endstop_home oid=%c clock=%u sample_ticks=%u sample_count=%c"
        + " rest_ticks=%u pin_value=%c trsync_oid=%c trigger_reason=%c",
        dispatch.commandQueue());
    queryCmd = mcu.lookupQuery("endstop_query_state oid=%c",
        "endstop_state oid=%c homing=%c next_clock=%u pin_value=%c", (long) oid);
  }

  /**
   * Starts watching for the trigger at {@code printTime}: every {@code restTime} the MCU reads
   * the pin; a trigger must then hold for {@code sampleCount} reads {@code sampleTime} apart.
   *
   * @param triggered home to the triggered state (false: to the released state)
   */
  @Override
  public Completion<Boolean> homeStart(double printTime, double sampleTime, int sampleCount,
      double restTime, boolean triggered) {
    long clock = mcu.printTimeToClock(printTime);
    restTicks = mcu.printTimeToClock(printTime + restTime) - clock;
    Completion<Boolean> c = dispatch.start(printTime);
    homeCmd.sendTimed(0, clock, oid, clock, mcu.secondsToClock(sampleTime), sampleCount,
        restTicks, (triggered ^ pin.invert()) ? 1 : 0, dispatch.oid(),
        TriggerDispatch.REASON_ENDSTOP_HIT);
    return c;
  }

  /**
   * Waits for the homing move (planned to end at {@code homeEndTime}) to stop.
   *
   * @return the print time the endstop triggered, or 0 if it did not
   */
  @Override
  public double homeWait(double homeEndTime) {
    dispatch.waitEnd(homeEndTime);
    homeCmd.send(oid, 0, 0, 0, 0, 0, 0, 0);
    int reason = dispatch.stop();
    if (reason >= TriggerDispatch.REASON_COMMS_TIMEOUT) {
      throw new CommandError("Communication timeout during homing");
    }
    if (reason != TriggerDispatch.REASON_ENDSTOP_HIT) {
      return 0;
    }
    if (mcu.isBatch()) {
      return homeEndTime;
    }
    Response r = queryCmd.send(oid);
    long next = mcu.clock().extend(r.getLong("next_clock"));
    return mcu.clockToPrintTime(next - restTicks);
  }

  /** Reads the endstop now (QUERY_ENDSTOPS): true when triggered. */
  @Override
  public boolean query(double printTime) {
    if (mcu.isBatch()) {
      return false;
    }
    Response r = queryCmd.send(oid);
    return (r.getLong("pin_value") != 0) ^ pin.invert();
  }

  public void shutdown() {
    dispatch.shutdown();
  }
}
