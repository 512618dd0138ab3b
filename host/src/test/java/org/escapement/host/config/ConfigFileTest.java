package org.escapement.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigFileTest {
  static List<Path> corpusConfigs() throws IOException {
    try (Stream<Path> a = Files.list(Shared.dir().resolve("corpus/klipper-configs"));
        Stream<Path> b = Files.list(Shared.dir().resolve("corpus/klipper-tests"))) {
      return Stream.concat(a, b).filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
    }
  }

  /**
   * Every configuration Klipper ships or tests with is valid syntax to us too (two of them are
   * only a comment pointing at the documentation).
   */
  @ParameterizedTest
  @MethodSource("corpusConfigs")
  void readsEveryCorpusConfig(Path file) throws IOException {
    ConfigFile cfg = ConfigFile.read(file);
    boolean onlyComments = Files.readAllLines(file).stream()
        .allMatch(l -> l.isBlank() || l.startsWith("#"));
    assertThat(cfg.sections().isEmpty()).isEqualTo(onlyComments);
  }

  static ConfigFile parse(String text) {
    return ConfigFile.parse(text, Path.of("printer.cfg"));
  }

  @Test
  void followsKlippersDialect() {
    ConfigFile cfg = parse("""
        [printer]
        kinematics: corexy   ; inline comment after whitespace
        max_velocity = 300 # hash comment anywhere
        Max_Accel: 3000
        note: a;b

        [gcode_macro START]
        gcode:
          G28
          # a comment line inside the macro

          G1 X10 ; move
          M400

        [printer]
        max_velocity: 500
        """);
    ConfigFile.Section p = cfg.section("printer");
    assertThat(p.option("kinematics").value()).isEqualTo("corexy");
    assertThat(p.option("max_velocity").value()).isEqualTo("500"); // the later one wins
    assertThat(p.option("MAX_ACCEL").value()).isEqualTo("3000"); // names are case-insensitive
    assertThat(p.option("note").value()).isEqualTo("a;b"); // ';' only after whitespace
    assertThat(cfg.section("gcode_macro START").option("gcode").value())
        .isEqualTo("\nG28\n\n\nG1 X10\nM400");
    assertThat(cfg.section("gcode_macro start")).isNull(); // section names keep their case
    assertThat(p.option("max_velocity").origin().line()).isEqualTo(16);
  }

  @Test
  void namesTheFileAndLineOfABadLine() {
    assertThatThrownBy(() -> parse("[printer]\nkinematics cartesian\n"))
        .hasMessage("printer.cfg:2: 'kinematics cartesian' in section 'printer' is not"
            + " 'option: value'");
    assertThatThrownBy(() -> parse("max_velocity: 3\n"))
        .hasMessageStartingWith("printer.cfg:1: 'max_velocity: 3' is outside any section");
  }

  @Test
  void splicesIncludesInOrderRelativeToTheIncludingFile(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("parts"));
    Files.writeString(dir.resolve("parts/a.cfg"), "[stepper_x]\nstep_pin: PA1\n");
    Files.writeString(dir.resolve("parts/b.cfg"), "[stepper_x]\nstep_pin: PB1\ndir_pin: PB2\n");
    Files.writeString(dir.resolve("printer.cfg"), """
        [stepper_x]
        step_pin: P0
        dir_pin: P0
        [include parts/*.cfg]
        [stepper_x]
        dir_pin: PC3
        [include parts/none*.cfg]
        """);
    ConfigFile cfg = ConfigFile.read(dir.resolve("printer.cfg"));
    ConfigFile.Section x = cfg.section("stepper_x");
    assertThat(x.option("step_pin").value()).isEqualTo("PB1"); // b.cfg after a.cfg
    assertThat(x.option("dir_pin").value()).isEqualTo("PC3"); // the main file after the include
    assertThat(x.option("step_pin").origin().file().getFileName().toString()).isEqualTo("b.cfg");
  }

  @Test
  void refusesMissingAndRecursiveIncludes(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("printer.cfg"), "[printer]\n[include nope.cfg]\n");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("printer.cfg")))
        .hasMessageContaining("printer.cfg:2: Include file '")
        .hasMessageContaining("nope.cfg' does not exist");
    Files.writeString(dir.resolve("loop.cfg"), "[printer]\n[include loop.cfg]\n");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("loop.cfg")))
        .hasMessageContaining("Recursive include of config file");
    Files.writeString(dir.resolve("after.cfg"), "[printer]\n[include x*.cfg]\nkey: 1\n");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("after.cfg")))
        .hasMessageContaining("after.cfg:3: 'key: 1' is outside any section");
    assertThatThrownBy(() -> ConfigFile.read(dir.resolve("missing.cfg")))
        .hasMessageContaining("Unable to open config file").hasMessageContaining("no such file");
  }
}
