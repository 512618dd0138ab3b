package org.escapement.host.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The loaded printer configuration: the main file with its includes and its SAVE_CONFIG block,
 * and a record of every option the modules read, so that unknown sections and options can be
 * reported once all modules have loaded.
 */
public final class Config {
  private final Path file;
  private final ConfigFile merged;
  private final ConfigFile autosave;
  /** (section, option) lower-case to the value read. */
  private final Map<String, Map<String, Object>> accessed = new LinkedHashMap<>();

  Config(Path file, ConfigFile merged, ConfigFile autosave) {
    this.file = file;
    this.merged = merged;
    this.autosave = autosave;
  }

  /** Reads {@code printer.cfg}, its includes and its SAVE_CONFIG block. */
  public static Config load(Path file) {
    return Autosave.load(file);
  }

  /** A configuration from text (tests, `run` with a string). */
  public static Config fromText(String text, Path file) {
    return new Config(file, ConfigFile.parse(text, file), ConfigFile.parse("", file));
  }

  public Path file() {
    return file;
  }

  public ConfigFile raw() {
    return merged;
  }

  /** The values from the SAVE_CONFIG block. */
  public ConfigFile autosave() {
    return autosave;
  }

  /**
   * Sets an option from outside the file (a command-line override); it wins over the file and
   * errors about it say where it came from.
   */
  public void override(String section, String option, String value, String from) {
    merged.put(section, option, value, new Origin(java.nio.file.Path.of(from), 0));
  }

  public boolean hasSection(String name) {
    return merged.hasSection(name);
  }

  /** A section (possibly absent: then every option takes its default). */
  public ConfigSection section(String name) {
    return new ConfigSection(this, name, merged.section(name));
  }

  public List<ConfigSection> sectionsWithPrefix(String prefix) {
    List<ConfigSection> out = new ArrayList<>();
    for (ConfigFile.Section s : merged.sectionsWithPrefix(prefix)) {
      out.add(new ConfigSection(this, s.name(), s));
    }
    return out;
  }

  public List<String> sectionNames() {
    return merged.sectionNames();
  }

  void noteAccess(String section, String option, Object value) {
    accessed.computeIfAbsent(section.toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>())
        .put(option, value);
  }

  /** Options read so far, by section (the {@code configfile.settings} status). */
  public Map<String, Map<String, Object>> settings() {
    return accessed;
  }

  /**
   * After all modules have loaded: every section must belong to a module and every option
   * must have been read. Options set in the SAVE_CONFIG block are exempt.
   *
   * @param moduleSections lower-case names of the sections that modules claimed
   */
  public void checkUnused(Collection<String> moduleSections) {
    Set<String> valid = new java.util.HashSet<>(moduleSections);
    valid.addAll(accessed.keySet());
    for (ConfigFile.Section s : merged.sections()) {
      String section = s.name().toLowerCase(Locale.ROOT);
      if (!valid.contains(section)) {
        throw new ConfigError("Section '" + section + "' is not a valid config section ("
            + s.origin() + ")");
      }
      Map<String, Object> read = accessed.getOrDefault(section, Map.of());
      ConfigFile.Section saved = autosave.section(s.name());
      for (ConfigFile.Entry e : s.options().values()) {
        if (!read.containsKey(e.name()) && (saved == null || saved.option(e.name()) == null)) {
          throw new ConfigError("Option '" + e.name() + "' is not valid in section '" + section
              + "' (" + e.origin() + ")");
        }
      }
    }
  }
}
