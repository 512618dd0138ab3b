package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DictionaryTest {
  static List<Path> corpusDictionaries() throws IOException {
    try (Stream<Path> s = Files.list(Shared.wire())) {
      List<Path> dicts = s.filter(p -> p.toString().endsWith(".dict")).sorted().toList();
      assertThat(dicts).as("corpus dictionaries").hasSizeGreaterThanOrEqualTo(38);
      return dicts;
    }
  }

  static byte[] zlib(byte[] data) {
    Deflater d = new Deflater(9);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  /** Every real firmware build loads, in both the JSON and the zlib form, to the same thing. */
  @ParameterizedTest
  @MethodSource("corpusDictionaries")
  void loadsEveryCorpusDictionary(Path file) throws IOException {
    Dictionary json = Dictionary.load(file);
    Dictionary zlib = Dictionary.parse(zlib(Files.readAllBytes(file)));
    assertThat(json.app()).isEqualTo("Klipper");
    assertThat(json.command("get_clock")).isPresent();
    assertThat(json.response("clock")).isPresent();
    assertThat(json.constant("CLOCK_FREQ")).isPresent();
    assertThat(zlib.messages()).extracting(MessageFormat::format)
        .containsExactlyElementsOf(json.messages().stream().map(MessageFormat::format).toList());
    // Every message id round-trips through its VLQ, so every command can be sent.
    for (MessageFormat mf : json.messages()) {
      assertThat(Vlq.decode(mf.idBytes())).isEqualTo(mf.id());
      assertThat(json.byId(mf.id())).containsSame(mf);
    }
  }

  @Test
  void readsTheAtmega2560Build() {
    Dictionary d = Dictionary.load(Shared.wire("atmega2560.dict"));
    assertThat(d.commands()).hasSize(112);
    assertThat(d.responses()).hasSize(25);
    // ids 96..127 of the MCU's 1/2-byte id space are stored as their signed VLQ reading
    assertThat(d.response("clock").orElseThrow().id()).isEqualTo(-10);
    assertThat(d.response("clock").orElseThrow().idBytes()).containsExactly(0x76);
    assertThat(d.constant("MCU")).contains("atmega2560");
    assertThat(d.constantNumber("CLOCK_FREQ")).isEqualTo(16_000_000);
    assertThat(d.constantNumber("RECEIVE_WINDOW")).isEqualTo(192);
    Enumeration pins = d.enumeration("pin").orElseThrow();
    assertThat(pins.valueOf("PA0")).isEqualTo(0);
    assertThat(pins.valueOf("PA7")).isEqualTo(7);
    assertThat(pins.valueOf("PB0")).isEqualTo(8);
    assertThat(pins.valueOf("PA8")).isNull();
    assertThat(pins.symbolOf(8)).isEqualTo("PB0");
    assertThat(pins.symbolOf(999)).isEqualTo("?999");
    assertThat(d.enumeration("static_string_id").orElseThrow().symbols())
        .containsKey("Timer too close");
  }

  @Test
  void expandsRangesFromTheKeysNumericSuffix() {
    Dictionary linux = Dictionary.load(Shared.wire("linuxprocess.dict"));
    Enumeration pins = linux.enumeration("pin").orElseThrow();
    assertThat(pins.valueOf("gpio0")).isEqualTo(0);
    assertThat(pins.valueOf("gpio287")).isEqualTo(287);
    assertThat(pins.valueOf("analog0")).isEqualTo(4096);
    assertThat(pins.valueOf("analog7")).isEqualTo(4103);
    Enumeration lpc = Dictionary.load(Shared.wire("lpc176x.dict")).enumeration("pin").orElseThrow();
    assertThat(lpc.valueOf("P0.31")).isEqualTo(31);
    assertThat(lpc.valueOf("P1.0")).isEqualTo(32);
  }

  @Test
  void appliesEnumerationsToParametersByNameOrSuffix() {
    Dictionary d = Dictionary.load(Shared.wire("atmega2560.dict"));
    MessageFormat stepper = d.command("config_stepper").orElseThrow();
    assertThat(stepper.params()).filteredOn(p -> p.enumeration() != null)
        .extracting(MessageFormat.Param::name).containsExactly("step_pin", "dir_pin");
  }

  static Dictionary json(String text) {
    return Dictionary.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void saysWhyABrokenDictionaryCannotBeLoaded() {
    assertThatThrownBy(() -> json("this is not json"))
        .hasMessageContaining("neither zlib data nor valid JSON").hasMessageContaining("line 1");
    byte[] compressed = zlib("{\"commands\":{}}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Dictionary.parse(Arrays.copyOf(compressed, compressed.length - 6)))
        .hasMessageContaining("zlib data is truncated");
    assertThatThrownBy(() -> json("{\"responses\":{}}"))
        .hasMessage("dictionary has no 'commands' section");
    assertThatThrownBy(() -> json("{\"commands\":{\"foo x=%q\":5},\"responses\":{}}"))
        .hasMessage("message format 'foo x=%q': parameter 'x' has unknown type '%q'");
    assertThatThrownBy(() -> json("{\"commands\":{\"foo x\":5},\"responses\":{}}"))
        .hasMessageContaining("'x' is not name=type");
    assertThatThrownBy(() -> json("{\"commands\":{\"foo\":\"5\"},\"responses\":{}}"))
        .hasMessageContaining("has id \"5\", not an integer");
    assertThatThrownBy(() -> json("{\"commands\":{\"foo\":5,\"bar\":5},\"responses\":{}}"))
        .hasMessage("dictionary gives id 5 to both 'foo' and 'bar'");
    assertThatThrownBy(() -> json(
            "{\"commands\":{},\"responses\":{},\"enumerations\":{\"pin\":{\"PA0\":[1]}}}"))
        .hasMessageContaining("enumeration 'pin' entry 'PA0' must be an integer or [start, count]");
    assertThatThrownBy(() -> Dictionary.load(Path.of("/no/such.dict")))
        .hasMessage("/no/such.dict: no such file");
  }

  @Test
  void checksThatTheFirmwareHasTheCommandsTheHostNeeds() {
    Dictionary d = Dictionary.load(Shared.wire("atmega2560.dict"));
    assertThat(d.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi").name())
        .isEqualTo("queue_step");
    assertThatThrownBy(() -> d.requireCommand("queue_step oid=%c interval=%u count=%u add=%hi"))
        .hasMessageContaining("has format 'queue_step oid=%c interval=%u count=%hu add=%hi'");
    assertThatThrownBy(() -> d.requireCommand("warp_drive speed=%u"))
        .hasMessage("MCU firmware has no command 'warp_drive'");
  }
}
