package io.tributary.connect;

import io.tributary.agent.config.YamlSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The settings of a {@link TributarySourceConnector}: Connect's own, the connector's
 * ({@value #SOURCE_TYPE}, {@value #SOURCE_NAME}, {@value #PLUGINS_DIR}), and every other key, which
 * belongs to the Tributary source as it would under {@code sources.NAME} in the agent's YAML. A value
 * that starts with {@code [} or <code>{</code> is read as YAML ({@code include: ["/var/log/*.log"]},
 * {@code tables: [orders, invoices]}); any other is a string.
 */
final class TributaryConnectorConfig {
    static final String SOURCE_TYPE = "tributary.source.type";
    static final String SOURCE_NAME = "tributary.source.name";
    static final String PLUGINS_DIR = "tributary.plugins.dir";
    /** In a task's config: part name → that part's settings, as JSON. */
    static final String TASK_PARTS = "tributary.task.parts";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(SOURCE_TYPE, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "The Tributary source type to run: file, jdbc, syslog, or one a plugin in " + PLUGINS_DIR + " offers.")
            .define(SOURCE_NAME, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "The source's name, as its key under sources: in the agent; default: the connector's name.")
            .define(PLUGINS_DIR, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                    "A folder of Tributary plugin zips or jars to load besides the built-in ones.");

    /** Keys Connect reads itself (or gives every connector); never the source's. */
    private static final Set<String> CONNECT_KEYS = Set.of("name", "connector.class", "tasks.max", "key.converter",
            "value.converter", "header.converter", "exactly.once.support", "transaction.boundary",
            "transaction.boundary.interval.ms", "offsets.storage.topic", "config.action.reload", "connector.plugin.version",
            "key.converter.plugin.version", "value.converter.plugin.version", "header.converter.plugin.version");
    private static final List<String> CONNECT_PREFIXES = List.of("tributary.", "key.converter.", "value.converter.",
            "header.converter.", "transforms", "predicates", "errors.", "topic.creation.", "producer.override.",
            "consumer.override.", "admin.override.");

    private TributaryConnectorConfig() {
    }

    /** The source's name: {@value #SOURCE_NAME}, else the connector's name. */
    static String sourceName(Map<String, String> props) {
        String name = props.getOrDefault(SOURCE_NAME, "");
        return name.isEmpty() ? props.getOrDefault("name", "tributary") : name;
    }

    /** The source's own settings out of a connector's config, as plain values. */
    static Map<String, Object> sourceSettings(Map<String, String> props) {
        Yaml yaml = new Yaml(new LoaderOptions());
        Map<String, Object> settings = new LinkedHashMap<>();
        props.forEach((key, value) -> {
            if (CONNECT_KEYS.contains(key) || CONNECT_PREFIXES.stream().anyMatch(key::startsWith)) {
                return;
            }
            String trimmed = value == null ? "" : value.strip();
            settings.put(key, trimmed.startsWith("[") || trimmed.startsWith("{") ? yaml.load(trimmed) : value);
        });
        return settings;
    }

    /**
     * Settings the Tributary source type reads exactly as it would read its YAML section, named
     * {@code sources.NAME} in its errors.
     */
    static YamlSettings settings(String sourceName, Map<String, Object> source) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        String yaml = new Yaml(options).dump(Map.of("sources", Map.of(sourceName, source)));
        return YamlSettings.parse(yaml).getSection("sources").getSection(sourceName);
    }
}
