package io.tributary.agent.config;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.tributary.api.ValueFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the agent's YAML file into an {@link AgentConfig}, reporting every problem at once.
 *
 * <p>The plugins' own keys are left to the plugins: each {@link SourceConfig#settings()} and
 * {@link InterceptorConfig#settings()} collects its own errors, and its
 * {@link YamlSettings#finish()} reports the keys the plugin did not read.
 */
public final class ConfigLoader {

    /** The keys of a source that the agent reads itself. */
    static final Set<String> SOURCE_AGENT_KEYS = Set.of("type", "on_error", "dead_letter_topic",
            "value_format", "transforms", "predicates");
    /** The keys of an interceptor entry that the agent reads itself. */
    static final Set<String> INTERCEPTOR_AGENT_KEYS = Set.of("type", "class");

    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern CLASS_NAME =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private final ConfigDocument document;
    private final List<ConfigError> errors;

    private ConfigLoader(ConfigDocument document, List<ConfigError> errors) {
        this.document = document;
        this.errors = errors;
    }

    /**
     * Reads and binds {@code file}; {@code environment} feeds {@code ${NAME}} (the process
     * environment in production).
     */
    public static LoadResult load(Path file, Map<String, String> environment) {
        String fileName = file.toString();
        Node root;
        try {
            root = new Yaml().compose(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException unreadable) {
            return new LoadResult(null, List.of(new ConfigError(fileName, 0, 0, "",
                    "cannot read the file: " + Substitution.describe(unreadable))));
        } catch (YAMLException invalid) {
            return new LoadResult(null, List.of(YamlSettings.syntaxError(fileName, invalid)));
        }
        Path folder = file.toAbsolutePath().getParent();
        ConfigDocument document = new ConfigDocument(fileName, folder, environment);
        List<ConfigError> errors = new ArrayList<>();
        if (root != null && !(root instanceof MappingNode)) {
            errors.add(document.error(Location.of(root.getStartMark()), "",
                    "must be a map with the sections agent, kafka, sources, interceptors and logging"));
        }
        document.prepare(root, "", Location.START_OF_FILE, errors);
        YamlSettings top = new YamlSettings(document, root, "", Location.START_OF_FILE, errors, Set.of());
        AgentConfig config = new ConfigLoader(document, errors).bind(file, top);
        return new LoadResult(config, top.finish());
    }

    private AgentConfig bind(Path file, YamlSettings top) {
        AgentSettings agent = bindAgent(top.getSection("agent"));
        KafkaSettings kafka = bindKafka(top.getSection("kafka"), agent.delivery());
        ProducerSettings.checkCommitInterval(top.getSection("agent"), agent.commitInterval(), agent.delivery(),
                top.getSection("kafka").getSection("producer"), kafka.producer());
        Map<String, SourceConfig> sources = bindSources(top, agent.offsetsTopic());
        List<InterceptorConfig> interceptors = bindInterceptors(top);
        LoggingSettings logging = bindLogging(top.getSection("logging"));
        return new AgentConfig(file, agent, kafka, sources, interceptors, logging);
    }

    private AgentSettings bindAgent(YamlSettings agent) {
        String id = agent.has("id") ? agent.getString("id", null) : defaultAgentId(agent);
        if (id != null && !AGENT_ID.matcher(id).matches()) {
            String written = agent.has("id") ? agent.written("id") : YamlSettings.quote(AgentSettings.DEFAULT_ID);
            agent.error("id", "must be 1 to 200 letters, digits, \".\", \"_\" or \"-\", got " + written);
            id = null;
        }
        Path pluginsDir = agent.getPath("plugins_dir", AgentSettings.DEFAULT_PLUGINS_DIR);
        Path dataDir = agent.getPath("data_dir", AgentSettings.DEFAULT_DATA_DIR);
        Delivery delivery = Delivery.fromYamlName(agent.getChoice("delivery",
                AgentSettings.DEFAULT_DELIVERY.yamlName(), Delivery.yamlNames()));
        Duration commitInterval = agent.getDuration("commit_interval", AgentSettings.DEFAULT_COMMIT_INTERVAL);
        if (commitInterval.isZero() || commitInterval.compareTo(AgentSettings.MAX_COMMIT_INTERVAL) > 0) {
            agent.error("commit_interval", "must be more than 0 and at most 1h, got " + agent.written("commit_interval"));
        }
        String offsetsTopic = topicName(agent, "offsets_topic", AgentSettings.DEFAULT_OFFSETS_TOPIC);
        InetSocketAddress http = httpAddress(agent);
        long maxInFlightBytes = agent.getSize("max_in_flight_bytes", AgentSettings.DEFAULT_MAX_IN_FLIGHT_BYTES);
        if (maxInFlightBytes < AgentSettings.MIN_MAX_IN_FLIGHT_BYTES) {
            agent.error("max_in_flight_bytes", "must be at least 1MiB, got " + agent.written("max_in_flight_bytes"));
        }
        return new AgentSettings(id, pluginsDir, dataDir, delivery, commitInterval, offsetsTopic, http,
                maxInFlightBytes);
    }

    private String defaultAgentId(YamlSettings agent) {
        try {
            return document.substitution().apply(AgentSettings.DEFAULT_ID);
        } catch (IllegalArgumentException noHostName) {
            agent.error("id", noHostName.getMessage() + " and the host name is unknown; set agent.id");
            return null;
        }
    }

    private static InetSocketAddress httpAddress(YamlSettings agent) {
        String http = agent.getString("http", AgentSettings.DEFAULT_HTTP);
        if (http.equals(AgentSettings.HTTP_OFF)) {
            return null;
        }
        int colon = http.lastIndexOf(':');
        String host = colon < 0 ? "" : http.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Integer port = colon < 0 ? null : port(http.substring(colon + 1));
        if (host.isEmpty() || port == null) {
            agent.error("http", "must be host:port or off, got " + agent.written("http"));
            return null;
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            agent.error("http", "names a host that cannot be resolved, got " + agent.written("http"));
            return null;
        }
        return address;
    }

    private static Integer port(String text) {
        if (!text.matches("[0-9]{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(text);
        return port <= 65_535 ? port : null;
    }

    private KafkaSettings bindKafka(YamlSettings kafka, Delivery delivery) {
        String bootstrapServers = kafka.getRequiredString("bootstrap_servers");
        return new KafkaSettings(bootstrapServers, ProducerSettings.bind(kafka.getSection("producer"), delivery));
    }

    private Map<String, SourceConfig> bindSources(YamlSettings top, String offsetsTopic) {
        Node sourcesNode = top.node("sources");
        if (sourcesNode == null || ConfigDocument.isNull(sourcesNode)) {
            return Map.of();
        }
        if (!(sourcesNode instanceof MappingNode mapping)) {
            top.error("sources", "must be a map of source name to settings");
            return Map.of();
        }
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (entry.getKeyNode() instanceof ScalarNode key && !sources.containsKey(key.getValue())) {
                SourceConfig source = bindSource(key.getValue(), Location.of(key.getStartMark()), entry.getValueNode(),
                        offsetsTopic);
                if (source != null) {
                    sources.put(source.name(), source);
                }
            }
        }
        return Collections.unmodifiableMap(sources);
    }

    private SourceConfig bindSource(String name, Location location, Node node, String offsetsTopic) {
        String path = "sources." + name;
        if (!SOURCE_NAME.matcher(name).matches()) {
            errors.add(document.error(location, path,
                    "a source name may contain only letters, digits, \".\", \"_\" and \"-\""));
        }
        if (!(node instanceof MappingNode)) {
            errors.add(document.error(location, path, "must be a map with at least \"type\""));
            return null;
        }
        YamlSettings common = new YamlSettings(document, node, path, location, errors, Set.of());
        String type = common.getRequiredString("type");
        OnError onError = OnError.fromYamlName(common.getChoice("on_error",
                SourceConfig.DEFAULT_ON_ERROR.yamlName(), OnError.yamlNames()));
        String deadLetterTopic = topicName(common, "dead_letter_topic", SourceConfig.DEFAULT_DEAD_LETTER_TOPIC);
        if (deadLetterTopic.equals(offsetsTopic)) {
            common.error("dead_letter_topic", "must not be agent.offsets_topic (" + offsetsTopic
                    + "), where the agent keeps its checkpoints");
        }
        TransformsConfig transforms = bindTransforms(common);
        YamlSettings pluginSettings = new YamlSettings(document, node, path, location, new ArrayList<>(),
                SOURCE_AGENT_KEYS);
        return new SourceConfig(name, type, onError, deadLetterTopic, transforms, pluginSettings);
    }

    /** A source's value_format, transforms and predicates; the entries' own keys are for Preparation. */
    private TransformsConfig bindTransforms(YamlSettings source) {
        ValueFormat valueFormat = null;
        if (source.has("value_format")) {
            String written = source.getChoice("value_format", null,
                    Arrays.stream(ValueFormat.values()).map(ValueFormat::yamlName).toArray(String[]::new));
            valueFormat = written == null ? null : ValueFormat.valueOf(written.toUpperCase(Locale.ROOT));
        }
        Map<String, TransformConfig> predicates = new LinkedHashMap<>();
        Node predicatesNode = source.node("predicates");
        if (predicatesNode instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (entry.getKeyNode() instanceof ScalarNode key && !predicates.containsKey(key.getValue())) {
                    TransformConfig predicate = bindTransformEntry(YamlSettings.childPath(source.path(), "predicates") + "."
                            + key.getValue(), entry.getValueNode(), null);
                    if (predicate != null) {
                        predicates.put(key.getValue(), predicate);
                    }
                }
            }
        } else if (predicatesNode != null && !ConfigDocument.isNull(predicatesNode)) {
            source.error("predicates", "must be a map of predicate name to its type or class and settings");
        }
        List<TransformConfig> transforms = new ArrayList<>();
        Node transformsNode = source.node("transforms");
        if (transformsNode instanceof SequenceNode sequence) {
            List<Node> entries = sequence.getValue();
            for (int index = 0; index < entries.size(); index++) {
                TransformConfig transform = bindTransformEntry(YamlSettings.childPath(source.path(), "transforms") + "[" + index + "]",
                        entries.get(index), predicates.keySet());
                if (transform != null) {
                    transforms.add(transform);
                }
            }
        } else if (transformsNode != null && !ConfigDocument.isNull(transformsNode)) {
            source.error("transforms", "must be a list of transforms, each with \"type\" or \"class\"");
        }
        return new TransformsConfig(valueFormat, Collections.unmodifiableList(transforms), Collections.unmodifiableMap(predicates));
    }

    /** A transform entry, or with {@code predicates} null a predicate's. */
    private TransformConfig bindTransformEntry(String path, Node node, Set<String> predicates) {
        YamlSettings common = typeOrClassEntry(path, node);
        if (common == null) {
            return null;
        }
        String type = common.getString("type", null);
        String className = className(common, "org.apache.kafka.connect.transforms.InsertField$Value");
        String predicate = null;
        boolean negate = false;
        if (predicates != null) {
            predicate = common.getString("predicate", null);
            negate = common.getBoolean("negate", false);
            if (negate && predicate == null) {
                common.error("negate", "needs a predicate to negate");
            }
            if (predicate != null && !predicates.contains(predicate)) {
                common.error("predicate", "names none of this source's predicates: " + common.written("predicate")
                        + DidYouMean.closest(predicate, predicates).map(closest -> ", did you mean \"" + closest + "\"?")
                                .orElse(predicates.isEmpty() ? "; declare it under the source's predicates:" : ""));
            }
        }
        // Preparation reads the rest with the transform's ConfigDef and reports what it finds.
        YamlSettings settings = new YamlSettings(document, node, path, Location.of(node.getStartMark()), new ArrayList<>(),
                predicates != null ? TransformConfig.AGENT_KEYS : Set.of("type", "class"));
        return new TransformConfig(path, type, className, predicate, negate, settings);
    }

    private List<InterceptorConfig> bindInterceptors(YamlSettings top) {
        Node interceptorsNode = top.node("interceptors");
        if (interceptorsNode == null || ConfigDocument.isNull(interceptorsNode)) {
            return List.of();
        }
        if (!(interceptorsNode instanceof SequenceNode sequence)) {
            top.error("interceptors", "must be a list");
            return List.of();
        }
        List<InterceptorConfig> interceptors = new ArrayList<>();
        List<Node> entries = sequence.getValue();
        for (int index = 0; index < entries.size(); index++) {
            InterceptorConfig interceptor = bindInterceptor("interceptors[" + index + "]", entries.get(index));
            if (interceptor != null) {
                interceptors.add(interceptor);
            }
        }
        return Collections.unmodifiableList(interceptors);
    }

    private InterceptorConfig bindInterceptor(String path, Node node) {
        YamlSettings common = typeOrClassEntry(path, node);
        if (common == null) {
            return null;
        }
        String type = common.getString("type", null);
        String className = className(common, "com.example.AuditInterceptor");
        YamlSettings pluginSettings = new YamlSettings(document, node, path, Location.of(node.getStartMark()),
                new ArrayList<>(), INTERCEPTOR_AGENT_KEYS);
        return new InterceptorConfig(path, type, className, pluginSettings);
    }

    /** The settings of an entry named by {@code type} or {@code class}; null after reporting it is no map. */
    private YamlSettings typeOrClassEntry(String path, Node node) {
        Location location = Location.of(node.getStartMark());
        if (!(node instanceof MappingNode)) {
            errors.add(document.error(location, path, "must be a map with \"type\" or \"class\""));
            return null;
        }
        return new YamlSettings(document, node, path, location, errors, Set.of());
    }

    /** The {@code class} of an entry that needs exactly one of {@code type} and {@code class}. */
    private static String className(YamlSettings entry, String example) {
        if (entry.has("type") == entry.has("class")) {
            entry.error(null, "needs exactly one of \"type\" or \"class\"");
        }
        String className = entry.getString("class", null);
        if (className != null && !CLASS_NAME.matcher(className).matches()) {
            entry.error("class", "must be a Java class name like " + example + ", got " + entry.written("class"));
        }
        return className;
    }

    private static LoggingSettings bindLogging(YamlSettings logging) {
        String format = logging.getChoice("format", LoggingSettings.DEFAULT_FORMAT,
                LoggingSettings.TEXT, LoggingSettings.JSON);
        YamlSettings levelsSection = logging.getSection("levels");
        Map<String, String> levels = new LinkedHashMap<>();
        String expectation = "must be one of " + String.join(", ", LoggingSettings.LEVELS);
        for (String logger : levelsSection.keys()) {
            String level = levelsSection.getString(logger, null);
            if (level == null) {
                if (!levelsSection.has(logger)) {
                    levelsSection.error(logger, expectation);
                }
            } else if (LoggingSettings.LEVELS.contains(level.toUpperCase(Locale.ROOT))) {
                levels.put(logger, level.toUpperCase(Locale.ROOT));
            } else {
                levelsSection.error(logger, expectation + ", got " + levelsSection.written(logger));
            }
        }
        return new LoggingSettings(format, Collections.unmodifiableMap(levels));
    }

    private static String topicName(YamlSettings settings, String key, String defaultValue) {
        String topic = settings.getString(key, defaultValue);
        if (!TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            settings.error(key, "must be a Kafka topic name (up to 249 letters, digits, \".\", \"_\" and \"-\"), got "
                    + settings.written(key));
        }
        return topic;
    }
}
