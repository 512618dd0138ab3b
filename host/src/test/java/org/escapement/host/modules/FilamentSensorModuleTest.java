package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filament sensors: the button queries they set up and their commands. */
class FilamentSensorModuleTest {
  @TempDir Path tmp;
  private MotionRun last;

  /** The decoded commands, or the error the run printed. */
  List<String> sent(String config, String gcode) throws Exception {
    last = MotionRun.run(tmp, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n[respond]\n\n" + config, gcode);
    return last.sentOrReplies();
  }

  static final String EXTRUDER = """
      [extruder]
      step_pin: PA3
      dir_pin: PA4
      enable_pin: !PA5
      microsteps: 16
      rotation_distance: 33.5
      nozzle_diameter: 0.4
      filament_diameter: 1.75
      heater_pin: PB4
      sensor_type: EPCOS 100K B57560G104F
      sensor_pin: PK5
      control: watermark
      min_temp: 0
      max_temp: 250

      """;

  @Test
  void switchAndMotionSensorsShareOneButtonQueryOnTheirMcu() throws Exception {
    List<String> sent = sent(EXTRUDER + "[filament_switch_sensor runout]\nswitch_pin: ^!PD4\n\n"
        + "[filament_motion_sensor encoder]\nswitch_pin: PD5\nextruder: extruder\n\n"
        + "[gcode_macro SHOW]\ngcode:\n  RESPOND MSG=\"{printer['filament_switch_sensor runout']}"
        + " {printer['filament_motion_sensor encoder'].enabled}\"\n",
        "QUERY_FILAMENT_SENSOR SENSOR=runout\nSET_FILAMENT_SENSOR SENSOR=encoder ENABLE=0\n"
            + "SHOW\n");
    int oid = Integer.parseInt(sent.stream().filter(l -> l.startsWith("config_buttons"))
        .findFirst().orElseThrow().replaceAll(".*oid=(\\d+).*", "$1"));
    // 2 ms polls, 50 polls before a resend; bit 0 (the switch) inverted; 16 MHz clock.
    assertThat(sent).containsSubsequence(
        "config_buttons oid=" + oid + " button_count=2",
        "finalize_config crc=" + OutputPinModuleTest.crc(sent),
        "buttons_add oid=" + oid + " pos=0 pin=PD4 pull_up=1",
        "buttons_add oid=" + oid + " pos=1 pin=PD5 pull_up=0");
    assertThat(sent).anyMatch(l -> l.matches("buttons_query oid=" + oid
        + " clock=\\d+ rest_ticks=32000 retransmit_count=50 invert=1"));
    assertThat(String.join("\n", last.replies)).contains(
        "// Filament Sensor runout: filament not detected",
        "{'filament_detected': False, 'enabled': True} False");
  }

  @Test
  void anUnknownExtruderIsAnError() throws Exception {
    assertThat(sent(EXTRUDER + "[filament_motion_sensor e]\nswitch_pin: PD5\n", ""))
        .singleElement().asString()
        .contains("Option 'extruder' in section 'filament_motion_sensor e' must be specified");
  }
}
