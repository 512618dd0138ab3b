package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BlockDecoderTest {
  /** Collects what a decoder reports. */
  static final class Collector implements BlockDecoder.Listener {
    final List<Block> blocks = new ArrayList<>();
    final List<Long> offsets = new ArrayList<>();
    final List<BlockDecoder.Fault> faults = new ArrayList<>();

    @Override
    public void onBlock(Block block, long offset, byte[] framed, int start, int length) {
      assertThat(java.util.Arrays.copyOfRange(framed, start, start + length))
          .isEqualTo(block.toBytes());
      blocks.add(block);
      offsets.add(offset);
    }

    @Override
    public void onFault(BlockDecoder.Fault fault) {
      faults.add(fault);
    }
  }

  static List<JsonNode> streams() {
    return Vectors.cases("streams.json", "cases");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void decodesTheGoldenStreams(JsonNode c) {
    Collector got = new Collector();
    BlockDecoder d = new BlockDecoder(got);
    d.feed(Vectors.hex(c.get("stream")));
    d.finish();
    List<Block> want = new ArrayList<>();
    c.get("blocks").forEach(b -> want.add(
        new Block(b.get("sequence").asInt(), Vectors.hex(b.get("payload")))));
    assertThat(got.blocks).as(c.get("name").asText()).containsExactlyElementsOf(want);
    assertThat(d.invalidBytes()).isEqualTo(c.get("invalid_bytes").asLong());
    assertThat(got.faults.stream().mapToLong(BlockDecoder.Fault::discarded).sum())
        .isEqualTo(d.invalidBytes());
  }

  @Test
  void namesEachKindOfFaultAndWhereItStarted() {
    byte[] good = Block.frame(3, new byte[] {1, 2, 3});
    byte[] badCrc = good.clone();
    badCrc[5] ^= 1;
    byte[] badSeq = good.clone();
    badSeq[1] = 0x23;
    byte[] noSync = good.clone();
    noSync[good.length - 1] = 0;
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(badCrc); // offset 0
    s.writeBytes(badSeq); // offset 8
    s.write(0x02); // offset 16: bad length
    s.write(0x7E);
    s.writeBytes(noSync); // offset 18
    s.write(0x7E);
    s.writeBytes(good); // offset 27
    Collector got = new Collector();
    BlockDecoder d = new BlockDecoder(got);
    d.feed(s.toByteArray());
    d.finish();
    assertThat(got.faults).extracting(BlockDecoder.Fault::kind).containsExactly(
        BlockDecoder.FaultKind.BAD_CRC, BlockDecoder.FaultKind.BAD_SEQUENCE,
        BlockDecoder.FaultKind.BAD_LENGTH, BlockDecoder.FaultKind.MISSING_SYNC);
    assertThat(got.faults).extracting(BlockDecoder.Fault::offset).containsExactly(0L, 8L, 16L, 18L);
    assertThat(got.faults).extracting(BlockDecoder.Fault::discarded).containsExactly(8L, 8L, 2L, 9L);
    assertThat(got.faults.get(0).message()).startsWith("byte 0: CRC mismatch");
    assertThat(got.blocks).containsExactly(new Block(3, new byte[] {1, 2, 3}));
    assertThat(got.offsets).containsExactly(27L);
  }

  @Test
  void reportsDataThatEndsInsideABlock() {
    byte[] good = Block.frame(1, new byte[] {9, 9});
    Collector got = new Collector();
    BlockDecoder d = new BlockDecoder(got);
    d.feed(good);
    d.feed(good, 0, 5);
    assertThat(got.faults).isEmpty(); // still waiting for the rest
    d.finish();
    assertThat(got.faults).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(BlockDecoder.FaultKind.TRUNCATED);
      assertThat(f.offset()).isEqualTo(good.length);
      assertThat(f.discarded()).isEqualTo(5);
    });
  }

  /** A stretch of the stream: a valid block, or noise that a sender follows with a 0x7E. */
  record Piece(Block block, byte[] noise) {
    byte[] bytes() {
      if (block != null) {
        return block.toBytes();
      }
      byte[] out = java.util.Arrays.copyOf(noise, noise.length + 1);
      out[noise.length] = Block.SYNC;
      return out;
    }
  }

  @Provide
  Arbitrary<List<Piece>> streamsWithNoise() {
    Arbitrary<Piece> block = Combinators.combine(
            Arbitraries.integers().between(0, 15),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(Block.PAYLOAD_MAX))
        .as((seq, payload) -> new Piece(new Block(seq, payload), null));
    Arbitrary<Piece> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(100)
        .map(bytes -> new Piece(null, bytes));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, block), net.jqwik.api.Tuple.of(1, noise)).list().ofMaxSize(40);
  }

  /**
   * Garbage between blocks (ended by a 0x7E, as a sender does before retransmitting) costs no
   * valid block, whatever the garbage and however the bytes are chunked; the discarded bytes
   * are exactly the garbage.
   */
  @Property(tries = 500)
  void recoversEveryValidBlockFromNoise(
      @ForAll("streamsWithNoise") List<Piece> pieces, @ForAll @IntRange(min = 1, max = 70) int chunk) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    List<Block> want = new ArrayList<>();
    long noiseBytes = 0;
    for (Piece p : pieces) {
      s.writeBytes(p.bytes());
      if (p.block() != null) {
        want.add(p.block());
      } else {
        noiseBytes += p.noise().length + 1;
      }
    }
    byte[] data = s.toByteArray();
    Collector got = new Collector();
    BlockDecoder d = new BlockDecoder(got);
    for (int off = 0; off < data.length; off += chunk) {
      d.feed(data, off, Math.min(chunk, data.length - off));
    }
    d.finish();
    assertThat(got.blocks).containsExactlyElementsOf(want);
    assertThat(d.invalidBytes()).isEqualTo(noiseBytes);
    assertThat(d.blocks()).isEqualTo(want.size());
  }

  @Property(tries = 300)
  void neverThrowsOnArbitraryBytes(@ForAll byte[] data) {
    Collector got = new Collector();
    BlockDecoder d = new BlockDecoder(got);
    d.feed(data);
    d.finish();
    long blockBytes = got.blocks.stream().mapToLong(b -> b.payload().length + 5L).sum();
    assertThat(blockBytes + d.invalidBytes()).isEqualTo(data.length);
  }
}
