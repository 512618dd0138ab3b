package org.escapement.host.modules;

import java.util.HashMap;
import java.util.Map;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigSection;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.gcode.GCodeError;
import org.escapement.host.gcode.template.TemplateEngine;
import org.escapement.host.gcode.template.TemplateError;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.PrinterStatusView;

/**
 * What G-code templates share ({@code gcode_macro}, {@code delayed_gcode} and the other
 * modules with a {@code gcode:} option): the engine, the {@code printer} view and the
 * actions. One per printer, registered as {@code gcode_macro}.
 */
public final class MacroSupport {
  private static final System.Logger LOG = System.getLogger("gcode_macro");
  private final Printer printer;
  private final TemplateEngine engine = new TemplateEngine();

  public MacroSupport(Printer printer) {
    this.printer = printer;
  }

  /** The one instance, created on first use. */
  public static MacroSupport of(Printer printer) {
    MacroSupport m = printer.lookupObjectOrNull("gcode_macro", MacroSupport.class);
    if (m == null) {
      m = new MacroSupport(printer);
      printer.addObject("gcode_macro", m);
    }
    return m;
  }

  /** The engine every template of this printer compiles with. */
  public TemplateEngine engine() {
    return engine;
  }

  /** Reads and compiles a template option; a syntax error is a config error. */
  public TemplateEngine.Template load(ConfigSection section, String option, String fallback) {
    String source = fallback == null ? section.get(option) : section.get(option, fallback);
    try {
      return engine.compile(section.name() + ":" + option, source);
    } catch (TemplateError e) {
      throw new ConfigError(e.getMessage());
    }
  }

  /** The variables every template sees: {@code printer} at this moment. */
  public Map<String, Object> context() {
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("printer", new PrinterStatusView(printer, printer.reactor().monotonic()));
    return ctx;
  }

  /** Renders; failures become G-code errors ("!! ..."), as Klipper reports them. */
  public String render(TemplateEngine.Template template, Map<String, Object> context) {
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    try {
      return template.render(context, new TemplateEngine.Actions() {
        @Override
        public void respondInfo(String message) {
          gcode.respondInfo(message);
        }

        @Override
        public void raiseError(String message) {
          throw new GCodeError(message);
        }

        @Override
        public void emergencyStop(String message) {
          printer.invokeShutdown("Shutdown due to " + message);
        }

        @Override
        public void callRemoteMethod(String method, Map<String, Object> arguments) {
          // Klipper logs and goes on when no API client offers the method.
          LOG.log(System.Logger.Level.WARNING, "Remote method '" + method
              + "' not registered (no API client offers it)");
        }
      });
    } catch (TemplateError e) {
      throw new GCodeError(e.getMessage());
    }
  }

  /** Renders and runs the result as G-code, from inside a command. */
  public void run(TemplateEngine.Template template, Map<String, Object> context) {
    String script = render(template, context);
    printer.lookupObject("gcode", GCodeDispatch.class).runScriptFromCommand(script);
  }
}
