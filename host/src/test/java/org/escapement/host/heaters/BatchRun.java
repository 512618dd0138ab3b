package org.escapement.host.heaters;

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

/** A batch-mode host run: printer.cfg and G-code in, decoded MCU commands and replies out. */
final class BatchRun {
  final int exitCode;
  final List<String> sent;
  final List<String> replies;

  private BatchRun(int exitCode, List<String> sent, List<String> replies) {
    this.exitCode = exitCode;
    this.sent = sent;
    this.replies = replies;
  }

  static BatchRun run(Path dir, String config, String gcode) throws Exception {
    Path cfg = dir.resolve("printer.cfg");
    Files.writeString(cfg, "[mcu]\nserial: /dev/ttyACM0\n\n[printer]\nkinematics: none\n"
        + "max_velocity: 300\nmax_accel: 3000\n\n" + config);
    Path input = dir.resolve("in.gcode");
    Files.writeString(input, gcode);
    Path out = dir.resolve("out.serial");
    Files.deleteIfExists(out);
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    StartOptions options = new StartOptions(cfg, input, out,
        Map.of("mcu", Shared.wire("atmega2560.dict")), 1.0, null, "test", dir);
    int code = new HostSession(options, TestExtruder.registry(), "test",
        new PrintStream(replies, true, StandardCharsets.UTF_8), InputStream.nullInputStream())
        .run();
    List<String> sent = Files.exists(out)
        ? WireCapture.decode(Dictionary.load(Shared.wire("atmega2560.dict")), out) : List.of();
    return new BatchRun(code, sent, replies.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.equals("// Klipper state: Ready")).toList());
  }

  /** The one error line ("!! ...") of a failed run. */
  String error() {
    return replies.stream().filter(l -> l.startsWith("!! ")).findFirst()
        .map(l -> l.substring(3)).orElse("(no error: " + replies + ")");
  }
}
