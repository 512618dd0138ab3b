package org.escapement.host.fans;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Bounds;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.heaters.Heater;
import org.escapement.host.heaters.Heaters;
import org.escapement.host.motion.StepperEnable;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;
import org.escapement.host.reactor.Reactor;

/**
 * {@code [controller_fan NAME]}: cools the electronics while any of its steppers is enabled or
 * any of its heaters has a target, then idles for idle_timeout seconds at idle_speed.
 */
public final class ControllerFanModule implements StatusProvider {
  private static final double FIRST_CHECK_DELAY = 0.100;
  private final Printer printer;
  private final Fan fan;
  private final double fanSpeed;
  private final double idleSpeed;
  private final int idleTimeout;
  private final List<String> heaterNames;
  private List<String> stepperNames;
  private final List<Heater> heaters = new ArrayList<>();
  private int secondsSinceActive;
  private double lastSpeed;

  public ControllerFanModule(Printer printer, ConfigSection section) {
    this.printer = printer;
    String steppers = section.get("stepper", null);
    stepperNames = steppers == null ? null : java.util.Arrays.stream(steppers.split(","))
        .map(String::strip).filter(n -> !n.isEmpty()).toList();
    Heaters.of(printer);
    fan = new Fan(printer, section, 0.0);
    fanSpeed = section.getFloat("fan_speed", 1.0, Bounds.range(0, 1));
    idleSpeed = section.getFloat("idle_speed", fanSpeed, Bounds.range(0, 1));
    idleTimeout = section.getInt("idle_timeout", 30, Bounds.min(0));
    heaterNames = section.getList("heater", List.of("extruder"), ",");
    secondsSinceActive = idleTimeout;
    printer.onEvent(Printer.Event.CONNECT, this::connect);
    printer.onEvent(Printer.Event.READY, () -> {
      Reactor reactor = printer.reactor();
      reactor.registerTimer(this::check, reactor.monotonic() + FIRST_CHECK_DELAY);
    });
  }

  private void connect() {
    Heaters all = Heaters.of(printer);
    heaterNames.forEach(n -> heaters.add(all.lookupHeater(n)));
    List<String> steppers = steppers();
    if (stepperNames == null) {
      stepperNames = steppers;
    } else if (!steppers.containsAll(stepperNames)) {
      throw new ConfigError("One or more of these steppers are unknown: " + stepperNames
          + " (valid steppers are: " + String.join(", ", steppers) + ")");
    }
  }

  /** Every stepper with an enable line, by name. */
  private List<String> steppers() {
    Object s = StepperEnable.of(printer).status(0).get("steppers");
    return s instanceof Map<?, ?> m ? m.keySet().stream().map(Object::toString).toList()
        : List.of();
  }

  private double check(double eventtime) {
    StepperEnable enable = StepperEnable.of(printer);
    boolean active = stepperNames.stream().anyMatch(enable::isEnabled);
    for (Heater h : heaters) {
      active |= h.temperature(eventtime).target() != 0;
    }
    double speed = 0;
    if (active) {
      secondsSinceActive = 0;
      speed = fanSpeed;
    } else if (secondsSinceActive < idleTimeout) {
      speed = idleSpeed;
      secondsSinceActive++;
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
