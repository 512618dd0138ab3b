package org.escapement.host.gcode.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigSection;
import org.escapement.protocol.Shared;
import org.junit.jupiter.api.Test;

class TemplateEngineTest {
  static final TemplateEngine ENGINE = new TemplateEngine();

  final List<String> said = new ArrayList<>();
  final TemplateEngine.Actions actions = new TemplateEngine.Actions() {
    @Override
    public void respondInfo(String message) {
      said.add("info: " + message);
    }

    @Override
    public void raiseError(String message) {
      throw new IllegalStateException(message);
    }

    @Override
    public void emergencyStop(String message) {
      said.add("stop: " + message);
    }

    @Override
    public void callRemoteMethod(String method, Map<String, Object> arguments) {
      said.add("remote: " + method + " " + arguments);
    }
  };

  Map<String, Object> context() {
    Map<String, Object> ctx = new HashMap<>();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("T", "123");
    params.put("BED_TEMP", "70");
    ctx.put("params", params);
    ctx.put("rawparams", "hello; world # x");
    Map<String, Object> printer = new LinkedHashMap<>();
    printer.put("toolhead", Map.of("position", Map.of("x", 1.5, "y", 0.0), "homed_axes", "xyz"));
    printer.put("gcode_macro TEST_variable", Map.of("t", 12.0));
    ctx.put("printer", printer);
    ctx.put("t", 12.0);
    return ctx;
  }

  String render(String klipperTemplate) {
    return ENGINE.compile("test", klipperTemplate).render(context(), actions);
  }

  @Test
  void positionsReadAsListsAndByAxisName() {
    Map<String, Object> ctx = context();
    ctx.put("pos", new org.escapement.host.motion.Coord(new double[] {1.5, 2.0, 3.25, 0.5}));
    String out = ENGINE.compile("test", "{pos.x} {pos.y} {pos.z} {pos.e} {pos[2]}"
        + " {pos.x != 0.0} {pos|string}").render(ctx, actions);
    assertThat(out).isEqualTo("1.5 2.0 3.25 0.5 3.25 True Coord(x=1.5, y=2.0, z=3.25, e=0.5)");
  }

  @Test
  void readsKlippersSingleBraceSyntax() {
    assertThat(render("G1 X{params.T} Y{ 5 * 2 }")).isEqualTo("G1 X123 Y10");
    assertThat(render("{% set BED = params.BED_TEMP|default(60)|float %}M190 S{BED}"))
        .isEqualTo("M190 S70.0");
    assertThat(render("{% if params.T != \"123\" %}bad{% else %}ok{% endif %}")).isEqualTo("ok");
    assertThat(render("{% if \"abc\" in printer or \"toolhead\" not in printer %}bad{% endif %}"))
        .isEmpty();
    assertThat(render("{ printer[\"gcode_macro TEST_variable\"].t - 12.0 }")).isEqualTo("0.0");
    assertThat(render("{% if t - 12.0 != printer.toolhead.position.y %}bad{% endif %}"))
        .isEmpty();
    assertThat(render("{% if params.K is not defined and params.T is defined %}yes{% endif %}"))
        .isEqualTo("yes");
    assertThat(render("{% for i in range(params.T|int) %}{% if loop.index < 4 %}{i},{% endif %}"
        + "{% endfor %}")).isEqualTo("0,1,2,");
  }

  @Test
  void hasPythonsStringMethodsAndFormatting() {
    assertThat(render("{ rawparams.split(';', 1)[0] }")).isEqualTo("hello");
    assertThat(render("{ rawparams.split(';', 1)[0].split('\\x23', 1)[0]|replace('h', 'j') }"))
        .isEqualTo("jello");
    assertThat(render("{ 'ABC'.lower() } { 'a b  c'.split() } { '  x '.strip() }"))
        .isEqualTo("abc ['a', 'b', 'c'] x");
    assertThat(render("{ 'G28'.startswith('G') } { 'a,b'.replace(',', ';') }"))
        .isEqualTo("True a;b");
    assertThat(render("{ '%.2f' % 3.14159 } { 'X%d Y%s' % (3.7, 'a') } { \"%5.1f%%\" % 12 }"))
        .isEqualTo("3.14 X3 Ya  12.0%");
    assertThat(render("{ 'T={} {:.1f}'.format(5, 2.25) }")).isEqualTo("T=5 2.2");
  }

