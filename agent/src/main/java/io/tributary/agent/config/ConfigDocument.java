package io.tributary.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One parsed configuration file: its name, its folder, and every scalar after substitution.
 *
 * <p>Substitution runs over the whole tree once, before any getter, so a reference that cannot be
 * resolved is reported even under a key nobody reads.
 */
final class ConfigDocument {

    private final String fileName;
    private final Path folder;
    private final Substitution substitution;
    private final Map<Node, Scalar> scalars = new IdentityHashMap<>();
    /** Aliases can make a collection appear twice, even inside itself. */
    private final Set<Node> preparedCollections = Collections.newSetFromMap(new IdentityHashMap<>());

    ConfigDocument(String fileName, Path folder, Map<String, String> environment) {
        this.fileName = fileName;
        this.folder = folder;
        this.substitution = new Substitution(environment, folder);
    }

    String fileName() {
        return fileName;
    }

    Path folder() {
        return folder;
    }

    Substitution substitution() {
        return substitution;
    }

    ConfigError error(Location location, String path, String message) {
        return new ConfigError(fileName, location.line(), location.column(), path, message);
    }

    /** The scalar as written and after substitution; {@link #prepare} has seen every node. */
    Scalar scalar(ScalarNode node) {
        return scalars.get(node);
    }

    /**
     * Substitutes every scalar under {@code node} and reports references that fail, mapping keys
     * that are not plain strings, and keys set twice.
     */
    void prepare(Node node, String path, Location location, List<ConfigError> errors) {
        if (node instanceof ScalarNode scalarNode) {
            if (!scalars.containsKey(scalarNode)) {
                scalars.put(scalarNode, substitute(scalarNode, path, location, errors));
            }
        } else if (!preparedCollections.add(node)) {
            return;
        } else if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int index = 0; index < items.size(); index++) {
                Node item = items.get(index);
                prepare(item, path + "[" + index + "]", Location.of(item.getStartMark()), errors);
            }
        } else if (node instanceof MappingNode mapping) {
            Map<String, Location> seen = new HashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                Location keyLocation = Location.of(entry.getKeyNode().getStartMark());
                if (!(entry.getKeyNode() instanceof ScalarNode key)) {
                    errors.add(error(keyLocation, path, "keys must be plain strings"));
                    continue;
                }
                String childPath = YamlSettings.childPath(path, key.getValue());
                Location first = seen.putIfAbsent(key.getValue(), keyLocation);
                if (first != null) {
                    errors.add(error(keyLocation, childPath, "is set twice (first on line " + first.line() + ")"));
                }
                prepare(entry.getValueNode(), childPath, keyLocation, errors);
            }
        }
    }

    private Scalar substitute(ScalarNode node, String path, Location location, List<ConfigError> errors) {
        String written = node.getValue();
        boolean plain = node.getScalarStyle() == ScalarStyle.PLAIN;
        if (isNull(node)) {
            return new Scalar(written, written, true, true);
        }
        try {
            String value = substitution.apply(written);
            return new Scalar(written, value, false, plain && value.equals(written));
        } catch (IllegalArgumentException failure) {
            errors.add(error(location, path, failure.getMessage()));
            return new Scalar(written, null, false, false);
        }
    }

    /** YAML null: an unquoted {@code ~}, {@code null} or nothing at all. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar
                && scalar.getScalarStyle() == ScalarStyle.PLAIN && scalar.getTag().equals(Tag.NULL);
    }
}
