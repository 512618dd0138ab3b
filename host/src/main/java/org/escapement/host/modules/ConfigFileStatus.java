package org.escapement.host.modules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.escapement.host.config.Config;
import org.escapement.host.config.ConfigFile;
import org.escapement.host.printer.StatusProvider;

/** {@code printer.configfile}: the raw config and the settings modules read from it. */
public final class ConfigFileStatus implements StatusProvider {
  private final Config config;

  public ConfigFileStatus(Config config) {
    this.config = config;
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
    out.put("save_config_pending", false);
    out.put("save_config_pending_items", Map.of());
    out.put("warnings", java.util.List.of());
    return out;
  }
}
