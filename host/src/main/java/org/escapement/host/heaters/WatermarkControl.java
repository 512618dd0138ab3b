package org.escapement.host.heaters;

import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;

/**
 * {@code control: watermark} (bang-bang): full power until max_delta above the target, off
 * until max_delta below it. Suits beds and heaters on relays.
 */
public final class WatermarkControl implements HeaterControl {
  private final Heater heater;
  private final double maxPower;
  private final double maxDelta;
  private boolean heating;

  WatermarkControl(Heater heater, ConfigSection section) {
    this.heater = heater;
    this.maxPower = heater.maxPower();
    this.maxDelta = section.getFloat("max_delta", 2.0, Bounds.above(0));
  }

  @Override
  public void temperatureUpdate(double readTime, double celsius, double target) {
    if (heating && celsius >= target + maxDelta) {
      heating = false;
    } else if (!heating && celsius <= target - maxDelta) {
      heating = true;
    }
    heater.setPwm(readTime, heating ? maxPower : 0);
  }

  @Override
  public boolean isBusy(double eventtime, double smoothedCelsius, double target) {
    return smoothedCelsius < target - maxDelta;
  }
}
