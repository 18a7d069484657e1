package io.tributary.agent.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One entry of a source's {@code transforms:}, or one of its {@code predicates:}: exactly one of
 * {@code type} and {@code className} is set.
 *
 * @param path      {@code sources.app.transforms[0]} or {@code sources.app.predicates.is-debug}, for messages
 * @param type      one of Tributary's own transforms or predicates, or null
 * @param className a Connect {@code Transformation} or {@code Predicate} class, or null
 * @param predicate the name of the source's predicate that decides which records the transform
 *                  sees, or null for all; always null for a predicate
 * @param negate    the transform sees the records its predicate is false for
 * @param settings  the entry's other keys, for the Connect {@code configure()}; read them with
 *                  {@link #connectConfigs}, then call {@link YamlSettings#finish()}
 */
public record TransformConfig(String path, String type, String className, String predicate, boolean negate,
                              YamlSettings settings) {

    /** The entry's keys that the agent reads itself. */
    static final Set<String> AGENT_KEYS = Set.of("type", "class", "predicate", "negate");

    /**
     * The settings as Connect hands them to {@code configure()}: every value as its text, a list
     * joined with commas. Only the keys in {@code known} are read (the others are reported as
     * unknown by {@link YamlSettings#finish()}), or every key when {@code known} is empty: a
     * transform whose {@code ConfigDef} lists nothing takes whatever it is given.
     */
    public Map<String, String> connectConfigs(Collection<String> known) {
        known.forEach(settings::has);
        Map<String, String> configs = new LinkedHashMap<>();
        for (String key : settings.keys()) {
            if (!known.isEmpty() && !known.contains(key)) {
                continue;
            }
            Node node = settings.node(key);
            if (node instanceof SequenceNode) {
                List<String> items = settings.getStringList(key, List.of());
                configs.put(key, String.join(",", items));
            } else if (node instanceof MappingNode) {
                settings.error(key, "must be a text or a list, as Connect settings are");
            } else {
                String value = settings.getString(key, null);
                if (value != null) {
                    configs.put(key, value);
                }
            }
        }
        return configs;
    }

    /** What reloading compares: the entry as written. */
    Object asWritten() {
        return List.of(String.valueOf(type), String.valueOf(className), String.valueOf(predicate), negate, settings.asMap());
    }
}
