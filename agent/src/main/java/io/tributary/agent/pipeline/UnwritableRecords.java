package io.tributary.agent.pipeline;

import io.tributary.api.SourceRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The records Kafka will never take, each known on evidence about that record alone: what the
 * producer itself refuses before sending (over {@code max.request.size}), a name that is not a
 * topic, a size past what its topic is known to take, or a refusal when the record was sent on its
 * own. Kafka reports the error that aborts a transaction on every record in it, so a refusal in a
 * shared transaction only makes records suspects; {@link #findAmong} sends suspects apart, in
 * transactions that are always aborted, to learn which one Kafka refuses.
 */
final class UnwritableRecords {
    /** Sends records in a transaction of their own, aborts it, and returns the record-level errors Kafka gave each. */
    @FunctionalInterface
    interface Prober {
        Map<SourceRecord, Throwable> probe(List<SourceRecord> records);
    }

    /** Where topic size limits come from. */
    interface Limits {
        OptionalLong knownLimit(String topic);

        OptionalLong refreshLimit(String topic);
    }

    private final String offsetsTopic;
    private final long maxRecordBytes;
    private final boolean compressed;
    private final Limits limits;
    private final Map<SourceRecord, Throwable> unwritable = new IdentityHashMap<>();
    private final Set<SourceRecord> deadLetterRefused = Collections.newSetFromMap(new IdentityHashMap<>());

    UnwritableRecords(String offsetsTopic, long maxRecordBytes, boolean compressed, Limits limits) {
        this.offsetsTopic = offsetsTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.compressed = compressed;
        this.limits = limits;
    }

    /** Why the record can never be written, when that is known; null otherwise. Checks it once. */
    Throwable check(SourceRecord record) {
        Throwable known = get(record);
        if (known != null) {
            return known;
        }
        Throwable error = checkBeforeSending(record);
        if (error != null) {
            unwritable.put(record, error);
        }
        return error;
    }

    private Throwable checkBeforeSending(SourceRecord record) {
        if (record.topic().equals(offsetsTopic)) {
            // A record there would be read as a checkpoint at the next start and make it fail.
            return new InvalidTopicException("topic " + offsetsTopic + " is agent.offsets_topic, where the agent keeps its checkpoints");
        }
        long size = RecordSizes.upperBound(record);
        if (size > maxRecordBytes) {
            return new RecordTooLargeException("the record is about " + size
                    + " bytes, more than max.request.size / buffer.memory allow (" + maxRecordBytes + ")");
        }
        OptionalLong topicLimit = limits.knownLimit(record.topic());
        // Compression can shrink a record below the limit, so only an uncompressed size past it is proof.
        if (!compressed && topicLimit.isPresent() && RecordSizes.lowerBound(record) > topicLimit.getAsLong()) {
            return new RecordTooLargeException("the record is at least " + RecordSizes.lowerBound(record)
                    + " bytes, more than topic " + record.topic() + " takes (max.message.bytes " + topicLimit.getAsLong() + ")");
        }
        return null;
    }

    /** Kafka refused the record: a name that can never be a topic, say. */
    void mark(SourceRecord record, Throwable error) {
        unwritable.put(record, error);
    }

    void deadLetterRefused(SourceRecord record) {
        deadLetterRefused.add(record);
    }

    boolean isDeadLetterRefused(SourceRecord record) {
        return deadLetterRefused.contains(record);
    }

    /**
     * Finds the records among {@code suspects} that Kafka refuses on their own: the largest one
     * alone first (the usual culprit), then halves of the rest until each refusal is pinned on one
     * record. Records that pass are innocent, whatever error they came back with. Reads the limits
     * of the topics of the culprits, so that later records past them are caught before sending.
     *
     * @return how many culprits were found; 0 means the refusal was not about any of these records
     * @throws KafkaException when a probe fails for another reason (Kafka went away, say)
     */
    int findAmong(List<SourceRecord> suspects, Prober prober) {
        if (suspects.isEmpty()) {
            return 0;
        }
        List<SourceRecord> bySize = new ArrayList<>(suspects);
        bySize.sort(Comparator.comparingLong(RecordSizes::upperBound).reversed());
        SourceRecord largest = bySize.get(0);
        Map<SourceRecord, Throwable> alone = prober.probe(List.of(largest));
        int found = 0;
        if (alone.containsKey(largest)) {
            found += convict(largest, alone.get(largest));
            bySize.remove(0);
            // The largest usually explains the refusal; the rest are sent again and probed only if refused again.
            return found;
        }
        bySize.remove(0);
        return found + bisect(bySize, prober);
    }

    private int bisect(List<SourceRecord> group, Prober prober) {
        if (group.isEmpty()) {
            return 0;
        }
        Map<SourceRecord, Throwable> refused = prober.probe(group);
        if (refused.isEmpty()) {
            return 0;
        }
        if (group.size() == 1) {
            return convict(group.get(0), refused.get(group.get(0)));
        }
        int half = group.size() / 2;
        return bisect(group.subList(0, half), prober) + bisect(group.subList(half, group.size()), prober);
    }

    private int convict(SourceRecord record, Throwable error) {
        unwritable.put(record, error);
        if (error instanceof RecordTooLargeException) {
            limits.refreshLimit(record.topic());
        }
        return 1;
    }

    Throwable get(SourceRecord record) {
        // Mostly empty: then no record gets an identity hash just to be looked up, twice per record.
        return unwritable.isEmpty() ? null : unwritable.get(record);
    }

    /** Forgets the records of a committed transaction. */
    void clear() {
        unwritable.clear();
        deadLetterRefused.clear();
    }
}
