package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.escapement.host.sim.FaultRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class McuLinkTest {
  static List<Long> recordedValues(FakeMcu fake) {
    return fake.executed().stream().filter(e -> e.message().name().equals("record"))
        .map(e -> e.message().getLong("value")).toList();
  }

  static void configureThing(Mcu mcu, int things) {
    for (int i = 0; i < things; i++) {
      int oid = mcu.createOid();
      mcu.addConfigCmd("config_thing oid=" + oid, false, false);
    }
    mcu.configure();
  }

  static void connect(LinkHarness h, Mcu mcu, int things) throws Exception {
    h.call(() -> {
      mcu.identify();
      configureThing(mcu, things);
      return null;
    });
  }

  /** Sends {@code count} record commands and waits until the MCU has acknowledged them all. */
  static void sendRecords(LinkHarness h, Mcu mcu, int count) throws Exception {
    McuCommand record = h.call(() -> mcu.lookupCommand("record oid=%c value=%u"));
    for (int i = 0; i < count; i++) {
      record.send(0L, (long) i);
    }
    boolean idle = mcu.link().awaitIdle(60);
    assertThat(idle).as("all sent and acknowledged; link: %s; relay to MCU: %s; to host: %s;"
            + " recorded %d", mcu.stats(), h.relay == null ? "-" : h.relay.toMcu,
        h.relay == null ? "-" : h.relay.toHost, recordedValues(h.fake).size()).isTrue();
  }

  @Test
  void identifiesSyncsClocksAndSendsTheConfiguration() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      assertThat(mcu.dictionary().app()).isEqualTo("fake");
      assertThat(mcu.moveCount()).isEqualTo(77);
      assertThat(h.fake.executed()).extracting(e -> e.message().toString())
          .containsExactly("allocate_oids count=1", "config_thing oid=0");
      // The fake runs at 1 MHz from the same monotonic clock as the host.
      assertThat(mcu.clock().estimate().freq()).isBetween(0.99e6, 1.01e6);
      long err = h.call(() -> mcu.clock().clockAt(h.reactor.monotonic()) - h.fake.clock());
      assertThat(Math.abs(err)).isLessThan(5_000); // 5 ms
      assertThat(mcu.stats()).startsWith("mcu: mcu_awake=").contains(" bytes_write=")
          .contains(" send_seq=").contains(" rto=").contains(" freq=");
      h.close(mcu);
    }
  }

  @Test
  void aReconnectWithTheSameConfigurationOnlySendsTheRestartCommands() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu first = h.newMcu("mcu");
      connect(h, first, 2);
      h.close(first);
      h.replug();
      Mcu second = h.newMcu("mcu");
      connect(h, second, 2);
      assertThat(second.configCrc()).isEqualTo(first.configCrc());
      assertThat(h.fake.executed()).extracting(e -> e.message().name())
          .containsExactly("allocate_oids", "config_thing", "config_thing");
      h.close(second);
    }
  }

  @Test
  void aDifferentConfigurationIsRefusedWithAdvice() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu first = h.newMcu("mcu");
      connect(h, first, 1);
      h.close(first);
      h.replug();
      Mcu second = h.newMcu("mcu");
      assertThatThrownBy(() -> connect(h, second, 3))
          .isInstanceOf(McuException.class)
          .hasMessageContaining("MCU 'mcu' CRC does not match config")
          .hasMessageContaining("FIRMWARE_RESTART");
      h.close(second);
    }
  }

  @Test
  void deliversThousandsOfCommandsExactlyOnceInOrder() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      sendRecords(h, mcu, 20_000);
      assertThat(recordedValues(h.fake))
          .containsExactlyElementsOf(LongStream.range(0, 20_000).boxed().toList());
      // A clean line needs no retransmission; a machine starved of CPU may still let an ack
      // time out now and then, so allow a trace of it, not a habit.
      assertThat(mcu.link().counters().bytesRetransmit())
          .isLessThan(mcu.link().counters().bytesWrite() / 100);
      h.close(mcu);
    }
  }

  /**
   * 1 % of bytes damaged and 1 % of blocks lost, both ways, plus jitter: commands timed like a
   * print's (250 a second, queued a second ahead as the toolhead does) all run, once each, in
   * order, none late, and the MCU is never taken for lost.
   */
  @Test
  void aNoisyLineStillDeliversEveryCommandExactlyOnceInOrder() throws Exception {
    FaultRelay.Faults faults = new FaultRelay.Faults(0.01, 0.01, 0.0005);
    try (LinkHarness h = new LinkHarness(FakeMcu.SMALL_DICTIONARY.getBytes(), faults, 42)) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      McuCommand record = h.call(() -> mcu.lookupCommand("record oid=%c value=%u"));
      long start = h.call(() -> mcu.clock().clockAt(h.reactor.monotonic())) + 1_000_000;
      int count = 1_500;
      long spacing = 4_000; // 4 ms at 1 MHz: 250 commands a second
      for (int i = 0; i < count; i++) {
        record.sendTimed(0, start + i * spacing, 0L, (long) i);
      }
      assertThat(mcu.link().awaitIdle(30)).isTrue();
      List<FakeMcu.Executed> ran = records(h.fake);
      assertThat(ran).extracting(e -> e.message().getLong("value"))
          .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
      for (int i = 0; i < count; i++) {
        assertThat(ran.get(i).clock()).as("command %d ran after it was due", i)
            .isLessThanOrEqualTo(start + i * spacing);
      }
      assertThat(h.relay.toMcu.corruptedBytes.get()).isPositive();
      assertThat(h.relay.toMcu.droppedBlocks.get()).isPositive();
      assertThat(mcu.link().counters().bytesRetransmit()).isPositive();
      assertThat(h.events).isEmpty();
      System.out.printf("noisy link: %s; relay to MCU: %s; to host: %s%n", mcu.link().stats(),
          h.relay.toMcu, h.relay.toHost);
      h.close(mcu);
    }
  }

  @Test
  void neverOverrunsTheMcuReceiveBuffer() throws Exception {
    String dict = FakeMcu.SMALL_DICTIONARY.replace("\"STATS_SUMSQ_BASE\": 256",
        "\"STATS_SUMSQ_BASE\": 256, \"RECEIVE_WINDOW\": 192, \"SERIAL_BAUD\": 250000");
    try (LinkHarness h = new LinkHarness(dict.getBytes(), null, 0)) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      h.fake.processingDelay = 0.002;
      h.fake.maxBacklog = 0;
      sendRecords(h, mcu, 2_000);
      assertThat(recordedValues(h.fake)).hasSize(2_000);
      assertThat(h.fake.maxBacklog).isLessThanOrEqualTo(192);
      h.close(mcu);
    }
  }

  @Test
  void keepsAtMostTwelveBlocksUnacknowledged() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      h.fake.mute = true; // processes, never answers
      McuCommand record = h.call(() -> mcu.lookupCommand("record oid=%c value=%u"));
      for (int i = 0; i < 2_000; i++) {
        record.send(0L, (long) i);
      }
      Thread.sleep(500);
      SerialQueue.Counters c = mcu.link().counters();
      assertThat(c.sendSeq() - c.receiveSeq()).isEqualTo(SerialQueue.MAX_PENDING_BLOCKS);
      assertThat(recordedValues(h.fake)).hasSizeLessThan(13 * 59);
      assertThat(c.bytesRetransmit()).isPositive(); // timeouts resend the window
      h.close(mcu);
    }
  }

  @Test
  void anMcuThatStopsAnsweringIsReportedLost() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      long start = System.nanoTime();
      h.fake.answerClock = false;
      while (h.events.isEmpty() && System.nanoTime() - start < 10e9) {
        Thread.sleep(20);
      }
      double took = (System.nanoTime() - start) / 1e9;
      assertThat(h.events).containsExactly("lost: Lost communication with MCU 'mcu'");
      assertThat(took).isBetween(4.0, 7.0); // five missed queries, one a second
      h.close(mcu);
    }
  }

  @Test
  void reportsTheMcusShutdownReasonByName() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      h.fake.sendResponse("shutdown", 1234L, "Timer too close");
      long start = System.nanoTime();
      while (h.events.isEmpty() && System.nanoTime() - start < 5e9) {
        Thread.sleep(10);
      }
      assertThat(h.events).containsExactly("shutdown: Timer too close");
      assertThat(mcu.isShutdown()).isTrue();
      assertThat(mcu.shutdownReason()).isEqualTo("Timer too close");
      h.close(mcu);
    }
  }

  @Test
  void anUnpluggedDeviceIsReportedAtOnceAndLeavesNoThreads() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      long start = System.nanoTime();
      h.cable.mcu.close(); // the board goes away
      while (h.events.isEmpty() && System.nanoTime() - start < 5e9) {
        Thread.sleep(10);
      }
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(1.0);
      assertThat(h.events).singleElement().asString()
          .startsWith("lost: Lost communication with MCU 'mcu' (");
      h.close(mcu);
      assertThat(linkThreads()).isEmpty();
      // When the board comes back, a new session connects to it.
      h.replug();
      Mcu again = h.newMcu("mcu");
      connect(h, again, 1);
      assertThat(again.moveCount()).isEqualTo(77);
      h.close(again);
      assertThat(linkThreads()).isEmpty();
    }
  }

  static List<String> linkThreads() throws InterruptedException {
    Thread.sleep(100);
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("serial-")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Test
  void anMcuThatNeverAnswersIdentifyFailsWithinSecondsNamingIt() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      h.fake.mute = true;
      Mcu mcu = h.newMcu("zboard");
      long start = System.nanoTime();
      assertThatThrownBy(() -> h.call(() -> {
        mcu.identify();
        return null;
      })).isInstanceOf(McuException.class)
          .hasMessageStartingWith("mcu 'zboard': no answer to identify within 2.0 s");
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(4);
      h.close(mcu);
      assertThat(linkThreads()).isEmpty();
    }
  }

  @Test
  void firmwareWithoutACommandTheHostNeedsIsRefused() throws Exception {
    String dict = FakeMcu.SMALL_DICTIONARY.replace("\"get_clock\": 3,", "");
    try (LinkHarness h = new LinkHarness(dict.getBytes(), null, 0)) {
      Mcu mcu = h.newMcu("mcu");
      assertThatThrownBy(() -> h.call(() -> {
        mcu.identify();
        return null;
      })).hasMessage("mcu 'mcu': MCU firmware has no command 'get_clock'");
      h.close(mcu);
    }
  }

  @Test
  void aBadPinIsAConfigErrorNamingPinAndMcu() throws Exception {
    String dict = FakeMcu.SMALL_DICTIONARY.replace("\"config_thing oid=%c\": 11",
        "\"config_thing oid=%c\": 11, \"config_pin oid=%c pin=%u\": 13")
        .replace("\"enumerations\": {", "\"enumerations\": {\"pin\": {\"PA0\": [0, 8]}, ");
    try (LinkHarness h = new LinkHarness(dict.getBytes(), null, 0)) {
      Mcu mcu = h.newMcu("mcu");
      assertThatThrownBy(() -> h.call(() -> {
        mcu.identify();
        mcu.addConfigCmd("config_pin oid=" + mcu.createOid() + " pin=PZ9", false, false);
        mcu.configure();
        return null;
      })).hasMessage("Pin 'PZ9' is not a valid pin name on mcu 'mcu'");
      h.close(mcu);
    }
  }

  static List<FakeMcu.Executed> records(FakeMcu fake) {
    return fake.executed().stream().filter(e -> e.message().name().equals("record")).toList();
  }

  @Test
  void holdsACommandUntilItsMinClock() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      McuCommand record = h.call(() -> mcu.lookupCommand("record oid=%c value=%u"));
      long now = h.call(() -> mcu.clock().clockAt(h.reactor.monotonic()));
      long min = now + 300_000; // 0.3 s at 1 MHz
      record.sendTimed(min, min + 50_000, 0L, 1L);
      Thread.sleep(600);
      assertThat(records(h.fake)).singleElement()
          .satisfies(e -> assertThat(e.clock()).isGreaterThanOrEqualTo(min - 5_000));
      h.close(mcu);
    }
  }

  @Test
  void aLoneCommandWaitsUntilShortlyBeforeItsReqClock() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      McuCommand record = h.call(() -> mcu.lookupCommand("record oid=%c value=%u"));
      long now = h.call(() -> mcu.clock().clockAt(h.reactor.monotonic()));
      long req = now + 600_000;
      record.sendTimed(0, req, 0L, 2L); // not a full block and not urgent: no hurry
      Thread.sleep(900);
      // Sent when due within 100 ms (plus the 3-sigma safety margin of the clock estimate).
      assertThat(records(h.fake)).singleElement()
          .satisfies(e -> assertThat(e.clock()).isBetween(req - 150_000, req));
      h.close(mcu);
    }
  }

  @Test
  void aQueryIsNotAnsweredByALateResponseToAnEarlierOne() throws Exception {
    try (LinkHarness h = new LinkHarness()) {
      Mcu mcu = h.newMcu("mcu");
      connect(h, mcu, 1);
      // An unsolicited uptime (as if answering an earlier, abandoned query) arrives first.
      h.fake.sendResponse("uptime", 7L, 7L);
      Response r = h.call(() -> mcu.lookupQuery("get_uptime", "uptime high=%u clock=%u", null)
          .send());
      assertThat(r.getLong("high")).isNotEqualTo(7L);
      h.close(mcu);
    }
  }
}
