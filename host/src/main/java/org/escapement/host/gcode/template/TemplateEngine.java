package org.escapement.host.gcode.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.FatalTemplateErrorsException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError.ErrorType;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Klipper's G-code templates on Jinjava: single-brace expressions, Python string methods and
 * formatting, and the {@code action_*} functions macros call.
 */
public final class TemplateEngine {
  /** What the {@code action_*} functions do; the macro running the template supplies it. */
  public interface Actions {
    void respondInfo(String message);

    /** Ends the template with an error ("!! message"). */
    void raiseError(String message);

    void emergencyStop(String message);

    void callRemoteMethod(String method, Map<String, Object> arguments);
  }

  /** The render in progress on this thread: its actions, and whether one raised an error. */
  private static final class Render {
    final Actions actions;
    RuntimeException raised;

    Render(Actions actions) {
      this.actions = actions;
    }
  }

  private static final ThreadLocal<Render> CURRENT = new ThreadLocal<>();
  private final Jinjava jinjava;

  public TemplateEngine() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PyStringResolver());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
    // Python's semantics where Jinjava offers the choice: for-loops over a dict see its keys,
    // dict literal keys are expressions, operators bind as in Python, output is Python-ish.
    LegacyOverrides python = LegacyOverrides.newBuilder()
        .withIterateOverMapKeys(true)
        .withEvaluateMapKeys(true)
        .withUseNaturalOperatorPrecedence(true)
        .withUsePyishObjectMapper(true)
        .build();
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withElResolver(resolver)
        .withLegacyOverrides(python)
        .withMaxRenderDepth(20)
        .build();
    jinjava = new Jinjava(config);
    jinjava.getGlobalContext().registerFilter(new Filter() {
      @Override
      public String getName() {
        return KlipperSyntax.FORMAT_FILTER;
      }

      @Override
      public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args,
          Map<String, Object> kwargs) {
        return PyFormat.format(PyRepr.str(var), Arrays.asList(args));
      }

      @Override
      public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return PyFormat.format(PyRepr.str(var), Arrays.asList((Object[]) args));
      }
    });
    jinjava.getGlobalContext().registerFilter(new Filter() {
      @Override
      public String getName() {
        return KlipperSyntax.STR_FILTER;
      }

      @Override
      public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return var == null ? "" : PyRepr.str(var); // undefined prints empty, as in Jinja
      }
    });
    jinjava.getGlobalContext().registerFilter(new Filter() {
      @Override
      public String getName() {
        return "string"; // Python's str(): {'a': 1}, True, not Java's toString
      }

      @Override
      public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return var == null ? "None" : PyRepr.str(var);
      }
    });
    register("action_respond_info", "respondInfo", Object.class);
    register("action_raise_error", "raiseError", Object.class);
    register("action_emergency_stop", "emergencyStop", Object[].class);
    register("action_call_remote_method", "callRemoteMethod", String.class, Object[].class);
  }

  /**
   * Adds a function every template of this engine may call (a static method; named
   * arguments arrive as {@link com.hubspot.jinjava.el.ext.NamedParameter}s).
   */
  public void registerFunction(String name, Class<?> owner, String method, Class<?>... types) {
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", name, owner, method, types));
  }

  private void register(String name, String method, Class<?>... types) {
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", name, TemplateEngine.class, method, types));
  }

  // ---- the action_* functions: static, bound to the render in progress ----

  /** Runs an action unless an earlier one raised: Python would have stopped there. */
  private static void act(java.util.function.Consumer<Actions> action) {
    Render r = CURRENT.get();
    if (r == null) {
      throw new IllegalStateException("action function outside a template render");
    }
    if (r.raised != null) {
      return;
    }
    try {
      action.accept(r.actions);
    } catch (RuntimeException e) {
      r.raised = e;
      throw e;
    }
  }

  public static String respondInfo(Object message) {
    act(a -> a.respondInfo(PyRepr.str(message)));
    return "";
  }

  public static String raiseError(Object message) {
    act(a -> a.raiseError(PyRepr.str(message)));
    return "";
  }

  public static String emergencyStop(Object... message) {
    act(a -> a.emergencyStop(message.length == 0 ? "action_emergency_stop"
        : PyRepr.str(message[0])));
    return "";
  }

  public static String callRemoteMethod(String method, Object... arguments) {
    Map<String, Object> kwargs = arguments.length > 0 && arguments[0] instanceof Map<?, ?> m
        ? castMap(m) : Map.of();
    act(a -> a.callRemoteMethod(method, kwargs));
    return "";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /**
   * Reads a template; syntax errors are reported as Klipper does: "Error loading template
   * 'NAME'" with the line and the problem.
   */
  public Template compile(String name, String source) {
    String converted;
    try {
      converted = KlipperSyntax.toJinjava(source);
    } catch (TemplateError e) {
      throw loadError(name, source, e.line(), e.getMessage());
    }
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
    interpreter.parse(converted);
    for (com.hubspot.jinjava.interpret.TemplateError e : interpreter.getErrors()) {
      if (e.getSeverity() == ErrorType.FATAL) {
        throw loadError(name, source, e.getLineno(), e.getMessage());
      }
    }
    return new Template(name, converted);
  }

  private static TemplateError loadError(String name, String source, int line, String what) {
    List<String> lines = source.lines().toList();
    String text = line >= 1 && line <= lines.size() ? lines.get(line - 1).strip() : "";
    return new TemplateError(line, "Error loading template '" + name + "'\nline " + line
        + ": " + text + " # " + what);
  }

  /** A compiled template. */
  public final class Template {
    private final String name;
    private final String converted;

    private Template(String name, String converted) {
      this.name = name;
      this.converted = converted;
    }

    public String name() {
      return name;
    }

    /**
     * Renders with {@code context} as the template's variables.
     *
     * @throws TemplateError "Error evaluating 'NAME': ..." when the template fails
     * @throws RuntimeException whatever an action function threw (action_raise_error)
     */
    public String render(Map<String, Object> context, Actions actions) {
      Render previous = CURRENT.get();
      Render render = new Render(actions);
      CURRENT.set(render);
      RenderResult result;
      try {
        result = jinjava.renderForResult(converted, context);
      } catch (FatalTemplateErrorsException e) {
        if (render.raised != null) {
          throw render.raised;
        }
        throw evaluationError(e.getMessage());
      } finally {
        if (previous == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(previous);
        }
      }
      if (render.raised != null) {
        throw render.raised; // action_raise_error, or an action that failed
      }
      for (com.hubspot.jinjava.interpret.TemplateError e : result.getErrors()) {
        if (e.getSeverity() == ErrorType.FATAL) {
          throw evaluationError(e.getMessage());
        }
      }
      return result.getOutput();
    }

    private TemplateError evaluationError(String what) {
      return new TemplateError(0, "Error evaluating '" + name + "': " + what);
    }
  }

}
