package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WireDumpTest {
  /** Which dictionary each corpus capture was made with (corpus README). */
  static final Map<String, String> CAPTURE_DICTIONARIES = Map.of(
      "cartesian_move.serial", "atmega2560.dict",
      "input_shaper_move.serial", "atmega2560.dict",
      "multi_mcu_move.serial", "atmega2560.dict",
      "multi_mcu_move.serial-zboard", "atmega2560.dict",
      "multi_mcu_move.serial-auxboard", "atmega2560.dict");

  record Dump(List<String> lines, List<String> problems, WireDump.Summary summary) {}

  static Dump dump(Dictionary dict, byte[] data) throws IOException {
    List<String> lines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    WireDump.Summary s = WireDump.dump(dict, new ByteArrayInputStream(data),
        new WireDump.Output() {
          @Override
          public void message(String line) {
            lines.add(line);
          }

          @Override
          public void problem(String description) {
            problems.add(description);
          }
        });
    return new Dump(lines, problems, s);
  }

  /** The parsed text Klipper's parsedump printed for a capture. */
  static Path parsedFor(Path capture) {
    String name = capture.getFileName().toString();
    int dash = name.indexOf(".serial");
    String suffix = name.substring(dash + ".serial".length()); // "" or "-NAME"
    return capture.resolveSibling(name.substring(0, dash) + ".parsed" + suffix + ".txt");
  }

  static List<Path> captures() throws IOException {
    try (Stream<Path> s = Files.list(Shared.wire())) {
      List<Path> found = s.filter(p -> p.getFileName().toString().contains(".serial")).sorted()
          .toList();
      // A new capture in the corpus must be added to the table, not silently skipped.
      assertThat(found).extracting(p -> p.getFileName().toString())
          .containsExactlyInAnyOrderElementsOf(CAPTURE_DICTIONARIES.keySet());
      return found;
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void decodesEveryCorpusCaptureExactlyAsKlipperDoes(Path capture) throws IOException {
    Dictionary dict = Dictionary.load(
        Shared.wire(CAPTURE_DICTIONARIES.get(capture.getFileName().toString())));
    Dump d = dump(dict, Files.readAllBytes(capture));
    assertThat(d.problems()).isEmpty();
    assertThat(d.summary().invalidBytes()).isZero();
    assertThat(d.lines()).containsExactlyElementsOf(
        Files.readAllLines(parsedFor(capture), StandardCharsets.UTF_8));
  }

  /** Offsets of the blocks in a clean capture, keyed by offset, valued by their line count. */
  static TreeMap<Long, Integer> blockLayout(Dictionary dict, byte[] data) {
    TreeMap<Long, Integer> layout = new TreeMap<>();
    new BlockDecoder((block, offset, framed, start, length) ->
        layout.put(offset, dict.decodePayload(block.payload()).size())).feed(data);
    return layout;
  }

  @Test
  void aCorruptByteCostsOnlyItsBlockAndIsReportedWithItsOffset() throws IOException {
    Dictionary dict = Dictionary.load(Shared.wire("atmega2560.dict"));
    byte[] clean = Files.readAllBytes(Shared.wire("cartesian_move.serial"));
    List<String> cleanLines = dump(dict, clean).lines();
    TreeMap<Long, Integer> layout = blockLayout(dict, clean);

    long blockAt = layout.floorKey(20_000L);
    byte[] corrupt = clean.clone();
    corrupt[(int) blockAt + 3] ^= 0x40; // a payload byte: the CRC no longer matches
    Dump d = dump(dict, corrupt);

    int linesBefore = layout.headMap(blockAt).values().stream().mapToInt(i -> i).sum();
    List<String> expected = new ArrayList<>(cleanLines.subList(0, linesBefore));
    expected.addAll(cleanLines.subList(linesBefore + layout.get(blockAt), cleanLines.size()));
    assertThat(d.lines()).containsExactlyElementsOf(expected);
    assertThat(d.problems()).singleElement().asString()
        .startsWith("byte " + blockAt + ": CRC mismatch");
  }

  @Test
  void aTruncatedCaptureSaysWhereItEnds() throws IOException {
    Dictionary dict = Dictionary.load(Shared.wire("atmega2560.dict"));
    byte[] clean = Files.readAllBytes(Shared.wire("cartesian_move.serial"));
    byte[] cut = java.util.Arrays.copyOf(clean, 1003); // 1000 is a block boundary
    Dump d = dump(dict, cut);
    assertThat(d.problems()).containsExactly(
        "byte 1000: data ended inside a block (3 of " + (clean[1000] & 0xFF)
            + " bytes present); skipped 3 bytes");
  }

  @Test
  void unknownMessagesArePrintedAsKlipperDoesAndReported() throws IOException {
    Dictionary dict = Dictionary.load(Shared.wire("atmega2560.dict"));
    byte[] block = Block.frame(4, new byte[] {0x07, (byte) 0xBF, 0x7F, 0x01}); // get_config, id 8191
    Dump d = dump(dict, block);
    assertThat(d.lines()).containsExactly("get_config", "#unknown " + PyBytes.repr(block));
    assertThat(d.problems()).containsExactly(
        "byte 3: unknown message id 8191 in the block at byte 0; rest of the block skipped");
  }

  @Test
  void aMessageCutShortInsideItsBlockIsReported() throws IOException {
    Dictionary dict = Dictionary.load(Shared.wire("atmega2560.dict"));
    int queueStep = dict.command("queue_step").orElseThrow().id();
    byte[] block = Block.frame(1, new byte[] {(byte) queueStep, 0x02, (byte) 0x82});
    Dump d = dump(dict, block);
    assertThat(d.lines()).isEmpty();
    assertThat(d.problems()).containsExactly("byte 4: in message 'queue_step': integer is cut "
        + "off by the end of the data (block at byte 0); rest of the block skipped");
  }
}
