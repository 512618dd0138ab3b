package org.escapement.host.printer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.modules.StandardModules;
import org.escapement.host.motion.MotionRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/config-reference.md and docs/gcode.md true: every config section the host has a
 * module for, every section kind Klipper has, and every G-code command a loaded printer
 * registers must be documented; a section documented as "not supported yet" must really lack a
 * module, and a command the G-code tables list must really exist.
 */
class DocsCoverageTest {
  /** Command names the test configs define themselves (macros), not the host. */
  private static final Set<String> TEST_MACROS = Set.of("DOCS_TEST_MACRO");
  private static final Pattern SECTION_REF = Pattern.compile("\\[([A-Za-z0-9_]+)[\\] ]");
  private static final Pattern CODE = Pattern.compile("`([A-Z][A-Z0-9_]*)[` ]");

  private static String configReference;
  private static String gcodeReference;

  @TempDir
  Path tmp;

  @BeforeAll
  static void readDocs() throws IOException {
    Path docs = repositoryRoot().resolve("docs");
    configReference = Files.readString(docs.resolve("config-reference.md"));
    gcodeReference = Files.readString(docs.resolve("gcode.md"));
  }

  @Test
  void everySectionWithAModuleHasItsOwnHeadingInTheConfigReference() {
    // A heading, or for the built-in objects the paragraph under "Always there".
    Set<String> headed = sectionsIn(lines(configReference).stream()
        .filter(l -> l.startsWith("#")).toList());
    headed.addAll(sectionsIn(chapter("always there")));
    Set<String> missing = new TreeSet<>(StandardModules.registry().kinds());
    missing.addAll(List.of("mcu", "printer", "stepper_x", "extruder"));
    missing.addAll(ModuleRegistry.BUILT_IN);
    missing.removeAll(headed);
    assertThat(missing).as("sections with no heading in docs/config-reference.md").isEmpty();
  }

  @Test
  void everyKlipperSectionIsDocumentedAndOnlyMissingOnesAreListedAsNotSupported() {
    Set<String> unsupportedList = unsupportedSections();
    Set<String> mentioned = sectionsIn(lines(configReference));
    mentioned.addAll(unsupportedList);
    Set<String> undocumented = new TreeSet<>();
    for (String kind : ModuleRegistry.klipperKinds()) {
      // [extruder1] stands for [extruder2]..., [stepper_z1] for [stepper_z2]...
      if (!mentioned.contains(kind) && !mentioned.contains(kind.replaceFirst("\\d+$", "1"))) {
        undocumented.add(kind);
      }
    }
    assertThat(undocumented).as("Klipper's sections that docs/config-reference.md never names")
        .isEmpty();
    Set<String> supported = new TreeSet<>(StandardModules.registry().kinds());
    supported.addAll(ModuleRegistry.BUILT_IN);
    Set<String> supportedButListed = new TreeSet<>(unsupportedList);
    supportedButListed.retainAll(supported);
    assertThat(supportedButListed)
        .as("sections listed as not supported yet in docs/config-reference.md that have a module")
        .isEmpty();
    Set<String> notKlipper = new TreeSet<>(unsupportedList);
    notKlipper.removeIf(ModuleRegistry::knownToKlipper);
    assertThat(notKlipper).as("sections listed as not supported yet that Klipper does not have")
        .isEmpty();
  }

