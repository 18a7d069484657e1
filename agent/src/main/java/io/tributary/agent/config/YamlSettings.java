package io.tributary.agent.config;

import io.tributary.api.Settings;
import java.io.StringReader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@link Settings} over one mapping of a YAML file, recording every problem as a {@link ConfigError}
 * that names the file, line, column and YAML path.
 *
 * <p>Values are read after {@code ${...}} substitution, but messages quote them as written, so a
 * secret read from the environment or a file never reaches an error, a log line or
 * {@link #toString()}. A key whose value is YAML null ({@code key:} or {@code key: ~}) counts as
 * absent. Sections from {@link #getSection} share their parent's errors and are checked for unknown
 * keys by the parent's {@link #finish()}.
 */
public final class YamlSettings implements Settings {

    static final String STANDALONE_FILE_NAME = "<settings>";

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private final ConfigDocument document;
    private final String path;
    private final Location location;
    private final List<ConfigError> errors;
    /** Keys the agent reads itself (a source's {@code type}): invisible here, yet never unknown. */
    private final Set<String> agentKeys;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    /** Where each key is, agent keys included, so errors about them point at them too. */
    private final Map<String, Location> keyLocations = new LinkedHashMap<>();
    private final Set<String> readKeys = new LinkedHashSet<>();
    private final Map<String, YamlSettings> sections = new LinkedHashMap<>();
    private boolean allKeysRead;
    private boolean finished;

    /**
     * Settings over {@code node} (anything but a mapping gives empty settings: the caller reports
     * it). {@code location} is where errors about the section as a whole point.
     */
    YamlSettings(ConfigDocument document, Node node, String path, Location location,
                 List<ConfigError> errors, Set<String> agentKeys) {
        this.document = document;
        this.path = path;
        this.location = location;
        this.errors = errors;
        this.agentKeys = agentKeys;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key) {
                    keyLocations.putIfAbsent(key.getValue(), Location.of(key.getStartMark()));
                    if (!agentKeys.contains(key.getValue())) {
                        entries.putIfAbsent(key.getValue(), entry);
                    }
                }
            }
        }
    }

    /**
     * Standalone settings from the text of a YAML mapping, as plugin tests need them; the file is
     * called {@value #STANDALONE_FILE_NAME}, relative paths resolve against the current directory
     * and {@code ${NAME}} reads the process environment.
     *
     * @throws IllegalArgumentException when {@code yaml} is not valid YAML
     */
    public static YamlSettings parse(String yaml) {
        return parse(yaml, System.getenv());
    }

    /** Like {@link #parse(String)}, with {@code ${NAME}} reading {@code environment}. */
    public static YamlSettings parse(String yaml, Map<String, String> environment) {
        ConfigDocument document = new ConfigDocument(
                STANDALONE_FILE_NAME, Path.of("").toAbsolutePath(), environment);
        Node root;
        try {
            root = new Yaml().compose(new StringReader(yaml));
        } catch (YAMLException invalid) {
            throw new IllegalArgumentException(syntaxError(STANDALONE_FILE_NAME, invalid).toString(), invalid);
        }
        List<ConfigError> errors = new ArrayList<>();
        if (root != null && !(root instanceof MappingNode)) {
            errors.add(document.error(Location.of(root.getStartMark()), "", "must be a map"));
        }
        document.prepare(root, "", Location.START_OF_FILE, errors);
        return new YamlSettings(document, root, "", Location.START_OF_FILE, errors, Set.of());
    }

    /** The error for YAML that SnakeYAML cannot parse, at the place it reports. */
    static ConfigError syntaxError(String fileName, YAMLException invalid) {
        if (invalid instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Location at = Location.of(marked.getProblemMark());
            return new ConfigError(fileName, at.line(), at.column(), "", "invalid YAML: " + marked.getProblem());
        }
        return new ConfigError(fileName, 0, 0, "", "invalid YAML: " + invalid.getMessage());
    }

    static String childPath(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /**
     * The errors recorded so far by getters and {@link #error}, in the order found; for settings
     * from {@link #parse}, also those of substitution (the loader reports those for the whole file).
     */
    public List<ConfigError> errors() {
        return List.copyOf(errors);
    }

    /**
     * Reports every key that nothing read, here and in the sections read with {@link #getSection},
     * and returns all errors in file order.
     */
    public List<ConfigError> finish() {
        if (!finished) {
            finished = true;
            reportUnknownKeys();
        }
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(ConfigError.IN_FILE_ORDER);
        return sorted;
    }

    private void reportUnknownKeys() {
        if (allKeysRead) {
            return;
        }
        Set<String> knownKeys = new LinkedHashSet<>(readKeys);
        knownKeys.addAll(agentKeys);
        for (String key : entries.keySet()) {
            if (!readKeys.contains(key)) {
                String suggestion = DidYouMean.closest(key, knownKeys)
                        .map(known -> ", did you mean \"" + known + "\"?")
                        .orElse("");
                error(key, "unknown setting" + suggestion);
            }
        }
        sections.values().forEach(YamlSettings::reportUnknownKeys);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public boolean has(String key) {
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        return entry != null && !ConfigDocument.isNull(entry.getValueNode());
    }

    @Override
    public String getString(String key, String defaultValue) {
        Scalar scalar = scalar(key, "must be a string");
        return scalar == null ? defaultValue : scalar.value();
    }

    @Override
    public String getRequiredString(String key) {
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        if (entry == null) {
            errors.add(document.error(location, path, "missing required setting \"" + key + "\""));
            return null;
        }
        Scalar scalar = scalar(key, "must be a string");
        if (scalar != null && !scalar.value().isEmpty()) {
            return scalar.value();
        }
        if (scalar != null || ConfigDocument.isNull(entry.getValueNode())) {
            error(key, "must not be empty");
        }
        return null;
    }

    @Override
    public String getChoice(String key, String defaultValue, String... allowed) {
        String expectation = "must be one of " + String.join(", ", allowed);
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        if (List.of(allowed).contains(scalar.value())) {
            return scalar.value();
        }
        return invalid(key, expectation, scalar, defaultValue);
    }

    @Override
    public int getInt(String key, int defaultValue) {
        String expectation = "must be an integer";
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        Long value = parseInteger(scalar.value());
        if (value == null) {
            return invalid(key, expectation, scalar, defaultValue);
        }
        if (value != value.intValue()) {
            return invalid(key, "must be an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE,
                    scalar, defaultValue);
        }
        return value.intValue();
    }

    @Override
    public long getLong(String key, long defaultValue) {
        String expectation = "must be an integer";
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        Long value = parseInteger(scalar.value());
        return value != null ? value : invalid(key, expectation, scalar, defaultValue);
    }

    private static Long parseInteger(String text) {
        if (!INTEGER.matcher(text).matches()) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    @Override
    public boolean getBoolean(String key, boolean defaultValue) {
        String expectation = "must be true or false";
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        return switch (scalar.value()) {
            case "true" -> true;
            case "false" -> false;
            default -> invalid(key, expectation, scalar, defaultValue);
        };
    }

    @Override
    public Duration getDuration(String key, Duration defaultValue) {
        String expectation = "must be a duration like 250ms, 5s or 1m";
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        Duration duration = Units.parseDuration(scalar.value());
        return duration != null ? duration : invalid(key, expectation, scalar, defaultValue);
    }

    @Override
    public long getSize(String key, long defaultValue) {
        String expectation = "must be a size like 1MiB";
        Scalar scalar = scalar(key, expectation);
        if (scalar == null) {
            return defaultValue;
        }
        Long size = Units.parseSize(scalar.value());
        return size != null ? size : invalid(key, expectation, scalar, defaultValue);
    }

    @Override
    public Pattern getPattern(String key) {
        Scalar scalar = scalar(key, "must be a regular expression");
        if (scalar == null) {
            return null;
        }
        try {
            return Pattern.compile(scalar.value());
        } catch (PatternSyntaxException invalid) {
            // Later lines of the message repeat the pattern, which may have come from a secret.
            error(key, "is not a valid regular expression: " + invalid.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    @Override
    public Path configFolder() {
        return document.folder();
    }

    @Override
    public Path getPath(String key, Path defaultValue) {
        Path resolvedDefault = defaultValue == null ? null : document.folder().resolve(defaultValue);
        Scalar scalar = scalar(key, "must be a path");
        if (scalar == null) {
            return resolvedDefault;
        }
        try {
            return document.folder().resolve(scalar.value());
        } catch (InvalidPathException invalid) {
            return invalid(key, "must be a path", scalar, resolvedDefault);
        }
    }

    @Override
    public List<String> getStringList(String key, List<String> defaultValue) {
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        if (entry == null || ConfigDocument.isNull(entry.getValueNode())) {
            return defaultValue;
        }
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalarNode) {
            Scalar scalar = document.scalar(scalarNode);
            return scalar.value() == null ? defaultValue : List.of(scalar.value());
        }
        if (!(value instanceof SequenceNode sequence)
                || !sequence.getValue().stream().allMatch(item -> item instanceof ScalarNode && !ConfigDocument.isNull(item))) {
            error(key, "must be a list of strings");
            return defaultValue;
        }
        List<String> strings = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String itemValue = document.scalar((ScalarNode) item).value();
            if (itemValue != null) {
                strings.add(itemValue);
            }
        }
        return List.copyOf(strings);
    }

    @Override
    public Map<String, String> getStringMap(String key) {
        YamlSettings section = section(key);
        Map<String, String> strings = new LinkedHashMap<>();
        for (String entryKey : section.keys()) {
            String value = section.getString(entryKey, null);
            if (value != null) {
                strings.put(entryKey, value);
            }
        }
        return Collections.unmodifiableMap(strings);
    }

    /** {@inheritDoc} Its unknown keys are reported by this settings' {@link #finish()}. */
    @Override
    public YamlSettings getSection(String key) {
        YamlSettings section = section(key);
        sections.put(key, section);
        return section;
    }

    /** The section under {@code key}, reporting it unless it is a mapping or absent. */
    private YamlSettings section(String key) {
        YamlSettings known = sections.get(key);
        if (known != null) {
            return known;
        }
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        String sectionPath = childPath(path, key);
        if (entry == null) {
            return new YamlSettings(document, null, sectionPath, location, errors, Set.of());
        }
        Node value = entry.getValueNode();
        if (!(value instanceof MappingNode) && !ConfigDocument.isNull(value)) {
            error(key, "must be a map");
        }
        return new YamlSettings(document, value, sectionPath,
                Location.of(entry.getKeyNode().getStartMark()), errors, Set.of());
    }

    @Override
    public Map<String, Object> asMap() {
        allKeysRead = true;
        readKeys.addAll(entries.keySet());
        Map<String, Object> map = new LinkedHashMap<>();
        entries.forEach((key, entry) -> map.put(key, plainValue(entry.getValueNode())));
        return map;
    }

    private Object plainValue(Node node) {
        if (node instanceof ScalarNode scalarNode) {
            return plainValue(document.scalar(scalarNode));
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> list = new ArrayList<>();
            sequence.getValue().forEach(item -> list.add(plainValue(item)));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            if (entry.getKeyNode() instanceof ScalarNode key) {
                map.putIfAbsent(key.getValue(), plainValue(entry.getValueNode()));
            }
        }
        return map;
    }

    /** YAML 1.2 core schema for unquoted scalars; anything quoted or substituted stays a string. */
    private static Object plainValue(Scalar scalar) {
        if (!scalar.hasValue()) {
            return null;
        }
        String text = scalar.value();
        if (!scalar.plain()) {
            return text;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        Long integer = parseInteger(text);
        if (integer != null && integer == integer.intValue()) {
            return integer.intValue();
        }
        if (integer != null) {
            return integer;
        }
        return FLOAT.matcher(text).matches() ? Double.valueOf(text) : text;
    }

    @Override
    public void error(String key, String message) {
        if (key == null || key.isEmpty()) {
            errors.add(document.error(location, path, message));
            return;
        }
        readKeys.add(key);
        errors.add(document.error(keyLocations.getOrDefault(key, location), childPath(path, key), message));
    }

    /** The keys present, in file order. */
    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** The value under {@code key} as written in the file, quoted for a message; null when absent. */
    String written(String key) {
        NodeTuple entry = entries.get(key);
        if (entry == null || !(entry.getValueNode() instanceof ScalarNode scalarNode)) {
            return null;
        }
        return quote(document.scalar(scalarNode).written());
    }

    /** The node under {@code key}, marking it read; null when absent. */
    Node node(String key) {
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        return entry == null ? null : entry.getValueNode();
    }

    /** Names the keys only: values may be secrets. */
    @Override
    public String toString() {
        return "YamlSettings[" + document.fileName() + (path.isEmpty() ? "" : " " + path) + ", keys=" + entries.keySet() + "]";
    }

    /**
     * The scalar under {@code key}, marking the key read; null when absent, YAML null, or already
     * reported (a failed substitution, or not a scalar, reported here as "{@code expectation}, got a list").
     */
    private Scalar scalar(String key, String expectation) {
        readKeys.add(key);
        NodeTuple entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        Node value = entry.getValueNode();
        if (value instanceof ScalarNode scalarNode) {
            Scalar scalar = document.scalar(scalarNode);
            return scalar.hasValue() ? scalar : null;
        }
        error(key, expectation + ", got " + (value instanceof SequenceNode ? "a list" : "a map"));
        return null;
    }

    private <T> T invalid(String key, String expectation, Scalar scalar, T defaultValue) {
        error(key, expectation + ", got " + quote(scalar.written()));
        return defaultValue;
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
