package org.escapement.host.modules;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Autosave;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigError;
import org.escapement.host.config.ConfigFile;
import org.escapement.host.gcode.GCodeDispatch;
import org.escapement.host.printer.Printer;
import org.escapement.host.printer.StatusProvider;

/** {@code printer.configfile}: the raw config and the settings modules read from it. */
public final class ConfigFileStatus implements StatusProvider {
  private final Config config;
  private Autosave.Pending pending;
  private final Map<String, Map<String, String>> pendingItems = new LinkedHashMap<>();

  public ConfigFileStatus(Config config) {
    this.config = config;
  }

  /** Keeps a value for the SAVE_CONFIG block (PID_CALIBRATE's gains, a bed mesh...). */
  public void set(String section, String option, String value) {
    if (pending == null) {
      pending = Autosave.Pending.of(config.autosave());
    }
    pending.set(section, option, value);
    pendingItems.computeIfAbsent(section, k -> new LinkedHashMap<>())
        .put(option.toLowerCase(java.util.Locale.ROOT), value);
    System.getLogger("config").log(System.Logger.Level.INFO,
        "save_config: set [" + section + "] " + option + " = " + value);
  }

  /** Drops a section from the SAVE_CONFIG block (to write it anew). */
  public void removeSection(String section) {
    if (pending == null) {
      pending = Autosave.Pending.of(config.autosave());
    }
    pending.removeSection(section);
    pendingItems.remove(section);
  }

  /**
   * Registers SAVE_CONFIG (once): writes the kept values into printer.cfg's block, then
   * restarts so they take effect.
   */
  public void registerSaveConfig(Printer printer) {
    GCodeDispatch gcode = printer.lookupObject("gcode", GCodeDispatch.class);
    if (gcode.handler("SAVE_CONFIG") != null) {
      return;
    }
    gcode.register("SAVE_CONFIG", c -> {
      if (pending == null) {
        return;
      }
      try {
        Autosave.save(config.file(), pending, LocalDateTime.now());
      } catch (ConfigError e) {
        throw c.error(e.getMessage());
      }
      // As RESTART: heaters, fans and motors off, queued motion finished, then the restart.
      // Exiting at once left a heater on until the MCU's max_duration shut it down.
      gcode.requestRestart("restart");
    }, false, "Overwrite config file and restart");
  }

  public Config config() {
    return config;
  }

  @Override
  public Map<String, Object> status(double eventtime) {
    Map<String, Object> raw = new LinkedHashMap<>();
    for (ConfigFile.Section s : config.raw().sections()) {
      Map<String, Object> opts = new LinkedHashMap<>();
      s.options().values().forEach(e -> opts.put(e.name(), e.value()));
      raw.put(s.name().toLowerCase(java.util.Locale.ROOT), opts);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("config", raw);
    out.put("settings", config.settings());
    out.put("save_config_pending", pending != null);
    out.put("save_config_pending_items", pendingItems);
    out.put("warnings", java.util.List.of());
    return out;
  }
}