  @Test
  void everyRegisteredGcodeCommandIsDocumentedAndEveryListedOneExists() throws Exception {
    Set<String> registered = new TreeSet<>();
    registered.addAll(commandsOf("every-section.cfg"));
    registered.addAll(commandsOf("safe-z-home.cfg"));
    // TESTZ, ACCEPT and ABORT exist while a manual probe is under way.
    registered.addAll(commandsOf(resource("multi-z.cfg"),
        MotionRun.corpusConfig("example-cartesian.cfg"), "G28\nG1 Z5\nMANUAL_PROBE\n"));
    // [delta_calibrate] needs a delta: Klipper's example delta has one.
    registered.addAll(commandsOf("", MotionRun.corpusConfig("example-delta.cfg"), ""));
    registered.removeAll(TEST_MACROS);
    assertThat(registered).contains("G1", "M104", "SET_KINEMATIC_POSITION", "MANUAL_STEPPER");

    Set<String> documented = new TreeSet<>();
    Matcher m = CODE.matcher(gcodeReference);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("registered G-code commands missing from docs/gcode.md")
        .isEmpty();

    Set<String> listed = new TreeSet<>();
    for (String line : lines(gcodeReference)) {
      if (line.startsWith("| `")) {
        Matcher first = CODE.matcher(line.substring(0, line.indexOf('|', 1)));
        while (first.find()) {
          listed.add(first.group(1));
        }
      }
    }
    listed.removeAll(registered);
    assertThat(listed).as("commands in docs/gcode.md's tables that no module registers")
        .isEmpty();
  }

  @Test
  void theTestConfigsHaveEverySectionKindWithAModule() throws Exception {
    Set<String> inConfigs = new TreeSet<>();
    for (String text : List.of(resource("every-section.cfg"), resource("safe-z-home.cfg"),
        resource("multi-z.cfg"), MotionRun.corpusConfig("example-cartesian.cfg"),
        MotionRun.corpusConfig("example-delta.cfg"))) {
      for (String line : lines(text)) {
        if (line.startsWith("[")) {
          inConfigs.add(ModuleRegistry.kindOf(line.substring(1, line.indexOf(']'))));
        }
      }
    }
    Set<String> missing = new TreeSet<>(StandardModules.registry().kinds());
    missing.removeAll(inConfigs);
    assertThat(missing).as("module kinds missing from the test configs, whose G-code commands"
        + " would go unchecked (add them to host/src/test/resources/docs/)").isEmpty();
  }

  private Set<String> commandsOf(String file) throws Exception {
    return commandsOf(resource(file), MotionRun.corpusConfig("example-cartesian.cfg"), "");
  }

  /** The commands a printer of {@code base} plus {@code extra} registers after {@code gcode}. */
  private Set<String> commandsOf(String extra, String base, String gcode) throws Exception {
    Files.createDirectories(tmp.resolve("gcodes"));
    Files.deleteIfExists(tmp.resolve("variables.cfg"));
    String config = extra + "\n" + base;
    MotionRun run = MotionRun.run(tmp, config, gcode);
    assertThat(run.error()).as(config).isNull();
    assertThat(run.exitCode).as(config).isZero();
    return Set.copyOf(run.printer.lookupObject("gcode", GCodeDispatch.class).commands());
  }

  /** The lines of the config reference's chapter ("## ") whose title contains this. */
  private static List<String> chapter(String title) {
    List<String> out = new java.util.ArrayList<>();
    boolean in = false;
    for (String line : lines(configReference)) {
      if (line.startsWith("## ")) {
        in = line.toLowerCase(java.util.Locale.ROOT).contains(title);
      } else if (in) {
        out.add(line);
      }
    }
    return out;
  }

  /** The backticked kinds of the "Sections not supported yet" chapter. */
  private static Set<String> unsupportedSections() {
    Set<String> out = new TreeSet<>();
    for (String line : chapter("not supported yet")) {
      Matcher m = Pattern.compile("`\\[?([A-Za-z0-9_]+)\\]?`").matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    assertThat(out).as("the 'not supported yet' chapter of docs/config-reference.md").isNotEmpty();
    return out;
  }

  private static Set<String> sectionsIn(List<String> lines) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : lines) {
      Matcher m = SECTION_REF.matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }

  private static String resource(String file) throws IOException {
    try (InputStream in = DocsCoverageTest.class.getResourceAsStream("/docs/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("docs")) && Files.isDirectory(p.resolve("host"))) {
        return p;
      }
    }
    throw new IllegalStateException("the checkout's docs/ not found above " + Path.of(""));
  }
}
