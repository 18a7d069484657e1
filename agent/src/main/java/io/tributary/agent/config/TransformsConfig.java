package io.tributary.agent.config;

import io.tributary.api.ValueFormat;
import java.util.List;
import java.util.Map;

/**
 * A source's {@code value_format}, {@code transforms:} and {@code predicates:}.
 *
 * @param valueFormat how the transforms see values, or null for the source type's own
 * @param transforms  in the order they apply
 * @param predicates  by name, as the transforms' {@code predicate:} names them
 */
public record TransformsConfig(ValueFormat valueFormat, List<TransformConfig> transforms,
                               Map<String, TransformConfig> predicates) {

    public static final TransformsConfig NONE = new TransformsConfig(null, List.of(), Map.of());

    /** True when both say the same, as a reload must know to leave a source running. */
    public boolean sameAs(TransformsConfig other) {
        return valueFormat == other.valueFormat
                && transforms.stream().map(TransformConfig::asWritten).toList()
                        .equals(other.transforms.stream().map(TransformConfig::asWritten).toList())
                && predicates.keySet().equals(other.predicates.keySet())
                && predicates.entrySet().stream().allMatch(e -> e.getValue().asWritten()
                        .equals(other.predicates.get(e.getKey()).asWritten()));
    }
}
