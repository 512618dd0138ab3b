package org.escapement.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutosaveTest {
  static final String MAIN = """
      [extruder]
      control: pid
      pid_Kp: 10
      pid_Ki: 1
      pid_Kd: 100

      [heater_bed]
      max_temp: 110
      """;

  static final String BLOCK = """

      #*# <---------------------- SAVE_CONFIG ---------------------->
      #*# DO NOT EDIT THIS BLOCK OR BELOW. The contents are auto-generated.
      #*#
      #*# [extruder]
      #*# pid_kp = 22.2
      #*# pid_ki = 1.08
      #*#
      #*# [bed_mesh default]
      #*# points =
      #*# 	0.1, 0.2
      #*# 	0.3, 0.4
      """;

  @Test
  void loadsTheBlockUnderTheMainFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("printer.cfg");
    Files.writeString(file, MAIN.replace("pid_Kp: 10\n", "") + BLOCK);
    Config cfg = Config.load(file);
    ConfigSection ex = cfg.section("extruder");
    assertThat(ex.getFloat("pid_Kp")).isEqualTo(22.2); // only in the block
    assertThat(ex.getFloat("pid_Ki")).isEqualTo(1.0); // in both: the main file wins
    assertThat(ex.origin("pid_kp").line()).isEqualTo(13); // the block's real line
    assertThat(cfg.section("bed_mesh default").getLists("points", null, ","))
        .containsExactly(List.of("0.1", "0.2"), List.of("0.3", "0.4"));
    assertThat(cfg.autosave().section("extruder").options()).containsOnlyKeys("pid_kp");
  }

  @Test
  void aHandEditedBlockIsIgnoredWithAWarning(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("printer.cfg");
    Files.writeString(file, MAIN + BLOCK + "pid_Kp: 99\n");
    Config cfg = Config.load(file);
    assertThat(cfg.section("extruder").getFloat("pid_Kp")).isEqualTo(10.0);
    assertThat(cfg.autosave().sections()).isEmpty();
  }

  @Test
  void saveConfigWritesTheBlockCommentsOutCopiesAndKeepsABackup(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("printer.cfg");
    Files.writeString(file, MAIN);
    Autosave.Pending pending = Autosave.Pending.of(Config.load(file).autosave());
    pending.set("extruder", "pid_Kp", "21.527");
    pending.set("extruder", "pid_Ki", "1.063");
    pending.set("extruder", "pid_Kd", "108.982");
    Path backup = Autosave.save(file, pending, LocalDateTime.of(2026, 11, 21, 13, 45, 7));
    assertThat(backup.getFileName().toString()).isEqualTo("printer-20261121_134507.cfg");
    assertThat(Files.readString(backup)).isEqualTo(MAIN);
    String saved = Files.readString(file);
    assertThat(saved).contains("#pid_Kp: 10\n#pid_Ki: 1\n#pid_Kd: 100\n")
        .endsWith("#*# [extruder]\n#*# pid_kp = 21.527\n#*# pid_ki = 1.063\n"
            + "#*# pid_kd = 108.982\n");
    assertThat(Files.exists(dir.resolve("printer_autosave.cfg"))).isFalse();
    Config again = Config.load(file);
    assertThat(again.section("extruder").getFloat("pid_Kd")).isEqualTo(108.982);
    assertThat(again.section("heater_bed").getFloat("max_temp")).isEqualTo(110.0);
  }

  @Test
  void refusesToSaveOverAValueFromAnInclude(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("extruder.cfg"), "[extruder]\npid_Kp: 10\n");
    Path file = dir.resolve("printer.cfg");
    Files.writeString(file, "[include extruder.cfg]\n[heater_bed]\nmax_temp: 110\n");
    Autosave.Pending pending = new Autosave.Pending();
    pending.set("extruder", "pid_Kp", "20");
    String before = Files.readString(file);
    assertThatThrownBy(() -> Autosave.save(file, pending, LocalDateTime.now()))
        .hasMessage("SAVE_CONFIG section 'extruder' option 'pid_kp' conflicts with included"
            + " value (extruder.cfg:2)");
    assertThat(Files.readString(file)).isEqualTo(before);
  }
}
