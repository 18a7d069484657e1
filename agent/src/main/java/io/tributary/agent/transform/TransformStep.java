package io.tributary.agent.transform;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * One configured entry of {@code transforms:}: the transform, and the predicate that decides which
 * records it sees, as Connect's {@code TransformationStage} does.
 *
 * @param name      what logs and metrics call it: its {@code type}, or its {@code class}
 * @param predicate null when it sees every record
 * @param negate    it sees the records the predicate is false for
 */
record TransformStep(String name, Transformation<SourceRecord> transform, Predicate<SourceRecord> predicate,
                     boolean negate) {

    /** The transformed record, or null when the transform dropped it. */
    SourceRecord apply(SourceRecord record) {
        if (predicate != null && predicate.test(record) == negate) {
            return record;
        }
        return transform.apply(record);
    }
}
