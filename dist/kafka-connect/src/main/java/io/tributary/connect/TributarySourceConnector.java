package io.tributary.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.agent.config.ConfigError;
import io.tributary.agent.config.YamlSettings;
import io.tributary.agent.plugin.LoaderSwap;
import io.tributary.agent.plugin.PluginRegistry;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A Kafka Connect source connector that runs a Tributary source type, configured with Connect's
 * usual properties, {@code tributary.source.type}, and the source's own settings.
 *
 * <p>{@code tasks.max} spreads the source's parts ({@link SourceType#split}: the jdbc source's
 * tables, the file source's include globs) over tasks, round robin; a type that cannot split runs as
 * one task. Each part's checkpoints are one Connect source partition ({@code {"source": NAME,
 * "part": PART}}), so they survive a regrouping when {@code tasks.max} changes.
 */
public final class TributarySourceConnector extends SourceConnector {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    /** Sorted: task configs must come out the same on every worker, or Connect restarts the tasks for nothing. */
    @Override
    public void start(Map<String, String> props) {
        this.props = Collections.unmodifiableSortedMap(new TreeMap<>(props));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return TributarySourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        Map<String, Map<String, Object>> parts;
        try (SourcePlugins plugins = SourcePlugins.load(props.getOrDefault(TributaryConnectorConfig.PLUGINS_DIR, ""))) {
            PluginRegistry.Offered<SourceType> type = plugins.sourceType(props.get(TributaryConnectorConfig.SOURCE_TYPE));
            Map<String, Object> settings = TributaryConnectorConfig.sourceSettings(props);
            parts = LoaderSwap.call(type.loader(), () -> type.extension().split(settings));
        } catch (Exception e) {
            throw new ConnectException("cannot split the source's settings: " + e, e);
        }
        List<Map<String, Map<String, Object>>> groups = new ArrayList<>();
        int tasks = Math.min(maxTasks, parts.size());
        for (int i = 0; i < tasks; i++) {
            groups.add(new LinkedHashMap<>());
        }
        int next = 0;
        for (Map.Entry<String, Map<String, Object>> part : parts.entrySet()) {
            groups.get(next++ % tasks).put(part.getKey(), part.getValue());
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (Map<String, Map<String, Object>> group : groups) {
            Map<String, String> config = new TreeMap<>(props);
            try {
                config.put(TributaryConnectorConfig.TASK_PARTS, JSON.writeValueAsString(group));
            } catch (JsonProcessingException e) {
                throw new ConnectException("cannot write the settings of " + group.keySet() + " as JSON", e);
            }
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return TributaryConnectorConfig.DEFINITION;
    }

    /** Connect's checks of its own keys, then the source type's own, reported at each key. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        String typeName = connectorConfigs.get(TributaryConnectorConfig.SOURCE_TYPE);
        if (typeName == null || typeName.isEmpty()) {
            return config;
        }
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        config.configValues().forEach(value -> byName.put(value.name(), value));
        try (SourcePlugins plugins = SourcePlugins.load(connectorConfigs.getOrDefault(TributaryConnectorConfig.PLUGINS_DIR, ""))) {
            PluginRegistry.Offered<SourceType> type;
            try {
                type = plugins.sourceType(typeName);
            } catch (IllegalArgumentException e) {
                byName.get(TributaryConnectorConfig.SOURCE_TYPE).addErrorMessage(e.getMessage());
                return new Config(List.copyOf(byName.values()));
            }
            String name = TributaryConnectorConfig.sourceName(connectorConfigs);
            YamlSettings settings = TributaryConnectorConfig.settings(name, TributaryConnectorConfig.sourceSettings(connectorConfigs));
            SourceTask task = LoaderSwap.call(type.loader(), () -> type.extension().create(settings));
            LoaderSwap.call(type.loader(), () -> {
                task.close();
                return null;
            });
            for (ConfigError error : settings.finish()) {
                String key = keyOf(error.path(), "sources." + name + ".", connectorConfigs);
                byName.computeIfAbsent(key, ConfigValue::new).addErrorMessage(error.message());
            }
        } catch (Exception e) {
            byName.get(TributaryConnectorConfig.SOURCE_TYPE).addErrorMessage("the source type failed to check its settings: " + e);
        }
        return new Config(List.copyOf(byName.values()));
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // Every record carries its part's checkpoints as its offset: exact for a source that replays
        // from them (file, jdbc); a syslog source cannot replay, whoever commits its offsets.
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }

    /** The connector key an error of {@code path} is about: the top-level source setting under it. */
    private static String keyOf(String path, String prefix, Map<String, String> config) {
        String key = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        while (!config.containsKey(key) && key.contains(".")) {
            key = key.substring(0, key.lastIndexOf('.'));
        }
        return key.isEmpty() ? TributaryConnectorConfig.SOURCE_TYPE : key;
    }
}
