package org.escapement.host.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filament sensors: the button queries they set up and their commands. */
class FilamentSensorModuleTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();

  /** The decoded commands, or the error the run printed. */
  List<String> sent(String config, String gcode) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n[respond]\n\n" + config);
    Path in = tmp.resolve("in.gcode");
    Files.writeString(in, gcode);
    StartOptions options = new StartOptions(cfg, in, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    replies.reset();
    int code = new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
    if (code != 0) {
      return List.of(replies.toString(StandardCharsets.UTF_8).strip());
    }
    return WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")),
        tmp.resolve("out.serial"));
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
    assertThat(replies.toString(StandardCharsets.UTF_8)).contains(
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
