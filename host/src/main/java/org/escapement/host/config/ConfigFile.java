package org.escapement.host.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A printer configuration in Klipper's dialect of INI, read with its includes.
 *
 * <ul>
 *   <li>{@code [section name]} headers; {@code key: value} or {@code key = value}; option
 *       names are case-insensitive, section names keep their case.
 *   <li>Everything after {@code #} on any line is a comment (so no value contains {@code #});
 *       {@code ;} starts a comment at the start of a line or after whitespace.
 *   <li>A line indented deeper than its option continues the option's value (macros,
 *       tables); blank lines inside such a value are kept.
 *   <li>A section or option given twice merges, the later value winning, so an included file
 *       overrides what came before it and is overridden by what follows.
 *   <li>{@code [include glob]} splices files in, relative to the including file, globs sorted;
 *       a missing plain file and a file including itself are errors.
 * </ul>
 */
public final class ConfigFile {
  /** One option: its value and where the value was set. */
  public record Entry(String name, String value, Origin origin) {}

  /** A section: its name as written and its options by lower-case name, in order. */
  public static final class Section {
    private final String name;
    private final Origin origin;
    private final Map<String, Entry> options = new LinkedHashMap<>();

    Section(String name, Origin origin) {
      this.name = name;
      this.origin = origin;
    }

    public String name() {
      return name;
    }

    public Origin origin() {
      return origin;
    }

    public Map<String, Entry> options() {
      return Collections.unmodifiableMap(options);
    }

    public Entry option(String name) {
      return options.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static final Pattern SECTION = Pattern.compile("\\[(?<header>.+)\\]");
  private static final Pattern OPTION = Pattern.compile("(?<name>.*?)\\s*[=:]\\s*(?<value>.*)");

  private final Map<String, Section> sections = new LinkedHashMap<>();

  private ConfigFile() {}

  /** Sets one option (a value given outside the file), creating the section if needed. */
  void put(String section, String option, String value, Origin origin) {
    Section s = sections.computeIfAbsent(section,
        k -> new Section(section, origin));
    s.options.put(option.toLowerCase(java.util.Locale.ROOT), new Entry(option, value, origin));
  }

  /** Reads {@code file} and everything it includes. */
  public static ConfigFile read(Path file) {
    ConfigFile cfg = new ConfigFile();
    cfg.parseFile(file, new HashSet<>());
    return cfg;
  }

  /** Parses text as if it were a file at {@code file} (includes resolve beside it). */
  public static ConfigFile parse(String text, Path file) {
    ConfigFile cfg = new ConfigFile();
    cfg.parseText(text, file, new HashSet<>());
    return cfg;
  }

  /** Merges more text in, as a later file would (the autosave block does this). */
  void append(String text, Path file) {
    parseText(text, file, new HashSet<>());
  }

  static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (NoSuchFileException e) {
      throw new ConfigError("Unable to open config file " + file + ": no such file");
    } catch (IOException e) {
      throw new ConfigError("Unable to open config file " + file + ": " + e.getMessage(), e);
    }
  }

  private void parseFile(Path file, Set<Path> visiting) {
    parseText(readText(file), file, visiting);
  }

  private void parseText(String text, Path file, Set<Path> visiting) {
    Path abs = file == null ? null : file.toAbsolutePath().normalize();
    if (abs != null && !visiting.add(abs)) {
      throw new ConfigError("Recursive include of config file '" + file + "'");
    }
    try {
      new Reader(file, visiting).read(text);
    } finally {
      if (abs != null) {
        visiting.remove(abs);
      }
    }
  }

  /** Parses one file's lines; an include restarts the section context, as Klipper's does. */
  private final class Reader {
    private final Path file;
    private final Set<Path> visiting;
    private Section current;
    private String optionName;
    private List<String> optionLines;
    private Origin optionOrigin;
    private int optionIndent;

    Reader(Path file, Set<Path> visiting) {
      this.file = file;
      this.visiting = visiting;
    }

    void read(String text) {
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        line(lines[i], i + 1);
      }
      endOption();
    }

