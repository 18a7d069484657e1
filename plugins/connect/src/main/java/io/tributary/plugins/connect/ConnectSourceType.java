package io.tributary.plugins.connect;

import io.tributary.api.Settings;
import io.tributary.api.SourceTask;
import io.tributary.api.SourceType;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.SourceConnector;
import org.pf4j.Extension;

/**
 * The {@code connect} source type: runs an unmodified Kafka Connect {@link SourceConnector} from a
 * Connect-style plugin path. Settings are described in the plugin's README.
 *
 * <p>{@link #create} loads the connector's class and runs its own {@code validate()}, as Connect does
 * when a connector is created, so {@code tributary validate} reports the connector's errors by key
 * like any source's; it starts nothing.
 */
@Extension
public final class ConnectSourceType implements SourceType {

    @Override
    public String name() {
        return "connect";
    }

    @Override
    public SourceTask create(Settings settings) {
        ConnectSourceConfig config = ConnectSourceConfig.read(settings);
        if (config.connectorClass() != null) {
            validate(config, settings);
        }
        return new ConnectSource(config);
    }

    private static void validate(ConnectSourceConfig config, Settings settings) {
        PluginPath plugins;
        try {
            plugins = PluginPath.open(config.pluginPath());
        } catch (RuntimeException e) {
            settings.error(ConnectSourceConfig.PLUGIN_PATH, e.getMessage());
            return;
        }
        try (plugins) {
            Converters.check(config.connector(), plugins, settings::error);
            SourceConnector connector;
            try {
                connector = Plugins.instantiate(plugins.find(config.connectorClass(), SourceConnector.class));
            } catch (IllegalArgumentException | LinkageError e) {
                settings.error(ConnectSourceConfig.CONNECTOR_CLASS, e.getMessage());
                return;
            }
            Config result;
            try {
                result = InLoader.get(connector, () -> connector.validate(Converters.withClassNames(config.connector(), plugins)));
            } catch (RuntimeException | LinkageError e) {
                settings.error(ConnectSourceConfig.CONNECTOR_CLASS, "validate() of " + connector.getClass().getName() + " threw " + e);
                return;
            }
            for (ConfigValue value : result.configValues()) {
                String key = value.name().equals(ConnectSourceConfig.CONNECT_TASKS_MAX) ? ConnectSourceConfig.TASKS_MAX : value.name();
                value.errorMessages().forEach(message -> settings.error(key, message));
            }
        }
    }
}
