package org.escapement.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The MCU's data dictionary: every command and response it knows with their ids, the
 * enumerations and the build constants. MCUs serve it zlib-compressed through {@code
 * identify}; builds also write it as plain JSON ({@code .dict} files). Both forms load here.
 */
public final class Dictionary {
  /** identify and its response have fixed ids so that the dictionary itself can be fetched. */
  public static final int IDENTIFY_RESPONSE_ID = 0;

  public static final int IDENTIFY_ID = 1;
  public static final String IDENTIFY_RESPONSE_FORMAT = "identify_response offset=%u data=%.*s";
  public static final String IDENTIFY_FORMAT = "identify offset=%u count=%c";

  private static final int MAX_JSON_BYTES = 16 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final byte[] json;
  private final Map<Integer, MessageFormat> byId = new HashMap<>();
  private final Map<String, MessageFormat> commands = new LinkedHashMap<>();
  private final Map<String, MessageFormat> responses = new LinkedHashMap<>();
  private final Map<String, Enumeration> enumerations = new LinkedHashMap<>();
  private final Map<String, String> constants = new LinkedHashMap<>();
  private final String version;
  private final String buildVersions;
  private final String app;
  private final String license;

  private Dictionary(byte[] json, JsonNode root) {
    this.json = json;
    if (!root.isObject()) {
      throw new ProtocolException("dictionary JSON is not an object");
    }
    readEnumerations(root.path("enumerations"));
    add(IDENTIFY_RESPONSE_ID, IDENTIFY_RESPONSE_FORMAT, MessageFormat.Kind.RESPONSE);
    add(IDENTIFY_ID, IDENTIFY_FORMAT, MessageFormat.Kind.COMMAND);
    readMessages(root, "commands", MessageFormat.Kind.COMMAND, true);
    readMessages(root, "responses", MessageFormat.Kind.RESPONSE, true);
    readMessages(root, "output", MessageFormat.Kind.OUTPUT, false);
    JsonNode config = root.path("config");
    if (!config.isMissingNode() && !config.isObject()) {
      throw new ProtocolException("dictionary 'config' is not an object");
    }
    config.properties().forEach(e -> constants.put(e.getKey(),
        e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    version = root.path("version").asText("");
    buildVersions = root.path("build_versions").asText("");
    app = root.path("app").asText("");
    license = root.path("license").asText("");
  }

  /** Loads a dictionary in either form: zlib-compressed (from identify) or plain JSON. */
  public static Dictionary parse(byte[] data) {
    return looksLikeZlib(data) ? inflate(data) : parseJson(data);
  }

  /** Loads the zlib-compressed form an MCU serves through identify. */
  public static Dictionary inflate(byte[] compressed) {
    Inflater inflater = new Inflater();
    inflater.setInput(compressed);
    ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 6);
    byte[] chunk = new byte[8192];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new ProtocolException("dictionary zlib data is truncated (inflated "
              + out.size() + " bytes from " + compressed.length + ")");
        }
        out.write(chunk, 0, n);
        if (out.size() > MAX_JSON_BYTES) {
          throw new ProtocolException("dictionary inflates to more than " + MAX_JSON_BYTES
              + " bytes");
        }
      }
    } catch (DataFormatException e) {
      throw new ProtocolException("dictionary is not valid zlib data: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
    return parseJson(out.toByteArray());
  }

  public static Dictionary parseJson(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new ProtocolException("dictionary is neither zlib data nor valid JSON: "
          + e.getOriginalMessage() + where, e);
    } catch (IOException e) {
      throw new ProtocolException("cannot read dictionary JSON: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new ProtocolException("dictionary is empty");
    }
    return new Dictionary(json.clone(), root);
  }

  /** Reads a dictionary file, naming the file in any error. */
  public static Dictionary load(Path file) {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ProtocolException(file + ": no such file");
    } catch (IOException e) {
      throw new ProtocolException(file + ": " + e.getMessage(), e);
    }
    try {
      return parse(data);
    } catch (ProtocolException e) {
      throw new ProtocolException(file + ": " + e.getMessage(), e);
    }
  }

  private static boolean looksLikeZlib(byte[] d) {
    // RFC 1950 header: deflate method, and the two header bytes form a multiple of 31.
    return d.length >= 2 && (d[0] & 0x0F) == 8 && (((d[0] & 0xFF) << 8) | (d[1] & 0xFF)) % 31 == 0;
  }

  private void readEnumerations(JsonNode node) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw new ProtocolException("dictionary 'enumerations' is not an object");
    }
    node.properties().forEach(e -> {
      String name = e.getKey();
      if (!e.getValue().isObject()) {
        throw new ProtocolException("enumeration '" + name + "' is not an object");
      }
      Map<String, Integer> values = new LinkedHashMap<>();
      e.getValue().properties().forEach(v -> expand(name, v.getKey(), v.getValue(), values));
      enumerations.put(name, new Enumeration(name, values));
    });
  }

  /**
   * Adds one enumeration entry: either {@code "name": value} or the range form {@code
   * "PA0": [start, count]}, which stands for PA0..PA(count-1) with consecutive values (the
   * numeric suffix of the key, if any, is where the names start counting).
   */
  private static void expand(String enumName, String key, JsonNode v, Map<String, Integer> out) {
    if (v.isInt()) {
      out.put(key, v.intValue());
      return;
    }
    if (!v.isArray() || v.size() != 2 || !v.get(0).isInt() || !v.get(1).isInt()
        || v.get(1).intValue() < 0) {
      throw new ProtocolException("enumeration '" + enumName + "' entry '" + key
          + "' must be an integer or [start, count], not " + v);
    }
    int digits = key.length();
    while (digits > 0 && Character.isDigit(key.charAt(digits - 1))) {
      digits--;
    }
    String root = key.substring(0, digits);
    long first;
    try {
      first = digits == key.length() ? 0 : Long.parseLong(key.substring(digits));
    } catch (NumberFormatException ex) {
      throw new ProtocolException("enumeration '" + enumName + "' entry '" + key
          + "' has a number suffix too large to count from");
    }
    int start = v.get(0).intValue();
    int count = v.get(1).intValue();
    for (int i = 0; i < count; i++) {
      out.put(root + (first + i), start + i);
    }
  }

  private void readMessages(JsonNode root, String section, MessageFormat.Kind kind,
      boolean required) {
    JsonNode node = root.path(section);
    if (node.isMissingNode() && !required) {
      return;
    }
    if (!node.isObject()) {
      throw new ProtocolException(node.isMissingNode()
          ? "dictionary has no '" + section + "' section"
          : "dictionary '" + section + "' is not an object");
    }
    node.properties().forEach(e -> {
      if (!e.getValue().isInt()) {
        throw new ProtocolException("dictionary " + section + " entry '" + e.getKey()
            + "' has id " + e.getValue() + ", not an integer");
      }
      add(e.getValue().intValue(), e.getKey(), kind);
    });
  }

  private void add(int id, String format, MessageFormat.Kind kind) {
    MessageFormat existing = byId.get(id);
    if (existing != null) {
      if (existing.format().equals(format)) {
        return;
      }
      throw new ProtocolException("dictionary gives id " + id + " to both '"
          + existing.format() + "' and '" + format + "'");
    }
    MessageFormat mf = MessageFormat.of(id, format, kind, enumerations.values());
    byId.put(id, mf);
    if (kind == MessageFormat.Kind.COMMAND) {
      commands.put(mf.name(), mf);
    } else if (kind == MessageFormat.Kind.RESPONSE) {
      responses.put(mf.name(), mf);
    }
  }

  public Optional<MessageFormat> byId(int id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Optional<MessageFormat> command(String name) {
    return Optional.ofNullable(commands.get(name));
  }

  public Optional<MessageFormat> response(String name) {
    return Optional.ofNullable(responses.get(name));
  }

  /**
   * The command the host needs, checked against the format it expects, so that a firmware
   * whose command changed shape is caught at connect rather than misread later.
   *
   * @throws ProtocolException if the MCU lacks the command or declares other parameters
   */
  public MessageFormat requireCommand(String expectedFormat) {
    return require(commands, "command", expectedFormat);
  }

  public MessageFormat requireResponse(String expectedFormat) {
    return require(responses, "response", expectedFormat);
  }

  private MessageFormat require(Map<String, MessageFormat> map, String what, String expected) {
    String name = expected.trim().split("\\s+")[0];
    MessageFormat mf = map.get(name);
    if (mf == null) {
      throw new ProtocolException("MCU firmware has no " + what + " '" + name + "'");
    }
    if (!mf.format().equals(expected)) {
      throw new ProtocolException("MCU firmware " + what + " '" + name + "' has format '"
          + mf.format() + "', expected '" + expected + "'");
    }
    return mf;
  }

  public Collection<MessageFormat> commands() {
    return Collections.unmodifiableCollection(commands.values());
  }

  public Collection<MessageFormat> responses() {
    return Collections.unmodifiableCollection(responses.values());
  }

  /** Every message, sorted by id. */
  public List<MessageFormat> messages() {
    List<MessageFormat> all = new ArrayList<>(byId.values());
    all.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return all;
  }

  public Map<String, Enumeration> enumerations() {
    return Collections.unmodifiableMap(enumerations);
  }

  public Optional<Enumeration> enumeration(String name) {
    return Optional.ofNullable(enumerations.get(name));
  }

  /** Build constants ({@code CLOCK_FREQ}, {@code MCU}, ...) as text. */
  public Map<String, String> constants() {
    return Collections.unmodifiableMap(constants);
  }

  public Optional<String> constant(String name) {
    return Optional.ofNullable(constants.get(name));
  }

  /** A numeric constant; error if absent or not a number. */
  public double constantNumber(String name) {
    String v = constants.get(name);
    if (v == null) {
      throw new ProtocolException("MCU firmware constant '" + name + "' not found");
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ProtocolException("MCU firmware constant " + name + " is not a number: " + v);
    }
  }

  public String version() {
    return version;
  }

  public String buildVersions() {
    return buildVersions;
  }

  public String app() {
    return app;
  }

  public String license() {
    return license;
  }

  /** The dictionary's JSON text, as received. */
  public byte[] json() {
    return json.clone();
  }

  /**
   * Reads one message (id and parameters) at the reader's position.
   *
   * @throws UnknownMessageException if the id is not in this dictionary
   * @throws ProtocolException if the parameters run past the data
   */
  public Message read(PayloadReader in) {
    long at = in.offset();
    int id = in.readVlq();
    MessageFormat mf = byId.get(id);
    if (mf == null) {
      throw new UnknownMessageException(id, at);
    }
    try {
      return mf.read(in);
    } catch (ProtocolException e) {
      throw new ProtocolException("in message '" + mf.name() + "': " + e.getMessage(),
          e.offset(), e);
    }
  }

  /** All messages of a block payload. Offsets in errors are relative to the payload. */
  public List<Message> decodePayload(byte[] payload) {
    List<Message> out = new ArrayList<>();
    PayloadReader in = new PayloadReader(payload);
    while (in.hasRemaining()) {
      out.add(read(in));
    }
    return out;
  }

  /**
   * Parses the text form {@code name key=value ...} of a command (or, failing that, a
   * response). Integers are decimal or 0x-hex; enumerated parameters take their symbol; strings
   * take a bytes literal {@code b'..'} or hex digits.
   */
  public Message parseText(String line) {
    return MessageText.parse(this, line);
  }

  @Override
  public String toString() {
    return "Dictionary[" + (app.isEmpty() ? "" : app + " ") + version + ", "
        + commands.size() + " commands, " + responses.size() + " responses]";
  }
}
