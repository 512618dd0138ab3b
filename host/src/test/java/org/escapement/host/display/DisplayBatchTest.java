package org.escapement.host.display;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import org.escapement.host.mcu.WireCapture;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.printer.HostSession;
import org.escapement.host.printer.StartOptions;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a [display] sends, seen in batch mode output. */
class DisplayBatchTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream replies = new ByteArrayOutputStream();

  List<String> sent(String config, String gcodeText) throws Exception {
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config);
    Path gcode = tmp.resolve("in.gcode");
    Files.writeString(gcode, gcodeText);
    StartOptions options = new StartOptions(cfg, gcode, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    int code = new HostSession(options, StandardModules.registry(), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
    if (code != 0) {
      return List.of(replies.toString(StandardCharsets.UTF_8).strip());
    }
    return WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")),
        tmp.resolve("out.serial"));
  }

  static final String HD44780 = "[display]\nlcd_type: hd44780\nrs_pin: PH1\ne_pin: PH0\n"
      + "d4_pin: PA1\nd5_pin: PA3\nd6_pin: PA5\nd7_pin: PA7\n";

  @Test
  void hd44780IsInitialisedIn4BitModeAndShowsTheStatusScreen() throws Exception {
    List<String> sent = sent(HD44780 + "encoder_pins: ^PC1, ^PC3\nclick_pin: ^!PC5\n",
        "M117 Hi\n");
    assertThat(sent).containsSubsequence(
        "config_hd44780 oid=0 rs_pin=PH1 e_pin=PH0 d4_pin=PA1 d5_pin=PA3 d6_pin=PA5"
            + " d7_pin=PA7 delay_ticks=640",
        // 4-bit mode spelled out, two lines, home; entry mode, display on
        "hd44780_send_cmds oid=0 cmds=b'3'", "hd44780_send_cmds oid=0 cmds=b'3'",
        "hd44780_send_cmds oid=0 cmds=b'2'", "hd44780_send_cmds oid=0 cmds=b'((\\x02'",
        "hd44780_send_cmds oid=0 cmds=b'\\x06\\x0c'",
        // the blank screen: both 40-byte lines in runs of at most 16
        "hd44780_send_cmds oid=0 cmds=b'\\x80'", "hd44780_send_data oid=0 data=b'        '",
        "hd44780_send_cmds oid=0 cmds=b'\\x88'",
        // the first screen, 20x4: row 2 holds speed factor, progress and print time
        "hd44780_send_cmds oid=0 cmds=b'\\x94'", "hd44780_send_data oid=0 data=b'\\x03100'",
        "hd44780_send_cmds oid=0 cmds=b'\\x98'",
        "hd44780_send_data oid=0 data=b'%   \\x06 0%  \\x0400:00'",
        // row 3: the M117 message
        "hd44780_send_cmds oid=0 cmds=b'\\xd4'", "hd44780_send_data oid=0 data=b'Hi'",
        // then the glyphs used, into CGRAM: feedrate (slot 3) ... usb (slot 6)
        "hd44780_send_cmds oid=0 cmds=b'X'");
    // The timing of the initialisation: 100 ms between steps, after the config.
    assertThat(sent.stream().filter(l -> l.startsWith("hd44780")).count()).isGreaterThan(20);
  }

  @Test
  void aChangedCharacterSendsOnlyThatByte() throws Exception {
    // Typed at a console, so the host runs (in real time) across several redraws.
    Path cfg = tmp.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + HD44780);
    StartOptions options = new StartOptions(cfg, null, tmp.resolve("out.serial"),
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", tmp);
    PipedOutputStream typing = new PipedOutputStream();
    PipedInputStream console = new PipedInputStream(typing);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
      try {
        return new HostSession(options, StandardModules.registry(), "test",
            new PrintStream(replies, true, StandardCharsets.UTF_8), console).run();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    typing.write("M117 Hello\n".getBytes(StandardCharsets.UTF_8));
    typing.flush();
    Thread.sleep(1200);
    typing.write("M117 Hallo\n".getBytes(StandardCharsets.UTF_8));
    typing.flush();
    Thread.sleep(1200);
    typing.close();
    assertThat(code.get(10, TimeUnit.SECONDS)).isZero();
    List<String> sent = WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")),
        tmp.resolve("out.serial"));
    int hello = sent.indexOf("hd44780_send_data oid=0 data=b'Hello'");
    assertThat(hello).isPositive();
    assertThat(sent.subList(hello + 1, sent.size()).stream()
        .filter(l -> l.startsWith("hd44780") && !l.contains("cmds=b'X'")
            && !l.contains("cmds=b'p'") && !l.contains("data=b'\\x1c")
            && !l.contains("data=b'\\x0e"))
        .toList()).containsExactly(
        "hd44780_send_cmds oid=0 cmds=b'\\xd5'", "hd44780_send_data oid=0 data=b'a'");
  }

  @Test
  void st7920DrawsTextAndTheProgressBarInGraphics() throws Exception {
    List<String> sent = sent("[display]\nlcd_type: st7920\ncs_pin: PH1\nsclk_pin: PH0\n"
        + "sid_pin: PA1\n", "M117 Hi\n");
    assertThat(sent).containsSubsequence(
        "config_st7920 oid=0 cs_pin=PH1 sclk_pin=PH0 sid_pin=PA1 sync_delay_ticks=720"
            + " cmd_delay_ticks=320",
        "st7920_send_cmds oid=0 cmds=b'$@\\x02&\"\\x02\\x06\\x0c'",
        "st7920_send_cmds oid=0 cmds=b'\\x80'",
        // first graphics line: switch to the extended instruction set once
        "st7920_send_cmds oid=0 cmds=b'&\\x80\\x80'",
        "st7920_send_cmds oid=0 cmds=b'\\x80\\x88'",
        // first screen: back to basic instructions for text
        "st7920_send_cmds oid=0 cmds=b'\"\\x8a'", "st7920_send_data oid=0 data=b'0%'",
        "st7920_send_cmds oid=0 cmds=b'\\x96'", "st7920_send_data oid=0 data=b'100%Hi'",
        // the progress bar's outline, 10 cells wide on row 2
        "st7920_send_cmds oid=0 cmds=b'&\\x80\\x88'",
        "st7920_send_data oid=0 data=b'\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff'");
  }

  @Test
  void uc1701IsResetAndSetUpOverSpiWithItsA0Line() throws Exception {
    List<String> sent = sent("[display]\nlcd_type: uc1701\ncs_pin: PH1\na0_pin: PH0\n"
        + "rst_pin: PA1\ncontrast: 40\n", "");
    assertThat(sent).containsSubsequence(
        "config_spi oid=0 pin=PH1 cs_active_high=0",
        "config_digital_out oid=1 pin=PH0 value=0 default_value=0 max_duration=0",
        "config_digital_out oid=2 pin=PA1 value=0 default_value=0 max_duration=0",
        "spi_set_bus oid=0 spi_bus=spi mode=0 rate=10000000",
        "update_digital_out oid=2 value=0", "update_digital_out oid=2 value=1",
        "update_digital_out oid=2 value=1",
        "update_digital_out oid=1 value=0",
        "spi_send oid=0 data=b'\\xe2@\\xa0\\xc8\\xa2,./\\xf8\\x00#\\x81(\\xac\\x00\\xa6\\xaf'",
        "update_digital_out oid=1 value=0", "spi_send oid=0 data=b'\\xa5'",
        "update_digital_out oid=1 value=0", "spi_send oid=0 data=b'\\xa4'",
        // page 0, column 0, then its bytes as data
        "update_digital_out oid=1 value=0", "spi_send oid=0 data=b'\\xb0\\x10\\x00'",
        "update_digital_out oid=1 value=1");
  }

  @Test
  void ssd1306OverSpiUsesItsOwnInitialisation() throws Exception {
    List<String> sent = sent("[display]\nlcd_type: ssd1306\ncs_pin: PH1\ndc_pin: PH0\n"
        + "contrast: 200\nvcomh: 32\ninvert: True\n", "");
    assertThat(sent).contains("spi_send oid=0 data=b'\\xae\\xd5\\x80\\xa8?\\xd3\\x00@\\x8d"
        + "\\x14 \\x02\\xa1\\xc8\\xda\\x12\\x81\\xc8\\xd9\\xa1\\xdb \\x2e\\xa4\\xa7\\xaf'"
        .replace("\\x2e", "."));
  }

  @Test
  void aCustomGroupRendersItsTemplates() throws Exception {
    List<String> sent = sent(HD44780 + "display_group: mine\n\n"
        + "[display_template greet]\nparam_who: 'world'\ntext: Hello { param_who }\n\n"
        + "[display_data mine first]\nposition: 0, 0\n"
        + "text: { render('greet', param_who='Jo') }~right_arrow~\n\n"
        + "[display_data mine second]\nposition: 1, 2\ntext: { \"%.1f\" % 21.55 }\n", "");
    assertThat(sent).containsSubsequence(
        "hd44780_send_cmds oid=0 cmds=b'\\x80'", "hd44780_send_data oid=0 data=b'Hello Jo~'",
        "hd44780_send_cmds oid=0 cmds=b'\\xc2'", "hd44780_send_data oid=0 data=b'21.6'");
  }

  @Test
  void setDisplayGroupSwitchesScreensAndRejectsUnknownOnes() throws Exception {
    List<String> sent = sent(HD44780 + "\n[display_data other one]\nposition: 0, 0\n"
        + "text: Other\n", "G4 P600\nSET_DISPLAY_GROUP GROUP=other\nG4 P1000\n");
    assertThat(sent).contains("hd44780_send_data oid=0 data=b'Other'");
    replies.reset();
    sent(HD44780, "SET_DISPLAY_GROUP GROUP=nope\n");
    assertThat(replies.toString(StandardCharsets.UTF_8))
        .contains("!! Unknown display_data group 'nope'");
  }

  @Test
  void buttonsOnOneResistorLadderShareTheirAnalogPin() throws Exception {
    // The Anet A8's keypad: four buttons on PA1, told apart by voltage.
    List<String> sent = sent(HD44780 + "up_pin: PK1\nanalog_range_up_pin: 9000, 13000\n"
        + "down_pin: PK1\nanalog_range_down_pin: 800, 1300\n"
        + "click_pin: PK1\nanalog_range_click_pin: 2000, 2500\n", "");
    assertThat(sent).anyMatch(l -> l.startsWith("config_hd44780"));
    replies.reset();
    assertThat(sent(HD44780 + "up_pin: PK1\ndown_pin: PK1\n", "")).singleElement()
        .asString().endsWith("Option 'down_pin' in section 'display': pin PK1 used multiple"
            + " times in config");
  }

  @Test
  void configMistakesAreReportedInKlippersWords() throws Exception {
    assertThat(sent(HD44780 + "display_group: nope\n", "")).singleElement().asString()
        .endsWith("Unknown display_data group 'nope'");
    replies.reset();
    assertThat(sent("[display]\nlcd_type: hd44780_spi\n", "")).singleElement().asString()
        .endsWith("lcd_type 'hd44780_spi' is not supported yet");
    replies.reset();
    assertThat(sent("[display]\nlcd_type: vfd\n", "")).singleElement().asString()
        .contains("Choice 'vfd' for option 'lcd_type' in section 'display' is not a valid"
            + " choice");
    replies.reset();
    assertThat(sent("[display extra]\nlcd_type: hd44780\n", "")).singleElement().asString()
        .endsWith("A primary [display] section must be defined in printer.cfg to use"
            + " auxiliary displays");
    replies.reset();
    assertThat(sent("[display]\nlcd_type: ssd1306\n", "")).singleElement().asString()
        .endsWith("ssd1306 on an i2c bus is not supported yet (an SPI wiring with cs_pin"
            + " and dc_pin is)");
    replies.reset();
    assertThat(sent(HD44780 + "\n[display_glyph x]\nhd44780_slot: 1\nhd44780_data:\n"
        + "  ..*..\n", "")).singleElement().asString().endsWith("Glyph x incorrect lines");
    replies.reset();
    assertThat(sent(HD44780 + "\n[display_data g i]\nposition: top\ntext: x\n", ""))
        .singleElement().asString()
        .endsWith("Unable to parse 'position' in section 'display_data g i'");
    replies.reset();
    assertThat(sent(HD44780 + "encoder_pins: PC1\n", "")).singleElement().asString()
        .endsWith("Unable to parse encoder_pins");
  }
}
