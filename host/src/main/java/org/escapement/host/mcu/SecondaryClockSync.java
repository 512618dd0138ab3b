package org.escapement.host.mcu;

import java.util.Locale;

/**
 * Clock tracking for an MCU other than the main one. Print time is the main MCU's clock in
 * seconds; this MCU's print time is mapped onto it through an offset and an adjusted frequency,
 * re-fitted about once a second so the two stay aligned without jumps: the map keeps its value
 * at the current print time and is steered to hit this MCU's estimated clock a few seconds
 * ahead.
 */
public final class SecondaryClockSync extends ClockSync {
  private final ClockSync main;
  private double adjOffset;
  private double adjFreq = 1;
  private double lastSyncPrintTime;

  public SecondaryClockSync(ClockSync main) {
    this.main = main;
  }

  /** Called once this MCU's own clock estimate is up: align print times as of now. */
  void alignWithMain(double eventtime) {
    adjOffset = 0;
    adjFreq = mcuFreq;
    double mainPrintTime = main.estimatedPrintTime(eventtime);
    double localPrintTime = super.estimatedPrintTime(eventtime);
    adjOffset = mainPrintTime - localPrintTime;
    calibrate(0, eventtime);
  }

  @Override
  void startBatch(double nominalFreq) {
    super.startBatch(nominalFreq);
    adjOffset = 0;
    adjFreq = nominalFreq;
  }

  @Override
  public long printTimeToClock(double printTime) {
    return (long) ((printTime - adjOffset) * adjFreq);
  }

  @Override
  public double clockToPrintTime(long clock) {
    return clock / adjFreq + adjOffset;
  }

  @Override
  public double estimatedPrintTime(double eventtime) {
    return clockToPrintTime(clockAt(eventtime));
  }

  @Override
  double[] calibrate(double printTime, double eventtime) {
    double mainNow = main.estimatedPrintTime(eventtime);
    // Keep the map's value where motion is already scheduled (printTime), and make it meet
    // this MCU's own clock estimate at a point a few seconds on.
    double start = Math.max(printTime, mainNow);
    double target = Math.max(Math.max(start + 4, lastSyncPrintTime),
        printTime + 2.5 * (printTime - mainNow));
    double targetHostTime = main.hostTimeOf((long) (target * main.mcuFreq()));
    long startClock = printTimeToClock(start);
    long targetClock = clockAt(targetHostTime);
    adjFreq = (targetClock - startClock) / (target - start);
    adjOffset = start - startClock / adjFreq;
    lastSyncPrintTime = target;
    return new double[] {adjOffset, adjFreq};
  }

  @Override
  public String stats() {
    return super.stats() + String.format(Locale.ROOT, " adj=%d", (long) adjFreq);
  }

  @Override
  public String dumpDebug() {
    return super.dumpDebug() + String.format(Locale.ROOT, " clock_adj=(%.3f %.3f)", adjOffset,
        adjFreq);
  }
}
