package org.escapement.host.modules;

import org.escapement.host.printer.ModuleRegistry;

/** The config sections Escapement handles, each with its module. */
public final class StandardModules {
  private StandardModules() {}

  public static ModuleRegistry registry() {
    return new ModuleRegistry()
        .register("gcode_macro", GCodeMacroModule::new)
        .register("delayed_gcode", DelayedGcodeModule::new)
        .register("save_variables", SaveVariablesModule::new)
        .register("static_digital_output", StaticDigitalOutputModule::new);
  }
}
