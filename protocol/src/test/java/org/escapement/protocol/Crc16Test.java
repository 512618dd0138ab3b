package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Crc16Test {
  @Test
  void hasTheMcrf4xxCheckValue() {
    assertThat(Crc16.compute("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x6F91);
  }

  static List<JsonNode> vectors() {
    return Vectors.cases("crc16.json", "cases");
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void matchesTheGoldenVectors(JsonNode c) {
    assertThat(Crc16.compute(Vectors.hex(c.get("data")))).isEqualTo(c.get("crc").asInt());
  }
}
