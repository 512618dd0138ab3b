package org.escapement.host.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.escapement.host.sim.EscapementHome;
import org.escapement.host.sim.SimMcuProcess;

/**
 * The firmware of {@code mcu-firmware/} for tests: each saved configuration built once per
 * JVM with make (which is incremental, so an up-to-date build costs a second).
 *
 * <pre>{@code
 * Path elf = Firmware.build("sim");          // mcu-firmware/out/sim/escapement.elf
 * Path dict = Firmware.dictionary("sim");    // its data dictionary, uncompressed
 * Path bridge = Firmware.tool("simavr-bridge");
 * }</pre>
 *
 * To run the firmware see {@link SimMcu}.
 */
public final class Firmware {
  private static final Map<String, Path> built = new HashMap<>();
  private static Path tools;

  private Firmware() {}

  /** The checkout (the folder holding {@code mcu-firmware/}). */
  public static Path home() {
    return EscapementHome.dir();
  }

  /**
   * Builds {@code mcu-firmware/configs/CONFIG.config} into {@code mcu-firmware/out/CONFIG/}
   * (sim, atmega2560, stm32f103, stm32f407) and returns its {@code escapement.elf}.
   *
   * @throws IOException with the end of make's output if the build fails
   */
  public static synchronized Path build(String config) throws IOException {
    Path elf = built.get(config);
    if (elf == null) {
      elf = SimMcuProcess.build(home(), config);
      built.put(config, elf);
    }
    return elf;
  }

  /** The uncompressed data dictionary of a configuration (built if needed). */
  public static Path dictionary(String config) throws IOException {
    return build(config).resolveSibling("escapement.dict");
  }

  /**
   * A host tool of {@code mcu-firmware/tools} (simavr-bridge, mcu-console, bench-steprate),
   * built if needed.
   */
  public static synchronized Path tool(String name) throws IOException {
    if (tools == null) {
      tools = SimMcuProcess.buildTools(home());
    }
    return tools.resolve(name);
  }
}
