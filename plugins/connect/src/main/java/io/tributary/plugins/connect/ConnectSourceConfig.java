package io.tributary.plugins.connect;

import io.tributary.api.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings of a {@code connect} source: Tributary's own ({@code tasks_max}, {@code plugin_path})
 * and the connector's, which are passed through verbatim as Connect passes a connector's config.
 *
 * @param connectorClass the connector's class name or alias ({@code connector.class})
 * @param tasksMax       the most tasks the connector may ask for ({@code tasks_max})
 * @param pluginPath     Connect-style plugin folders ({@code plugin_path})
 * @param connector      what the connector's {@code start} and {@code validate} get: every other key,
 *                       with {@code name}, {@code connector.class} and {@code tasks.max} as Connect
 *                       sets them; converter settings ({@code key.converter...}) included, as in Connect
 */
record ConnectSourceConfig(String sourceName, String connectorClass, int tasksMax, List<Path> pluginPath,
                           Map<String, String> connector) {

    private static final String SOURCES = "sources.";
    static final String CONNECTOR_CLASS = "connector.class";
    static final String TASKS_MAX = "tasks_max";
    static final String PLUGIN_PATH = "plugin_path";

    /** Connect's own spelling, which a connector reads; the YAML key is {@value #TASKS_MAX}. */
    static final String CONNECT_TASKS_MAX = "tasks.max";

    static ConnectSourceConfig read(Settings settings) {
        String sourceName = settings.path().startsWith(SOURCES) ? settings.path().substring(SOURCES.length()) : settings.path();
        String connectorClass = settings.getRequiredString(CONNECTOR_CLASS);
        int tasksMax = settings.getInt(TASKS_MAX, 1);
        if (tasksMax < 1) {
            settings.error(TASKS_MAX, "must be 1 or more, got " + tasksMax);
        }
        if (settings.has(CONNECT_TASKS_MAX)) {
            settings.error(CONNECT_TASKS_MAX, "is written " + TASKS_MAX + " here; the connector still gets it as " + CONNECT_TASKS_MAX);
        }
        List<Path> pluginPath = settings.getStringList(PLUGIN_PATH, List.of()).stream()
                .map(entry -> settings.configFolder().resolve(entry)).toList();

        Map<String, String> connector = new LinkedHashMap<>();
        settings.asMap().forEach((key, value) -> {
            if (key.equals(TASKS_MAX) || key.equals(PLUGIN_PATH) || key.equals(CONNECT_TASKS_MAX)) {
                return;
            }
            if (value instanceof Map<?, ?>) {
                settings.error(key, "must be a value or a list: Connect settings are flat, write nested keys with dots");
                return;
            }
            connector.put(key, connectValue(value));
        });
        connector.put("name", sourceName);
        connector.put(CONNECT_TASKS_MAX, Integer.toString(tasksMax));
        return new ConnectSourceConfig(sourceName, connectorClass, tasksMax, pluginPath, Map.copyOf(connector));
    }

    /** A YAML value as Connect's string config: lists comma-separated, as Connect's LIST type reads them. */
    private static String connectValue(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(ConnectSourceConfig::connectValue).toList());
        }
        return String.valueOf(value);
    }
}
