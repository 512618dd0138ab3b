package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BlockTest {
  @Test
  void framesTheHostsFirstIdentify() {
    byte[] payload = {0x01, 0x00, 0x28}; // identify offset=0 count=40
    assertThat(Vectors.hex(Block.frame(1, payload))).isEqualTo("081101002842247e");
  }

  static List<JsonNode> vectors() {
    return Vectors.cases("blocks.json", "cases");
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void matchesTheGoldenVectors(JsonNode c) {
    byte[] framed = Block.frame(c.get("sequence").asLong(), Vectors.hex(c.get("payload")));
    assertThat(Vectors.hex(framed)).isEqualTo(c.get("block").asText());
  }

  @Test
  void refusesPayloadsAboveFiftyNineBytes() {
    assertThat(Block.frame(0, new byte[59])).hasSize(64);
    assertThatThrownBy(() -> Block.frame(0, new byte[60]))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("60 bytes exceeds the 59");
  }
}
