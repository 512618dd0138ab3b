package org.escapement.host.fans;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.heaters.Heater;
import org.escapement.host.heaters.Heaters;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [heater_fan NAME]}: a hotend fan that runs while any of its heaters has a target or
 * is above heater_temp. On shutdown it runs at full speed by default, so a hot hotend keeps
 * being cooled.
 */
public final class HeaterFanModule implements StatusProvider {
  private static final double FIRST_CHECK_DELAY = 0.100;
  private final Printer printer;
  private final List<String> heaterNames;
  private final double heaterTemp;
  private final double fanSpeed;
  private final Fan fan;
  private final List<Heater> heaters = new ArrayList<>();
  private double lastSpeed;

  public HeaterFanModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    Heaters.of(printer);
    heaterNames = section.getList("heater", List.of("extruder"), ",");
    heaterTemp = section.getFloat("heater_temp", 50.0);
    fan = new Fan(printer, section, 1.0);
    fanSpeed = section.getFloat("fan_speed", 1.0, Bounds.range(0, 1));
    printer.onEvent(Printer.Event.CONNECT, () -> {
      Heaters all = Heaters.of(printer);
      heaterNames.forEach(n -> heaters.add(all.lookupHeater(n)));
    });
    printer.onEvent(Printer.Event.READY, this::ready);
  }

  private void ready() {
    Reactor reactor = printer.reactor();
    reactor.registerTimer(this::check, reactor.monotonic() + FIRST_CHECK_DELAY);
  }

  private double check(double eventtime) {
    double speed = 0;
    for (Heater h : heaters) {
      var t = h.temperature(eventtime);
      if (t.target() != 0 || t.current() > heaterTemp) {
        speed = fanSpeed;
      }
    }
    if (speed != lastSpeed) {
      lastSpeed = speed;
      fan.setSpeed(speed);
    }
    return eventtime + 1.0;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    return fan.status(eventtime);
  }
}
