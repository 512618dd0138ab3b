package org.escapement.host.heaters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.ConfigFileStatus;
import org.escapement.host.printer.Printer;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;

/**
 * A printer with heaters on a virtual clock, heating a lumped thermal model in Java instead of
 * an MCU: fast, deterministic tests of the control, the checks and the G-code. (The proof on
 * the simulated MCU's physics is in the *IT tests.)
 */
final class HeaterRig implements AutoCloseable {
  /** C dT/dt = P u - k (T - ambient), with the heater's commands taking effect when due. */
  static final class Thermal {
    double celsius = 25;
    double ambient = 25;
    double powerW;
    double capacityJPerK;
    double lossWPerK;
    boolean disconnected;
    boolean stuckOn;
    double sensorOffset; // a sensor that reads wrong by this much
    double drive;
    double time;
    final List<double[]> pending = new ArrayList<>(); // {time, value}, in order
    final List<double[]> applied = new ArrayList<>();

    Thermal(double powerW, double capacityJPerK, double lossWPerK) {
      this.powerW = powerW;
      this.capacityJPerK = capacityJPerK;
      this.lossWPerK = lossWPerK;
    }

    void schedule(double at, double value) {
      pending.add(new double[] {at, value});
    }

    void advance(double to) {
      while (!pending.isEmpty() && pending.getFirst()[0] <= to) {
        double[] p = pending.removeFirst();
        step(p[0]);
        drive = p[1];
        applied.add(p);
      }
      step(to);
    }

    private void step(double to) {
      if (to <= time) {
        return;
      }
      double dt = to - time;
      time = to;
      double u = disconnected ? 0 : stuckOn ? 1 : drive;
      double eq = ambient + powerW * u / lossWPerK;
      celsius = eq + (celsius - eq) * Math.exp(-dt * lossWPerK / capacityJPerK);
    }

    /** Everything off at once, as an MCU shutdown does. */
    void shutdown() {
      advance(time);
      pending.clear();
      drive = 0;
    }
  }

  final Reactor reactor = new Reactor(ReactorClock.virtual());
  final Printer printer = new Printer(reactor);
  final GCodeDispatch gcode;
  final List<String> replies = new ArrayList<>();
  final Config config;

  HeaterRig(String configText) throws Exception {
    config = Config.fromText(configText, Path.of("printer.cfg"));
    reactor.start("rig");
    gcode = call(() -> {
      GCodeDispatch g = new GCodeDispatch(printer, false, "test");
      g.addOutput(replies::add);
      printer.addObject("gcode", g);
      printer.addObject("configfile", new ConfigFileStatus(config));
      return g;
    });
  }

  /** A heater on the model {@code model}, from section {@code name} of the config. */
  Heater heater(String name, String gcodeId, Thermal model) throws Exception {
    return call(() -> {
      Heaters heaters = Heaters.of(printer);
      heaters.addSensorFactory("model", s -> sensorOn(model));
      return heaters.setupHeater(config.section(name), gcodeId, outputs(model));
    });
  }

  /** The bed module on the model. */
  HeaterBedModule bed(Thermal model) throws Exception {
    return call(() -> {
      Heaters.of(printer).addSensorFactory("model", s -> sensorOn(model));
      return new HeaterBedModule(printer, config.section("heater_bed"), outputs(model));
    });
  }

  /** Heater outputs that drive the model (and shut it off with the printer). */
  Heater.OutputFactory outputs(Thermal model) {
    printer.onEvent(Printer.Event.SHUTDOWN, model::shutdown);
    return (s, pwmDelay) -> {
      s.getFloat("pwm_cycle_time", 0.1);
      s.get("heater_pin");
      return new Heater.Output() {
        @Override
        public void setPwm(double printTime, double value) {
          model.schedule(printTime, value);
        }

        @Override
        public double estimatedPrintTime(double eventtime) {
          return eventtime;
        }
      };
    };
  }

  /** A sensor reading the model every 0.3 s, from connect on. */
  private TemperatureSensor sensorOn(Thermal model) {
    return new TemperatureSensor() {
      Callback callback;

      @Override
      public void setupMinMax(double minCelsius, double maxCelsius) {}

      @Override
      public void setupCallback(Callback cb) {
        callback = cb;
      }

      @Override
      public double reportTimeDelta() {
        return 0.3;
      }

      {
        printer.onEvent(Printer.Event.CONNECT, () -> reactor.registerTimer(t -> {
          if (printer.isShutdown()) {
            return Reactor.NEVER;
          }
          model.advance(t);
          callback.temperature(t, model.celsius + model.sensorOffset);
          return t + 0.3;
        }, reactor.monotonic() + 0.3));
      }
    };
  }

  // The virtual clock races ahead whenever the reactor has timers and nothing else to do, so
  // a test runs its whole scenario in one fiber (see scenario()); these only work there.

  /** Connects and makes the printer ready (timers start). */
  void start() {
    printer.sendEvent(Printer.Event.CONNECT);
    printer.setReady();
  }

  /** Runs G-code (M109 may wait minutes of virtual time). */
  void run(String script) {
    gcode.runScript(script);
  }

  /** Lets virtual time pass. */
  void idle(double seconds) {
    reactor.pause(reactor.monotonic() + seconds);
  }

  double now() {
    return reactor.monotonic();
  }

  /** Something that runs in the reactor's fiber. */
  interface Scenario {
    void run() throws Exception;
  }

  /** Runs a test's scenario in a fiber, from start to end. */
  void scenario(Scenario body) throws Exception {
    call(() -> {
      body.run();
      return null;
    });
  }

  <T> T call(Callable<T> task) throws Exception {
    try {
      return reactor.call(task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  @Override
  public void close() {
    reactor.close();
  }
}
