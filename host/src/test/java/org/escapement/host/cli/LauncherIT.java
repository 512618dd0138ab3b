package org.escapement.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./escapement launcher, run as a user runs it. */
class LauncherIT {
  static final Path ROOT = Path.of(System.getProperty("escapement.root", "..")).toAbsolutePath()
      .normalize();

  record Result(int status, String out, String err) {}

  static Result launch(Map<String, String> env, List<String> unset, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("escapement").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    unset.forEach(pb.environment()::remove);
    pb.environment().putAll(env);
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  @Test
  void dumpsACaptureFromAnyDirectoryWithoutJavaHome(@TempDir Path elsewhere) throws Exception {
    Result r = launch(Map.of(), List.of("JAVA_HOME"), elsewhere, "dump", "--dict",
        Shared.wire("atmega2560.dict").toString(),
        Shared.wire("cartesian_move.serial").toString());
    assertThat(withoutCacheNote(r.err())).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(Files.readString(Shared.wire("cartesian_move.parsed.txt")));
  }

  static final String CACHE_NOTE =
      "escapement: preparing the JVM's class cache for this build (once)...\n";

  /** The launcher's one-time note, whichever test happens to run first after a build. */
  static String withoutCacheNote(String err) {
    return err.replace(CACHE_NOTE, "");
  }

  @Test
  void makesTheClassCacheOnceAndStartsFromIt(@TempDir Path elsewhere) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isRegularFile(ROOT.resolve("mcu-firmware/out/sim/escapement.dict")),
        "the sim firmware is not built");
    Path aot = ROOT.resolve("host/target/escapement-host.aot");
    Files.deleteIfExists(aot);
    Files.deleteIfExists(ROOT.resolve("host/target/escapement-host.aot.failed"));
    Result first = launch(Map.of(), List.of(), elsewhere, "--version");
    assertThat(first.err()).isEqualTo(CACHE_NOTE);
    assertThat(first.out()).startsWith("escapement ");
    assertThat(aot).isRegularFile();
    // The second start says nothing and loads the host's classes from the cache.
    Result second = launch(Map.of("ESCAPEMENT_JAVA_OPTIONS", "-Xlog:class+load=info"),
        List.of(), elsewhere, "--version");
    assertThat(second.err()).isEmpty();
    assertThat(second.out()).contains("org.escapement.host.Main source: shared objects file");
    // Switched off, the same classes come from the jar.
    Result off = launch(Map.of("ESCAPEMENT_AOT", "off", "ESCAPEMENT_JAVA_OPTIONS",
        "-Xlog:class+load=info"), List.of(), elsewhere, "--version");
    assertThat(off.out()).contains("org.escapement.host.Main source: file:");
    // The JVM would ignore the cache after other JVM options: the launcher makes it again.
    Path options = ROOT.resolve("host/jvm.options");
    Files.setLastModifiedTime(options, java.nio.file.attribute.FileTime.fromMillis(
        System.currentTimeMillis()));
    Result edited = launch(Map.of(), List.of(), elsewhere, "--version");
    assertThat(edited.err()).isEqualTo(CACHE_NOTE);
  }

  /** The JVM's heap cap, from the flags it prints before running the command. */
  static long maxHeap(Result r) {
    return r.out().lines().filter(l -> l.matches("\\s*size_t MaxHeapSize\\s*=.*"))
        .map(l -> Long.parseLong(l.replaceAll(".*=\\s*(\\d+).*", "$1")))
        .findFirst().orElseThrow(() -> new AssertionError("no MaxHeapSize in " + r));
  }

  @Test
  void capsThePrinterHostsHeapUnlessTheUserRaisesIt(@TempDir Path elsewhere) throws Exception {
    String flags = "-XX:+PrintFlagsFinal";
    Result run = launch(Map.of("ESCAPEMENT_JAVA_OPTIONS", flags), List.of(), elsewhere,
        "run", "--help");
    assertThat(run.status()).isZero();
    assertThat(maxHeap(run)).isEqualTo(64L << 20);
    Result raised = launch(Map.of("ESCAPEMENT_JAVA_OPTIONS", flags + " -Xmx128m"), List.of(),
        elsewhere, "run", "--help");
    assertThat(maxHeap(raised)).isEqualTo(128L << 20);
  }

  @Test
  void skipsAnOlderJavaHome(@TempDir Path elsewhere) throws Exception {
    Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(old), "no JDK 17 here");
    Result r = launch(Map.of("JAVA_HOME", old.toString()), List.of(), elsewhere, "--version");
    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("escapement ");
  }

  @Test
  void saysWhatToInstallWhenThereIsNoJdk25(@TempDir Path emptyJvmDir) throws Exception {
    Result r = launch(Map.of("ESCAPEMENT_JVM_ROOT", emptyJvmDir.toString(),
            "PATH", "/usr/bin:/bin"), List.of("JAVA_HOME"), emptyJvmDir, "--version");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("no JDK 25 or newer found").contains("Install a JDK 25");
    assertThat(r.out()).isEmpty();
  }
}