  @Test
  void printsValuesAsPythonDoes() {
    assertThat(render("{ 'G28'.startswith('G') } { 1 == 2 } { [1, 'a'] } { {'k': 1.5} }"))
        .isEqualTo("True False [1, 'a'] {'k': 1.5}");
    assertThat(render("{% for k in {'b': 1, 'a': 2} %}{k}{% endfor %} { 7 / 2 } { 2 + 3 * 4 }"))
        .isEqualTo("ba 3.5 14");
    assertThat(render("[{ params.MISSING }] { 0.1 + 0.2 } { 1e-5 } { 100000000000000000.0 }"))
        .isEqualTo("[] 0.30000000000000004 1e-05 1e+17");
    assertThat(render("{ {'k': [1, True]}|string }")).isEqualTo("{'k': [1, True]}");
  }

  @Test
  void actionFunctionsReachTheMacroRunner() {
    assertThat(render("{action_respond_info(\"temp %.1f\" % 21.25)}done")).isEqualTo("done");
    assertThat(said).containsExactly("info: temp 21.2");
    said.clear();
    assertThatThrownBy(() -> render("{ action_raise_error('not homed') }{action_respond_info('x')}"))
        .hasMessage("not homed");
    assertThat(said).isEmpty(); // nothing after the raise runs
    render("{ action_emergency_stop() }");
    assertThat(said).containsExactly("stop: action_emergency_stop");
  }

  @Test
  void reportsErrorsTheWayKlipperDoes() {
    assertThatThrownBy(() -> ENGINE.compile("gcode_macro X:gcode", "G28\n{% if %}\nG1"))
        .isInstanceOf(TemplateError.class)
        .hasMessageStartingWith("Error loading template 'gcode_macro X:gcode'\nline 2:");
    assertThatThrownBy(() -> ENGINE.compile("m:gcode", "G1 X{params.X"))
        .hasMessageContaining("'{' is not closed by '}'");
    assertThatThrownBy(() -> render("{ '%d' % 'abc' }"))
        .hasMessageStartingWith("Error evaluating 'test':");
  }

  /** Every macro and template in Klipper's sample configs and tests compiles. */
  @Test
  void compilesEveryCorpusMacro() {
    int count = 0;
    for (String file : List.of("klipper-configs/sample-macros.cfg",
        "klipper-configs/sample-mmu2s-diy.cfg", "klipper-configs/sample-idex.cfg",
        "klipper-tests/macros.cfg", "klipper-configs/sample-lcd.cfg")) {
      Config cfg = Config.load(Shared.dir().resolve("corpus").resolve(file));
      for (String name : cfg.sectionNames()) {
        ConfigSection s = cfg.section(name);
        for (String option : List.of("gcode", "enable_gcode", "disable_gcode", "text")) {
          if (s.has(option)) {
            ENGINE.compile(name + ":" + option, s.get(option));
            count++;
          }
        }
      }
    }
    assertThat(count).isGreaterThan(20);
  }

  @Test
  void parsesPythonLiterals() {
    assertThat(PyLiteral.parse("12.0")).isEqualTo(12.0);
    assertThat(PyLiteral.parse("-3")).isEqualTo(-3L);
    assertThat(PyLiteral.parse("'pla'")).isEqualTo("pla");
    assertThat(PyLiteral.parse("[(10, 10), (190, 190.5)]"))
        .isEqualTo(List.of(List.of(10L, 10L), List.of(190L, 190.5)));
    assertThat(PyLiteral.parse("{'a': True, 'b': None}")).asString()
        .isEqualTo("{a=true, b=null}");
    assertThatThrownBy(() -> PyLiteral.parse("abc")).hasMessageContaining("strings need quotes");
    assertThat(PyRepr.repr(List.of(1L, 2.5, "x", true))).isEqualTo("[1, 2.5, 'x', True]");
    assertThat(PyFormat.format("%06.2f|%-4d|%x|%s", List.of(3.14159, 7L, 255L, List.of(1L))))
        .isEqualTo("003.14|7   |ff|[1]");
  }

  @Test
  void strFormatAlignsAndFormatsPercentagesAsPython() {
    // The display's status screen: progress and speed factor as percentages.
    assertThat(render("{ \"{:>4.0%}\".format(0.5) }")).isEqualTo(" 50%");
    assertThat(render("{ \"{:^10.0%}\".format(0.25) }")).isEqualTo("   25%    ");
    assertThat(render("{ \"{:^4.0%}\".format(1.0) }")).isEqualTo("100%");
    assertThat(render("{ \"[{:<6}]\".format('ab') }")).isEqualTo("[ab    ]");
    assertThat(render("{ \"[{:*^7.2f}]\".format(1.5) }")).isEqualTo("[*1.50**]");
    assertThat(render("{ \"{:05d}\".format(-42) }")).isEqualTo("-0042");
  }
}
