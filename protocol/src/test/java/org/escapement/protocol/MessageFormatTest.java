package org.escapement.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageFormatTest {
  static final Dictionary AVR = Dictionary.load(Shared.wire("atmega2560.dict"));

  static List<JsonNode> messageVectors() {
    return Vectors.cases("messages.json", "cases");
  }

  static List<JsonNode> commandVectors() {
    return Vectors.cases("commands-atmega2560.json", "cases");
  }

  @ParameterizedTest
  @MethodSource("messageVectors")
  void encodesDecodesAndPrintsTheGoldenMessages(JsonNode c) {
    MessageFormat mf = MessageFormat.of(c.get("id").asInt(), c.get("format").asText(),
        MessageFormat.Kind.COMMAND, List.of());
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < mf.params().size(); i++) {
      JsonNode v = c.get("values").get(i);
      values.add(mf.params().get(i).type().isInteger() ? (Object) v.asLong() : Vectors.hex(v));
    }
    Message m = mf.messageOf(values.toArray());
    assertThat(Vectors.hex(m.encode())).isEqualTo(c.get("bytes").asText());

    PayloadReader in = new PayloadReader(Vectors.hex(c.get("bytes")));
    assertThat(in.readVlq()).isEqualTo(mf.id());
    Message decoded = mf.read(in);
    assertThat(in.hasRemaining()).isFalse();
    assertThat(decoded).isEqualTo(m);
    assertThat(decoded.toString()).isEqualTo(c.get("text").asText());
  }

  @ParameterizedTest
  @MethodSource("commandVectors")
  void encodesTheTextFormWithTheDictionary(JsonNode c) {
    Message m = AVR.parseText(c.get("text").asText());
    assertThat(Vectors.hex(m.encode())).isEqualTo(c.get("payload").asText());
    List<Message> back = AVR.decodePayload(Vectors.hex(c.get("payload")));
    assertThat(back).containsExactly(m);
  }

  @Test
  void clocksBeyond32BitsGoOutAsTheirLow32BitsOtherValuesAreRangeChecked() {
    MessageFormat mf = AVR.requireCommand("trsync_set_timeout oid=%c clock=%u");
    long clock = (1L << 32) * 3 + 12345;
    assertThat(mf.messageOf(1, clock).encode()).isEqualTo(mf.messageOf(1, 12345L).encode());
    MessageFormat step = AVR.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
    assertThatThrownBy(() -> step.messageOf(1, 1L << 32, 1, 0))
        .hasMessageContaining("parameter 'interval' of command 'queue_step' is out of range");
  }

  @Test
  void printsEnumeratedValuesByName() {
    Message m = AVR.parseText("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=-1 "
        + "step_pulse_ticks=32");
    assertThat(m.getSymbol("step_pin")).isEqualTo("PF0");
    assertThat(m.getLong("step_pin")).isEqualTo(40);
    // Klipper prints an unsigned %c read back from -1 as its unsigned 32-bit value.
    assertThat(m.toString()).isEqualTo("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 "
        + "invert_step=4294967295 step_pulse_ticks=32");
    assertThat(AVR.parseText(m.toString())).isEqualTo(m);
  }

  @Test
  void namesTheCommandAndParameterInEveryError() {
    assertThatThrownBy(() -> AVR.parseText("warp_drive speed=9"))
        .hasMessage("unknown command 'warp_drive'");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 interval=5 count=2"))
        .hasMessage("command 'queue_step' is missing parameter 'add'");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 interval=5 count=2 add=0 speed=3"))
        .hasMessage("command 'queue_step' has no parameter 'speed' (it takes oid, interval, "
            + "count, add)");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 interval=5 count=70000 add=0"))
        .hasMessage("parameter 'count' of command 'queue_step' is out of range for %hu: 70000 "
            + "(allowed -32768..65535)");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=256 interval=5 count=1 add=0"))
        .hasMessageContaining("parameter 'oid' of command 'queue_step' is out of range for %c");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 interval=5 count=1 add=40000"))
        .hasMessageContaining("'add' of command 'queue_step' is out of range for %hi");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 interval=5000000000 count=1 add=0"))
        .hasMessageContaining("'interval' of command 'queue_step' is out of range for %u");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=x1 interval=5 count=1 add=0"))
        .hasMessage("parameter 'oid' of 'queue_step' is not an integer: 'x1'");
    assertThatThrownBy(() -> AVR.parseText("config_analog_in oid=1 pin=PZ9"))
        .hasMessage("unknown value 'PZ9' for parameter 'pin' of command 'config_analog_in' "
            + "(not in enumeration 'pin')");
    assertThatThrownBy(() -> AVR.parseText("queue_step oid=1 oid=2 interval=5 count=1 add=0"))
        .hasMessage("parameter 'oid' given twice in 'queue_step'");
    assertThatThrownBy(() -> AVR.parseText("debug_ping data=b'" + "x".repeat(60) + "'"))
        .hasMessageContaining("60 bytes long, more than a block can carry");
    MessageFormat qs = AVR.command("queue_step").orElseThrow();
    assertThatThrownBy(() -> qs.messageOf(1, 2, 3))
        .hasMessage("command 'queue_step' takes 4 parameters (oid, interval, count, add), got 3");
    assertThatThrownBy(() -> qs.messageOf(1, 2.5, 3, 0))
        .hasMessageContaining("'interval' of command 'queue_step' takes an integer");
  }

  @Test
  void rendersDebugOutputFormats() {
    MessageFormat out = MessageFormat.of(40, "temp %i at %u%% of %*s", MessageFormat.Kind.OUTPUT,
        List.of());
    Message m = out.messageOf(-3L, 50L, "ab".getBytes());
    assertThat(m.toString()).isEqualTo("#output temp -3 at 50% of b'ab'");
    assertThat(out.read(new PayloadReader(java.util.Arrays.copyOfRange(m.encode(), 1,
        m.encode().length)))).isEqualTo(m);
  }

  /**
   * Every command and response of a real firmware: random values in range encode, decode to the
   * same message, print, and parse back from the print.
   */
  @Property(tries = 200)
  void everyAvrMessageRoundTripsThroughBytesAndText(@ForAll long seed) {
    Random rnd = new Random(seed);
    for (MessageFormat mf : AVR.messages()) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (MessageFormat.Param p : mf.params()) {
        values.put(p.name(), randomValue(rnd, p));
      }
      Message m = mf.message(values);
      byte[] bytes = m.encode();
      assertThat(AVR.decodePayload(bytes)).as(mf.format()).containsExactly(m);
      assertThat(AVR.parseText(m.toString())).as(m.toString()).isEqualTo(m);
    }
  }

  private static Object randomValue(Random rnd, MessageFormat.Param p) {
    if (!p.type().isInteger()) {
      byte[] b = new byte[rnd.nextInt(20)];
      rnd.nextBytes(b);
      return b;
    }
    if (p.enumeration() != null) {
      List<String> symbols = new ArrayList<>(p.enumeration().symbols().keySet());
      return symbols.get(rnd.nextInt(symbols.size()));
    }
    long min = p.type().minValue();
    long max = p.type().maxValue();
    return min + (long) (rnd.nextDouble() * (max - min));
  }

  @Property
  void pythonBytesLiteralsRoundTrip(@ForAll byte[] data) {
    assertThat(PyBytes.parse(PyBytes.repr(data))).isEqualTo(data);
  }

  @Test
  void printsBytesTheWayPythonDoes() {
    assertThat(PyBytes.repr(new byte[0])).isEqualTo("b''");
    assertThat(PyBytes.repr("it's".getBytes())).isEqualTo("b\"it's\"");
    assertThat(PyBytes.repr("'\"".getBytes())).isEqualTo("b'\\'\"'");
    assertThat(PyBytes.repr(new byte[] {0, 9, 10, 13, 0x5c, 0x7f, (byte) 0xff, 'A'}))
        .isEqualTo("b'\\x00\\t\\n\\r\\\\\\x7f\\xffA'");
    assertThat(PyBytes.parse("0a0B")).containsExactly(10, 11);
    assertThatThrownBy(() -> PyBytes.parse("b'\\q'")).hasMessageContaining("unknown escape \\q");
    assertThatThrownBy(() -> PyBytes.parse("abc")).hasMessageContaining("not a byte string");
  }
}
