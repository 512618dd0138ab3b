package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class VlqTest {
  static List<JsonNode> encodeVectors() {
    return Vectors.cases("vlq.json", "encode");
  }

  static List<JsonNode> errorVectors() {
    return Vectors.cases("vlq.json", "decode_errors");
  }

  @ParameterizedTest
  @MethodSource("encodeVectors")
  void encodesAndDecodesTheGoldenVectors(JsonNode c) {
    int value = (int) c.get("value").asLong(); // modulo 2^32
    assertThat(Vectors.hex(Vlq.encode(value))).isEqualTo(c.get("bytes").asText());
    assertThat(Vlq.decode(Vectors.hex(c.get("bytes")))).isEqualTo(value);
  }

  @ParameterizedTest
  @MethodSource("errorVectors")
  void rejectsMalformedIntegers(JsonNode c) {
    byte[] bytes = Vectors.hex(c.get("bytes"));
    assertThatThrownBy(() -> Vlq.read(bytes, 0, bytes.length))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void oneByteCoversMinus32To95AndFiveBytesCoverEverything() {
    assertThat(Vlq.encodedLength(-32)).isEqualTo(1);
    assertThat(Vlq.encodedLength(95)).isEqualTo(1);
    assertThat(Vlq.encodedLength(-33)).isEqualTo(2);
    assertThat(Vlq.encodedLength(96)).isEqualTo(2);
    assertThat(Vlq.encodedLength(Integer.MIN_VALUE)).isEqualTo(5);
    assertThat(Vlq.encodedLength(Integer.MAX_VALUE)).isEqualTo(5);
    assertThat(Vlq.encode(0xFFFFFFFF)).containsExactly(0x7F);
  }

  /**
   * Every value of one to four bytes, and 2^20 values past each end of that range: all the
   * points where the length changes. (All 2^32 values take half a minute; the jqwik properties
   * cover the rest of the range.)
   */
  @Test
  void roundTripsEveryValueAroundTheLengthBoundaries() {
    byte[] buf = new byte[Vlq.MAX_BYTES];
    for (long v = -67108864L - (1 << 20); v <= 201326591L + (1 << 20); v++) {
      int x = (int) v;
      int end = Vlq.write(x, buf, 0);
      long r = Vlq.read(buf, 0, end);
      if (Vlq.value(r) != x || Vlq.length(r) != end || end != Vlq.encodedLength(x)) {
        throw new AssertionError("VLQ round trip failed for " + x);
      }
    }
  }

  @Property(tries = 10_000)
  void roundTripsAnyInt(@ForAll int v) {
    assertThat(Vlq.decode(Vlq.encode(v))).isEqualTo(v);
  }

  @Property
  void lengthFollowsTheRangeTable(@ForAll int v) {
    int expected = v >= -32 && v <= 95 ? 1
        : v >= -4096 && v <= 12287 ? 2
        : v >= -524288 && v <= 1572863 ? 3
        : v >= -67108864 && v <= 201326591 ? 4 : 5;
    assertThat(Vlq.encode(v)).hasSize(expected);
  }

  @Property
  void decodingStopsAtTheLastByteOfAnInteger(@ForAll int a, @ForAll int b) {
    PayloadWriter w = new PayloadWriter().writeVlq(a).writeVlq(b);
    PayloadReader r = new PayloadReader(w.toByteArray());
    assertThat(r.readVlq()).isEqualTo(a);
    assertThat(r.readVlq()).isEqualTo(b);
    assertThat(r.hasRemaining()).isFalse();
  }

  @Test
  void errorsCarryTheOffsetOfTheInteger() {
    byte[] cut = {0x05, (byte) 0x81};
    PayloadReader r = new PayloadReader(cut, 0, cut.length, 100);
    r.readVlq();
    assertThatThrownBy(r::readVlq)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.offset()).isEqualTo(101))
        .hasMessageContaining("cut off");
  }
}
