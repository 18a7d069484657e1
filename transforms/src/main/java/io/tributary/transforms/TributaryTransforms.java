package io.tributary.transforms;

import java.util.List;
import java.util.Map;

/**
 * Tributary's own transforms and predicates by the short {@code type:} the agent's YAML names them
 * with. On a Connect cluster name them by class, e.g. {@code io.tributary.transforms.ParseJson}.
 */
public final class TributaryTransforms {
    /** {@code type:} of a transform entry to its class. */
    public static final Map<String, Class<?>> TRANSFORMS = Map.of(
            ParseJson.TYPE, ParseJson.class,
            ParseRegex.TYPE, ParseRegex.class,
            Filter.TYPE, Filter.class,
            TimestampFromField.TYPE, TimestampFromField.class,
            AddFields.TYPE, AddFields.class);
    /** {@code type:} of a predicate to its class. */
    public static final Map<String, Class<?>> PREDICATES = Map.of(Matches.TYPE, Matches.class);

    private TributaryTransforms() {
    }

    /** The transform types, sorted, for messages. */
    public static List<String> transformTypes() {
        return TRANSFORMS.keySet().stream().sorted().toList();
    }

    /** The predicate types, sorted, for messages. */
    public static List<String> predicateTypes() {
        return PREDICATES.keySet().stream().sorted().toList();
    }
}
