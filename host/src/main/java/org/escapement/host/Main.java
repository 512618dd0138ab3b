package org.escapement.host;

import org.escapement.host.cli.Cli;

/** Entry point of {@code ./escapement}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.commandLine().execute(args));
  }
}