    private void line(String raw, int lineNo) {
      Origin at = new Origin(file, lineNo);
      int hash = raw.indexOf('#');
      String line = hash >= 0 ? raw.substring(0, hash) : raw;
      int semi = inlineSemicolon(line);
      if (semi >= 0) {
        line = line.substring(0, semi);
      }
      String value = line.strip();
      if (value.isEmpty()) {
        // A blank line inside a multi-line value stays in it (trailing ones are trimmed);
        // a line that only held a ';' comment does not.
        if (optionLines != null && !(semi >= 0)) {
          optionLines.add("");
        }
        return;
      }
      int indent = indentOf(line);
      if (optionLines != null && indent > optionIndent) {
        optionLines.add(value);
        return;
      }
      endOption();
      Matcher sect = SECTION.matcher(value);
      if (sect.lookingAt()) { // like configparser: text after the closing ']' is ignored
        String header = sect.group("header");
        if (header.startsWith("include ")) {
          include(header.substring(8).strip(), at);
          current = null;
          return;
        }
        current = sections.computeIfAbsent(header, h -> new Section(h, at));
        return;
      }
      if (current == null) {
        throw new ConfigError(at + ": '" + value + "' is outside any section"
            + " (a [section] header must come first, and after an [include] line)");
      }
      Matcher opt = OPTION.matcher(value);
      if (!opt.matches() || opt.group("name").isEmpty()) {
        throw new ConfigError(at + ": '" + value + "' in section '" + current.name()
            + "' is not 'option: value'");
      }
      optionName = opt.group("name").strip();
      optionLines = new ArrayList<>();
      optionLines.add(opt.group("value").strip());
      optionOrigin = at;
      optionIndent = indent;
    }

    /** Position of a ';' that starts an inline comment (line start or after whitespace). */
    private static int inlineSemicolon(String line) {
      for (int i = line.indexOf(';'); i >= 0; i = line.indexOf(';', i + 1)) {
        if (i == 0 || Character.isWhitespace(line.charAt(i - 1))) {
          return i;
        }
      }
      return -1;
    }

    private static int indentOf(String line) {
      int i = 0;
      while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      return i;
    }

    private void endOption() {
      if (optionLines == null) {
        return;
      }
      String value = String.join("\n", optionLines).stripTrailing();
      String key = optionName.toLowerCase(java.util.Locale.ROOT);
      current.options.remove(key); // a later setting moves to the end, like configparser
      current.options.put(key, new Entry(key, value, optionOrigin));
      optionLines = null;
    }

    private void include(String spec, Origin at) {
      Path dir = file == null ? Path.of("") : file.toAbsolutePath().getParent();
      List<Path> matches = glob(dir, spec);
      boolean magic = spec.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
      if (matches.isEmpty() && !magic) {
        throw new ConfigError(at + ": Include file '" + dir.resolve(spec) + "' does not exist");
      }
      for (Path p : matches) {
        parseFile(p, visiting);
      }
    }
  }

  /** Files matching a glob relative to {@code dir}, sorted by path. */
  static List<Path> glob(Path dir, String spec) {
    Path pattern = dir.resolve(spec).normalize();
    // Walk from the deepest directory without wildcards.
    Path base = pattern.getRoot() == null ? Path.of("") : pattern.getRoot();
    int firstMagic = -1;
    for (int i = 0; i < pattern.getNameCount(); i++) {
      String part = pattern.getName(i).toString();
      if (part.contains("*") || part.contains("?") || part.contains("[")) {
        firstMagic = i;
        break;
      }
      base = base.resolve(part);
    }
    if (firstMagic < 0) {
      return Files.isRegularFile(pattern) ? List.of(pattern) : List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    int depth = pattern.getNameCount() - firstMagic;
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(base, depth)) {
      return s.filter(Files::isRegularFile).filter(m::matches).sorted().toList();
    } catch (IOException e) {
      throw new ConfigError("Unable to read " + base + ": " + e.getMessage(), e);
    }
  }

  public List<String> sectionNames() {
    return List.copyOf(sections.keySet());
  }

  public Section section(String name) {
    return sections.get(name);
  }

  public boolean hasSection(String name) {
    return sections.containsKey(name);
  }

  public List<Section> sections() {
    return List.copyOf(sections.values());
  }

  /** Sections whose name starts with {@code prefix} (e.g. {@code "gcode_macro "}). */
  public List<Section> sectionsWithPrefix(String prefix) {
    return sections.values().stream().filter(s -> s.name().startsWith(prefix)).toList();
  }

  /** The configuration as text, section by section (the log's config dump). */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Section s : sections.values()) {
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append('[').append(s.name()).append("]\n");
      for (Entry e : s.options.values()) {
        sb.append(e.name()).append(" = ").append(e.value().replace("\n", "\n\t")).append('\n');
      }
    }
    return sb.toString().strip();
  }
}
