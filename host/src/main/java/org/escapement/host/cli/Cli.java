package org.escapement.host.cli;

import java.io.PrintWriter;
import org.escapement.protocol.ProtocolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code escapement} command and its subcommands. Thin: it only wires parts. */
@Command(
    name = "escapement",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = "A Klipper-compatible 3D-printer host.",
    subcommands = {PrintCommand.class, RunCommand.class, DumpCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Cli implements Runnable {
  /** Exit status for problems in the user's input (files, data); usage errors give 2. */
  public static final int EXIT_ERROR = 1;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** A command line with the error handling every subcommand shares. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Cli());
    cl.setExecutionExceptionHandler(Cli::handleError);
    return cl;
  }

  /**
   * Users see one line saying what went wrong; a stack trace only for our own bugs, and only
   * with ESCAPEMENT_DEBUG=1.
   */
  private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    String prefix = cl.getCommandSpec().qualifiedName() + ": ";
    if (e instanceof UserError || e instanceof ProtocolException) {
      err.println(prefix + "error: " + e.getMessage());
    } else {
      err.println(prefix + "internal error: " + e
          + (debug() ? "" : " (run with ESCAPEMENT_DEBUG=1 for details)"));
    }
    if (debug()) {
      e.printStackTrace(err);
    }
    err.flush();
    return EXIT_ERROR;
  }

  private static boolean debug() {
    String v = System.getenv("ESCAPEMENT_DEBUG");
    return v != null && !v.isEmpty() && !v.equals("0");
  }

  /** Version from the jar manifest (absent when run from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"escapement " + (v == null ? "(development build)" : v)};
    }
  }
}
