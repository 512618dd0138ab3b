package org.escapement.host.printer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.escapement.host.config.ConfigSection;

/**
 * Config section kinds (the first word of a section name) and the modules that handle them:
 * one section, one module, as Klipper's extras. Adding a feature adds one entry here.
 */
public final class ModuleRegistry {
  /** Creates the module for one section; it reads its options right there. */
  @FunctionalInterface
  public interface Factory {
    Object create(Printer printer, ConfigSection section);
  }

  /**
   * Section kinds Klipper understands: a config using one we have no module for fails with
   * "not supported yet" instead of the "not a valid config section" a typo gets.
   */
  static final Set<String> KLIPPER_KINDS = Set.of(
      // read by the toolhead and kinematics
      "printer", "stepper_x", "stepper_y", "stepper_z", "stepper_a", "stepper_b", "stepper_c",
      "stepper_u", "stepper_v", "stepper_w", "stepper_z1", "stepper_z2", "stepper_z3",
      "stepper_arm", "stepper_bed", "extruder", "extruder1", "extruder2", "extruder3",
      "extruder4", "extruder5", "extruder6", "extruder7", "dual_carriage", "carriage",
      "extra_carriage",
      // Klipper's extras
      "ad5206", "adc_scaled", "adc_temperature", "ads1220", "ads131m0x", "ads1x1x", "adxl345",
      "aht10", "angle", "axis_twist_compensation", "bed_mesh", "bed_screws", "bed_tilt",
      "bltouch", "bme280", "bmi160", "bulk_sensor", "buttons", "canbus_ids",
      "canbus_stats", "controller_fan", "dac084S085", "delayed_gcode", "delta_calibrate",
      "display", "display_data", "display_glyph", "display_template", "display_status",
      "dotstar", "ds18b20", "duplicate_pin_override", "endstop_phase", "error_mcu",
      "exclude_object", "extruder_stepper", "fan", "fan_generic", "filament_motion_sensor",
      "filament_switch_sensor", "firmware_retraction", "force_move", "garbage_collection",
      "gcode_arcs", "gcode_button", "gcode_macro", "gcode_move", "hall_filament_width_sensor",
      "heater_bed", "heater_fan", "heater_generic", "heaters", "homing", "homing_heaters",
      "homing_override", "htu21d", "hx71x", "icm20948", "idle_timeout", "input_shaper",
      "ldc1612", "led", "lis2dw", "lis3dh", "lm75", "load_cell", "load_cell_probe",
      "manual_probe", "manual_stepper", "mcp4018", "mcp4451", "mcp4728", "menu", "motion_queuing",
      "motion_report", "mpu9250", "multi_pin", "neopixel", "output_pin", "palette2",
      "pause_resume", "pca9533", "pca9632", "pid_calibrate", "print_stats", "probe",
      "probe_eddy_current", "pulse_counter", "pwm_cycle_time", "pwm_tool", "quad_gantry_level",
      "query_adc", "query_endstops", "replicape", "resonance_tester", "respond", "safe_z_home",
      "samd_sercom", "save_variables", "screws_tilt_adjust", "sdcard_loop", "servo",
      "shaper_calibrate", "sht3x", "skew_correction", "smart_effector", "spi_temperature",
      "static_digital_output", "static_pwm_clock", "statistics", "stepper_enable", "sx1509",
      "temperature_combined", "temperature_fan", "temperature_host", "temperature_mcu",
      "temperature_probe", "temperature_sensor", "thermistor", "tmc2130", "tmc2208", "tmc2209",
      "tmc2240", "tmc2660", "tmc5160", "trigger_analog", "tsl1401cl_filament_width_sensor",
      "tuning_tower", "verify_heater", "virtual_sdcard", "z_thermal_adjust", "z_tilt");

  /**
   * Objects every printer has, made without a section. Klipper accepts an empty section for
   * each (it loads the module by the section's name); so do we, and an option in one is
   * reported as not valid.
   */
  static final Set<String> BUILT_IN = Set.of("gcode_move", "homing", "query_endstops",
      "stepper_enable", "heaters", "motion_queuing", "statistics");

  private final Map<String, Factory> byKind = new LinkedHashMap<>();
  private final java.util.List<java.util.function.BiConsumer<Printer, org.escapement.host.config.Config>>
      afterToolhead = new java.util.ArrayList<>();

  /**
   * Runs {@code setup} once the toolhead exists (extruders: they are sections that need it).
   */
  public ModuleRegistry onToolhead(
      java.util.function.BiConsumer<Printer, org.escapement.host.config.Config> setup) {
    afterToolhead.add(setup);
    return this;
  }

  /** Called by the session right after building the toolhead. */
  public void afterToolhead(Printer printer, org.escapement.host.config.Config config) {
    afterToolhead.forEach(s -> s.accept(printer, config));
  }

  public ModuleRegistry register(String kind, Factory factory) {
    if (byKind.putIfAbsent(kind, factory) != null) {
      throw new IllegalStateException("module for [" + kind + "] registered twice");
    }
    return this;
  }

  /** The module for a section kind, or null. */
  public Factory find(String kind) {
    return byKind.get(kind);
  }

  public boolean handles(String kind) {
    return byKind.containsKey(kind);
  }

  /** Every section kind with a module, in registration order. */
  public Set<String> kinds() {
    return java.util.Collections.unmodifiableSet(byKind.keySet());
  }

  /** Every section kind Klipper has (whether or not a module here handles it). */
  public static Set<String> klipperKinds() {
    return KLIPPER_KINDS;
  }

  /**
   * Sections the toolhead reads itself ([printer], the kinematics' steppers, extruders): they
   * have no module of their own, and any the kinematics did not read are reported unused.
   */
  public static boolean isToolheadSection(String kind) {
    return kind.equals("printer") || kind.startsWith("stepper_") || kind.equals("extruder")
        || kind.matches("extruder\\d+") || kind.equals("dual_carriage")
        || kind.equals("carriage") || kind.equals("extra_carriage");
  }

  /** Is this the section of an object every printer has without one ({@code [statistics]})? */
  public static boolean isBuiltIn(String kind) {
    return BUILT_IN.contains(kind);
  }

  /** Is this a section Klipper has (so only missing here, not misspelt)? */
  public static boolean knownToKlipper(String kind) {
    return KLIPPER_KINDS.contains(kind) || kind.startsWith("stepper_")
        || kind.matches("extruder\\d+");
  }

  /** The first word of a section name: {@code gcode_macro} for {@code gcode_macro START}. */
  public static String kindOf(String section) {
    int sp = section.indexOf(' ');
    return sp < 0 ? section : section.substring(0, sp);
  }
}
