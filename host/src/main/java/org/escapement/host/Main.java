package org.escapement.host;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.escapement.host.cli.Cli;

/** Entry point of {@code ./escapement}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // The console shows warnings and errors; ESCAPEMENT_DEBUG=1 shows everything.
    String debug = System.getenv("ESCAPEMENT_DEBUG");
    boolean verbose = debug != null && !debug.isEmpty() && !debug.equals("0");
    Logger.getLogger("").setLevel(verbose ? Level.ALL : Level.WARNING);
    System.exit(Cli.commandLine().execute(args));
  }
}
