package org.escapement.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DumpCommandTest {
  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  static final String DICT = Shared.wire("atmega2560.dict").toString();

  @Test
  void printsWhatKlippersParsedumpPrints() throws Exception {
    Run r = run("dump", "--dict", DICT, Shared.wire("multi_mcu_move.serial-zboard").toString());
    assertThat(r.status()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(
        Files.readString(Shared.wire("multi_mcu_move.parsed-zboard.txt")));
  }

  @Test
  void readsStandardInput() throws Exception {
    InputStream saved = System.in;
    try {
      System.setIn(new ByteArrayInputStream(
          Files.readAllBytes(Shared.wire("multi_mcu_move.serial-auxboard"))));
      Run r = run("dump", "-d", DICT, "-");
      assertThat(r.status()).isZero();
      assertThat(r.out()).isEqualTo(
          Files.readString(Shared.wire("multi_mcu_move.parsed-auxboard.txt")));
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void aDamagedCaptureDecodesWhatItCanAndExitsNonZero(@TempDir Path tmp) throws Exception {
    byte[] clean = Files.readAllBytes(Shared.wire("cartesian_move.serial"));
    Path cut = tmp.resolve("cut.serial");
    Files.write(cut, Arrays.copyOf(clean, 1003));
    Run r = run("dump", "--summary", "--dict", DICT, cut.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).startsWith("allocate_oids count=18\n");
    assertThat(r.err()).contains(cut + ": byte 1000: data ended inside a block")
        .contains("1003 bytes, ").contains("3 invalid bytes, 1 problems");
  }

  @Test
  void badInputIsOneLineNotAStackTrace(@TempDir Path tmp) throws Exception {
    Path notJson = Files.writeString(tmp.resolve("bad.dict"), "{\"commands\": [1, 2");
    Path capture = Shared.wire("cartesian_move.serial");
    Run badDict = run("dump", "--dict", notJson.toString(), capture.toString());
    assertThat(badDict.status()).isEqualTo(1);
    assertThat(badDict.err()).startsWith("escapement dump: error: " + notJson
        + ": dictionary is neither zlib data nor valid JSON").doesNotContain("\tat ");
    assertThat(badDict.err().lines()).hasSize(1);

    Run noCapture = run("dump", "--dict", DICT, tmp.resolve("none.serial").toString());
    assertThat(noCapture.status()).isEqualTo(1);
    assertThat(noCapture.err()).isEqualTo("escapement dump: error: "
        + tmp.resolve("none.serial") + ": no such file\n");

    Run usage = run("dump", capture.toString());
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required option: '--dict=FILE'");
  }

  /** Every command at every level answers --help, including the ones later issues add. */
  @Test
  void everyCommandHasHelp() {
    assertHelp(Cli.commandLine(), new String[0]);
  }

  private static void assertHelp(CommandLine cl, String[] path) {
    String[] args = Arrays.copyOf(path, path.length + 1);
    args[path.length] = "--help";
    if (!cl.getCommandName().equals("help")) {
      Run r = run(args);
      assertThat(r.status()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: ");
    }
    cl.getSubcommands().forEach((name, sub) -> {
      String[] subPath = Arrays.copyOf(path, path.length + 1);
      subPath[path.length] = name;
      assertHelp(sub, subPath);
    });
  }

  @Test
  void withoutASubcommandItSaysSo() {
    Run r = run();
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("Missing subcommand").contains("dump");
  }

  @Test
  void usesUtf8FreeAsciiOutput() throws Exception {
    // Byte strings are printed escaped, so the dump is plain ASCII whatever the data.
    Run r = run("dump", "-d", DICT, Shared.wire("input_shaper_move.serial").toString());
    assertThat(StandardCharsets.US_ASCII.newEncoder().canEncode(r.out())).isTrue();
  }
}
