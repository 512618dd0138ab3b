package org.escapement.host.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.ProtocolException;
import org.escapement.protocol.WireDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code escapement dump}: a captured byte stream as one decoded message per line. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = {
      "Decode a captured MCU byte stream (a batch-mode .serial file or a logged session) into "
          + "one message per line, as Klipper's parsedump prints it.",
      "Framing faults, unknown message ids and truncated messages are reported on stderr with "
          + "their byte offset; decoding goes on with the next block."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every byte decoded",
      "1:the data had faults, or a file could not be read",
      "2:bad command line"
    })
public final class DumpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--dict"},
      required = true,
      paramLabel = "FILE",
      description = "The MCU's data dictionary: a .dict JSON file or the zlib form.")
  Path dictionary;

  @Option(
      names = {"-s", "--summary"},
      description = "Print byte, block and message counts to stderr at the end.")
  boolean summary;

  @Parameters(paramLabel = "CAPTURE", description = "The captured bytes; '-' reads stdin.")
  String capture;

  @Override
  public Integer call() throws IOException {
    Dictionary dict = Dictionary.load(dictionary);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String prefix = spec.qualifiedName() + ": " + capture + ": ";
    WireDump.Summary result;
    try (InputStream in = open(capture)) {
      result = WireDump.dump(dict, in, new WireDump.Output() {
        @Override
        public void message(String line) {
          out.println(line);
        }

        @Override
        public void problem(String description) {
          out.flush(); // keep stdout and stderr in order when both go to a terminal
          err.println(prefix + description);
        }
      });
    } catch (ProtocolException e) {
      throw new UserError(capture + ": " + e.getMessage(), e);
    } finally {
      out.flush();
    }
    if (summary) {
      err.printf("%s%d bytes, %d blocks, %d messages, %d invalid bytes, %d problems%n", prefix,
          result.bytes(), result.blocks(), result.messages(), result.invalidBytes(),
          result.problems());
    }
    err.flush();
    return result.problems() == 0 ? 0 : Cli.EXIT_ERROR;
  }

  private static InputStream open(String name) {
    if (name.equals("-")) {
      return new BufferedInputStream(System.in);
    }
    Path p = Path.of(name);
    try {
      return Files.newInputStream(p);
    } catch (NoSuchFileException e) {
      throw new UserError(name + ": no such file");
    } catch (IOException e) {
      throw new UserError(name + ": " + e.getMessage(), e);
    }
  }
}
