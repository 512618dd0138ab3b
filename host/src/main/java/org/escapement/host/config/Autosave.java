package org.escapement.host.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SAVE_CONFIG block at the end of printer.cfg: values the printer saved itself (PID
 * gains, bed meshes...), each line behind {@code #*# }. On load a value set in the main file
 * (or an include) wins over the block's; SAVE_CONFIG comments out the main file's copies so
 * that the saved values take effect.
 */
public final class Autosave {
  static final String HEADER = "\n#*# <---------------------- SAVE_CONFIG ---------------------->\n"
      + "#*# DO NOT EDIT THIS BLOCK OR BELOW. The contents are auto-generated.\n#*#\n";
  private static final System.Logger LOG = System.getLogger("config");
  private static final Pattern COMMENT = Pattern.compile("[#;].*$");
  private static final Pattern AFTER_NAME = Pattern.compile("[^A-Za-z0-9_].*$");

  /** printer.cfg cut in two; {@code warning} says why a damaged block was ignored. */
  record Split(String regular, String block, int blockFirstLine, String warning) {}

  private Autosave() {}

  static Split split(String data) {
    int pos = data.indexOf(HEADER);
    if (pos < 0) {
      if (data.contains("\n#*# ")) {
        return new Split(data, "", 0, "Can't read the SAVE_CONFIG block of the config file:"
            + " its header is missing or damaged, so it is ignored");
      }
      return new Split(data, "", 0, null);
    }
    String regular = data.substring(0, pos);
    String rest = data.substring(pos + HEADER.length());
    if (regular.contains("\n#*# ") || rest.contains(HEADER)) {
      return new Split(data, "", 0, "Can't read the SAVE_CONFIG block of the config file:"
          + " it appears more than once, so it is ignored");
    }
    int firstLine = (int) data.substring(0, pos + HEADER.length()).chars()
        .filter(c -> c == '\n').count() + 1;
    StringBuilder out = new StringBuilder();
    String trimmed = rest.strip();
    if (!trimmed.isEmpty()) {
      int lineNo = firstLine;
      for (String line : rest.split("\n", -1)) {
        if (!line.startsWith("#*#") || (line.length() >= 4 && !line.startsWith("#*# "))) {
          if (!line.isBlank()) {
            return new Split(data, "", 0, "Can't read the SAVE_CONFIG block of the config file:"
                + " line " + lineNo + " was edited by hand, so the block is ignored");
          }
        }
        out.append(line.length() >= 4 ? line.substring(4) : "").append('\n');
        lineNo++;
      }
    }
    return new Split(regular, out.toString(), firstLine, null);
  }

  /** Comments out, in {@code data}, every option that {@code defined} also sets. */
  static String commentOutDuplicates(String data, ConfigFile defined) {
    String[] lines = data.split("\n", -1);
    String section = null;
    boolean inDuplicate = false;
    for (int i = 0; i < lines.length; i++) {
      String pruned = COMMENT.matcher(lines[i]).replaceAll("").stripTrailing();
      if (pruned.isEmpty()) {
        continue;
      }
      if (Character.isWhitespace(pruned.charAt(0))) {
        if (inDuplicate) {
          lines[i] = "#" + lines[i]; // continuation of a commented-out value
        }
        continue;
      }
      inDuplicate = false;
      if (pruned.charAt(0) == '[') {
        section = pruned.substring(1, pruned.length() - 1).strip();
        continue;
      }
      String field = AFTER_NAME.matcher(pruned).replaceAll("").toLowerCase(Locale.ROOT);
      ConfigFile.Section s = section == null ? null : defined.section(section);
      if (s != null && s.option(field) != null) {
        inDuplicate = true;
        lines[i] = "#" + lines[i];
      }
    }
    return String.join("\n", lines);
  }

  static Config load(Path file) {
    Split split = split(ConfigFile.readText(file));
    if (split.warning() != null) {
      LOG.log(System.Logger.Level.WARNING, split.warning());
    }
    ConfigFile merged = ConfigFile.parse(split.regular(), file);
    // Blank lines first, so origins in the block point at the real lines of printer.cfg.
    String block = "\n".repeat(Math.max(0, split.blockFirstLine() - 1))
        + commentOutDuplicates(split.block(), merged);
    ConfigFile saved = ConfigFile.parse(block, file);
    merged.append(block, file);
    return new Config(file, merged, saved);
  }

  /** Values to save, by section then option; a null section map removes the section. */
  public static final class Pending {
    private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();

    /** Starts from what the block holds now. */
    public static Pending of(ConfigFile saved) {
      Pending p = new Pending();
      for (ConfigFile.Section s : saved.sections()) {
        Map<String, String> opts = new LinkedHashMap<>();
        s.options().values().forEach(e -> opts.put(e.name(), e.value()));
        p.sections.put(s.name(), opts);
      }
      return p;
    }

    public void set(String section, String option, String value) {
      sections.computeIfAbsent(section, k -> new LinkedHashMap<>())
          .put(option.toLowerCase(Locale.ROOT), value);
    }

    public void removeSection(String section) {
      sections.remove(section);
    }

    public boolean isEmpty() {
      return sections.isEmpty();
    }

    /** configparser's write format, as the block stores it. */
    String render() {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, Map<String, String>> s : sections.entrySet()) {
        sb.append('[').append(s.getKey()).append("]\n");
        for (Map.Entry<String, String> o : s.getValue().entrySet()) {
          sb.append(o.getKey()).append(" = ").append(o.getValue().replace("\n", "\n\t"))
              .append('\n');
        }
        sb.append('\n');
      }
      return sb.toString().strip();
    }
  }

  /**
   * SAVE_CONFIG: writes {@code pending} as the file's block, comments out the main file's
   * copies of those options, keeps a dated backup of the old file and replaces printer.cfg in
   * one atomic rename (so it is never missing or half-written).
   *
   * @return the backup's path
   * @throws ConfigError if the file cannot be read or written, its block is damaged, or a
   *     saved option is set in an included file (it would silently win over the saved one)
   */
  public static Path save(Path file, Pending pending, LocalDateTime now) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER.stripTrailing());
    for (String l : pending.render().split("\n", -1)) {
      lines.add(("#*# " + l).strip());
    }
    String block = String.join("\n", lines) + "\n";
    Split old = split(ConfigFile.readText(file));
    if (old.warning() != null) {
      throw new ConfigError("Existing config autosave is corrupted. Can't complete SAVE_CONFIG"
          + " (" + old.warning() + ")");
    }
    ConfigFile savedValues = ConfigFile.parse(pending.render(), file);
    String regular = commentOutDuplicates(old.regular(), savedValues);
    String data = regular.stripTrailing() + "\n" + block;
    Split check = split(data);
    if (check.warning() != null) {
      throw new ConfigError("Existing config autosave is corrupted. Can't complete SAVE_CONFIG");
    }
    ConfigFile stillDefined = ConfigFile.parse(check.regular(), file);
    for (ConfigFile.Section s : savedValues.sections()) {
      ConfigFile.Section other = stillDefined.section(s.name());
      for (ConfigFile.Entry e : s.options().values()) {
        if (other != null && other.option(e.name()) != null) {
          throw new ConfigError("SAVE_CONFIG section '" + s.name() + "' option '" + e.name()
              + "' conflicts with included value (" + other.option(e.name()).origin() + ")");
        }
      }
    }
    String name = file.getFileName().toString();
    String stamp = now.format(DateTimeFormatter.ofPattern("-yyyyMMdd_HHmmss"));
    String base = name.endsWith(".cfg") ? name.substring(0, name.length() - 4) : name;
    String ext = name.endsWith(".cfg") ? ".cfg" : "";
    Path backup = file.resolveSibling(base + stamp + ext);
    Path temp = file.resolveSibling(base + "_autosave" + ext);
    try {
      Files.writeString(temp, data, StandardCharsets.UTF_8);
      Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.COPY_ATTRIBUTES);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ConfigError("Unable to write config file during SAVE_CONFIG: " + e.getMessage(),
          e);
    }
    return backup;
  }
}
