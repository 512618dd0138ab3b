package org.escapement.host.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KlippyLogTest {
  @TempDir Path tmp;
  static final System.Logger LOG = System.getLogger("test");

  /** A clock a test moves by hand. */
  static final class HandClock extends Clock {
    Instant now;

    HandClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void writesPlainMessagesAsKlippyDoes() throws Exception {
    Path file = tmp.resolve("klippy.log");
    try (KlippyLog log = KlippyLog.toFile(file, false)) {
      LOG.log(System.Logger.Level.INFO, "Stats 12.3: gcodein=0");
      LOG.log(System.Logger.Level.DEBUG, "hidden without -v");
      LOG.log(System.Logger.Level.ERROR, "Transition to shutdown state: x");
      log.flush();
    }
    assertThat(Files.readAllLines(file)).containsExactly("Stats 12.3: gcodein=0",
        "Transition to shutdown state: x");
  }

  @Test
  void eachStartRotatesTheOldLogAndKeepsFive() throws Exception {
    Path file = tmp.resolve("klippy.log");
    HandClock clock = new HandClock(Instant.parse("2026-11-21T10:00:00Z"));
    for (int run = 0; run < 8; run++) {
      clock.now = clock.now.plusSeconds(60);
      try (KlippyLog log = KlippyLog.toFile(file, false, clock)) {
        LOG.log(System.Logger.Level.INFO, "run " + run);
        log.flush();
      }
    }
    assertThat(Files.readAllLines(file)).containsExactly("run 7");
    List<String> backups;
    try (Stream<Path> s = Files.list(tmp)) {
      backups = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("klippy.log"))
          .sorted().toList();
    }
    // Named by when they were rotated out: the start of the next run.
    assertThat(backups).containsExactly("klippy.log.2026-11-21_10-04-00",
        "klippy.log.2026-11-21_10-05-00", "klippy.log.2026-11-21_10-06-00",
        "klippy.log.2026-11-21_10-07-00", "klippy.log.2026-11-21_10-08-00");
    assertThat(Files.readAllLines(tmp.resolve("klippy.log.2026-11-21_10-08-00")))
        .containsExactly("run 6");
  }

  @Test
  void atMidnightTheNewFileStartsWithTheRolloverInfo() throws Exception {
    Path file = tmp.resolve("klippy.log");
    HandClock clock = new HandClock(Instant.parse("2026-11-21T23:59:59Z"));
    try (KlippyLog log = KlippyLog.toFile(file, false, clock)) {
      log.setRolloverInfo("versions", "Args: [x]\nGit version: 'escapement-dev'", true);
      log.setRolloverInfo("config", "===== Config file =====\n[mcu]\n=======================",
          false);
      LOG.log(System.Logger.Level.INFO, "before midnight");
      log.flush();
      clock.now = Instant.parse("2026-11-22T00:00:01Z");
      LOG.log(System.Logger.Level.INFO, "after midnight");
      log.flush();
    }
    assertThat(Files.readAllLines(tmp.resolve("klippy.log.2026-11-22_00-00-01")))
        .containsExactly("Args: [x]", "Git version: 'escapement-dev'", "before midnight");
    assertThat(Files.readAllLines(file)).containsExactly(
        "===== Config file =====", "[mcu]", "=======================",
        "Args: [x]", "Git version: 'escapement-dev'",
        "=============== Log rollover at Sun Nov 22 00:00:01 2026 ===============",
        "after midnight");
  }

  @Test
  void asctimePadsTheDayWithASpace() {
    assertThat(KlippyLog.asctime(ZonedDateTime.parse("2026-11-01T09:05:03Z")))
        .isEqualTo("Sun Nov  1 09:05:03 2026");
  }
}
