package org.escapement.host.mcu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.escapement.host.reactor.Reactor;
import org.escapement.host.reactor.ReactorClock;
import org.escapement.protocol.Dictionary;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch mode: the host writes what it would send; the MCU's answers are made up. */
class BatchMcuTest {
  @Test
  void writesTheConfigurationAsKlippersBatchModeDoes(@TempDir Path tmp) throws Exception {
    Dictionary avr = Dictionary.load(Shared.wire("atmega2560.dict"));
    Reactor reactor = new Reactor(ReactorClock.virtual());
    reactor.start("batch");
    Path out = tmp.resolve("out.serial");
    Mcu mcu = Mcu.batch("mcu", new Mcu.Batch(out, avr), reactor, null);
    // The first lines of Klipper's own capture of example-cartesian.cfg, from its config.
    List<String> klipper = Files.readAllLines(Shared.wire("cartesian_move.parsed.txt"));
    int finalize = klipper.indexOf(klipper.stream()
        .filter(l -> l.startsWith("finalize_config")).findFirst().orElseThrow());
    reactor.call(() -> {
      mcu.identify();
      for (int i = 0; i < 18; i++) {
        mcu.createOid();
      }
      for (String line : klipper.subList(1, finalize)) {
        mcu.addConfigCmd(line, false, false);
      }
      mcu.configure();
      assertThat(mcu.moveCount()).isEqualTo(500);
      assertThat(mcu.estimatedPrintTime(reactor.monotonic())).isZero();
      mcu.close();
      return null;
    });
    reactor.close();
    // Same commands and the same CRC as Klipper computed for the same configuration.
    assertThat(WireCapture.decode(avr, out)).containsExactlyElementsOf(klipper.subList(0, finalize + 1));
  }
}
