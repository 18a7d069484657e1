package io.tributary.agent.pipeline;

import io.tributary.api.SourceRecord;
import java.util.List;

/**
 * The records one {@code poll()} returned, as they travel from a source's thread to the commit
 * thread and stay until their transaction commits.
 */
record Batch(SourceHandle source, List<SourceRecord> records, long bytes, long acceptedNanos) {

    static Batch of(SourceHandle source, List<SourceRecord> records, long acceptedNanos) {
        long bytes = 0;
        for (SourceRecord record : records) {
            bytes += record.sizeInBytes();
        }
        return new Batch(source, records, bytes, acceptedNanos);
    }
}
