package org.escapement.host.modules;

import org.escapement.host.printer.ModuleRegistry;

/** The config sections Escapement handles, each with its module. */
public final class StandardModules {
  private StandardModules() {}

  public static ModuleRegistry registry() {
    return new ModuleRegistry()
        .onToolhead(ExtruderModule::createAll)
        // Every printer has the manual probe, as in Klipper; the section has no options.
        .onToolhead((p, c) -> org.escapement.host.probe.ManualProbe.of(p))
        .register("board_pins", BoardPinsModule::new)
        .register("gcode_macro", GCodeMacroModule::new)
        .register("delayed_gcode", DelayedGcodeModule::new)
        .register("save_variables", SaveVariablesModule::new)
        .register("static_digital_output", StaticDigitalOutputModule::new)
        .register("output_pin", OutputPinModule::new)
        .register("pwm_cycle_time", PwmCycleTimeModule::new)
        .register("pwm_tool", PwmToolModule::new)
        .register("filament_switch_sensor", FilamentSwitchSensorModule::new)
        .register("filament_motion_sensor", FilamentMotionSensorModule::new)
        .register("input_shaper", InputShaperModule::new)
        .register("extruder_stepper", ExtruderStepperModule::new)
        .register("print_stats", PrintStatsModule::new)
        .register("virtual_sdcard", VirtualSdcardModule::new)
        .register("pause_resume", PauseResumeModule::new)
        .register("idle_timeout", IdleTimeoutModule::new)
        .register("respond", RespondModule::new)
        .register("display_status", DisplayStatusModule::new)
        .register("display", org.escapement.host.display.DisplayModule::new)
        // Read all at once, by the first display or the first of these sections.
        .register("display_template", (p, s) ->
            org.escapement.host.display.DisplayTemplates.of(p, s.config()))
        .register("display_data", (p, s) ->
            org.escapement.host.display.DisplayTemplates.of(p, s.config()))
        .register("display_glyph", (p, s) ->
            org.escapement.host.display.DisplayTemplates.of(p, s.config()))
        // Made on demand by the first stepper too; a [force_move] before any stepper makes it here.
        .register("force_move", (p, s) -> org.escapement.host.motion.ForceMove.of(p))
        .register("manual_stepper", org.escapement.host.motion.ManualStepperModule::new)
        .register("gcode_arcs", org.escapement.host.gcode.GCodeArcsModule::new)
        .register("homing_override", HomingOverrideModule::new)
        .register("safe_z_home", SafeZHomeModule::new)
        .register("endstop_phase", EndstopPhaseModule::create)
        .register("probe", org.escapement.host.probe.ProbeModule::new)
        .register("bltouch", org.escapement.host.probe.BltouchModule::create)
        .register("manual_probe", org.escapement.host.probe.ManualProbe::create)
        .register("delta_calibrate", org.escapement.host.probe.DeltaCalibrateModule::new)
        .register("z_tilt", org.escapement.host.probe.ZTiltModule::new)
        .register("quad_gantry_level", org.escapement.host.probe.QuadGantryLevelModule::new)
        .register("bed_mesh", org.escapement.host.leveling.BedMeshModule::create)
        .register("bed_screws", org.escapement.host.leveling.BedScrewsModule::new)
        .register("screws_tilt_adjust",
            org.escapement.host.leveling.ScrewsTiltAdjustModule::new)
        .register("bed_tilt", org.escapement.host.leveling.BedTiltModule::new)
        .register("heater_bed", org.escapement.host.heaters.HeaterBedModule::new)
        .register("heater_generic", org.escapement.host.heaters.HeaterGenericModule::new)
        .register("verify_heater", org.escapement.host.heaters.VerifyHeaterModule::new)
        .register("pid_calibrate", org.escapement.host.heaters.PidCalibrateModule::new)
        .register("thermistor", org.escapement.host.heaters.ThermistorModule::new)
        .register("adc_temperature", org.escapement.host.heaters.AdcTemperatureModule::new)
        .register("temperature_sensor",
            org.escapement.host.heaters.TemperatureSensorModule::new)
        .register("fan", org.escapement.host.fans.FanModule::new)
        .register("fan_generic", org.escapement.host.fans.FanGenericModule::new)
        .register("heater_fan", org.escapement.host.fans.HeaterFanModule::new)
        .register("controller_fan", org.escapement.host.fans.ControllerFanModule::new)
        .register("temperature_fan", org.escapement.host.fans.TemperatureFanModule::new)
        .register("tmc2208", org.escapement.host.tmc.Tmc2208Module::new)
        .register("tmc2209", org.escapement.host.tmc.Tmc2209Module::new)
        .register("tmc2130", org.escapement.host.tmc.Tmc2130Module::new)
        .register("tmc5160", org.escapement.host.tmc.Tmc5160Module::new)
        .register("ad5206", Ad5206Module::new)
        .register("dac084S085", Dac084S085Module::new)
        .register("mcp4451", Mcp4451Module::new)
        .register("mcp4018", Mcp4018Module::new);
  }
}
