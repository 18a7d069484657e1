package io.tributary.agent.pipeline;

import static io.tributary.agent.pipeline.CommitterHarness.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.SourceRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class UnwritableRecordsTest {
    private final Map<String, Long> limits = new HashMap<>();
    private final UnwritableRecords unwritable = new UnwritableRecords("_offsets", 10_000, false, new UnwritableRecords.Limits() {
        @Override
        public OptionalLong knownLimit(String topic) {
            Long limit = limits.get(topic);
            return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
        }

        @Override
        public OptionalLong refreshLimit(String topic) {
            return knownLimit(topic);
        }
    });
    private final List<List<SourceRecord>> probes = new ArrayList<>();

    /** Kafka as it would answer a transaction of these records alone: every record refused when one is too large. */
    private Map<SourceRecord, Throwable> refuseAllWhenOneIsOver(int size, List<SourceRecord> records) {
        probes.add(List.copyOf(records));
        boolean refused = records.stream().anyMatch(r -> r.value().length > size);
        Map<SourceRecord, Throwable> result = new HashMap<>();
        if (refused) {
            records.forEach(r -> result.put(r, new RecordTooLargeException("too large")));
        }
        return result;
    }

    @Test
    void theLargestSuspectRefusedAloneIsTheCulpritInOneProbe() {
        List<SourceRecord> suspects = List.of(record("t", "a", 1), record("t", "x".repeat(300), 2), record("t", "b", 3));
        int found = unwritable.findAmong(suspects, records -> refuseAllWhenOneIsOver(100, records));
        assertThat(found).isEqualTo(1);
        assertThat(unwritable.get(suspects.get(1))).isInstanceOf(RecordTooLargeException.class);
        assertThat(unwritable.get(suspects.get(0))).isNull();
        assertThat(unwritable.get(suspects.get(2))).isNull();
        assertThat(probes).hasSize(1);
    }

    @Test
    void whenTheLargestPassesAloneHalvesOfTheRestPinTheRefusalOnOneRecord() {
        // Kafka refuses "bad" for what it is, not for its size: the largest suspect is innocent.
        List<SourceRecord> suspects = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            suspects.add(record("t", i == 5 ? "bad" : "ok-" + "y".repeat(i + 10), i));
        }
        int found = unwritable.findAmong(suspects, records -> {
            probes.add(List.copyOf(records));
            Map<SourceRecord, Throwable> result = new HashMap<>();
            if (records.stream().anyMatch(r -> new String(r.value()).equals("bad"))) {
                records.forEach(r -> result.put(r, new org.apache.kafka.common.InvalidRecordException("invalid")));
            }
            return result;
        });
        assertThat(found).isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            assertThat(unwritable.get(suspects.get(i)) != null).as("record %d blamed", i).isEqualTo(i == 5);
        }
    }

    @Test
    void noSuspectIsBlamedWhenEachPassesAlone() {
        List<SourceRecord> suspects = List.of(record("t", "a", 1), record("t", "b", 2));
        assertThat(unwritable.findAmong(suspects, records -> Map.of())).isZero();
        assertThat(unwritable.get(suspects.get(0))).isNull();
        assertThat(unwritable.get(suspects.get(1))).isNull();
    }

    @Test
    void aRecordIsCaughtBeforeSendingOnlyOnProof() {
        limits.put("small", 100L);
        SourceRecord overLimit = record("small", "z".repeat(150), 1);
        SourceRecord nearLimit = record("small", "z".repeat(90), 2);
        assertThat(unwritable.check(overLimit)).hasMessage("the record is at least 150 bytes, more than topic small takes (max.message.bytes 100)");
        assertThat(unwritable.check(nearLimit)).as("within the overhead bound of the limit: only Kafka can tell").isNull();
        assertThat(unwritable.check(record("_offsets", "x", 3))).hasMessageContaining("is agent.offsets_topic");
        assertThat(unwritable.check(record("t", "w".repeat(20_000), 4))).hasMessageStartingWith("the record is about");
    }

    @Test
    void withCompressionATopicLimitIsNoProofBeforeSending() {
        UnwritableRecords compressed = new UnwritableRecords("_offsets", 10_000, true, new UnwritableRecords.Limits() {
            @Override
            public OptionalLong knownLimit(String topic) {
                return OptionalLong.of(100);
            }

            @Override
            public OptionalLong refreshLimit(String topic) {
                return OptionalLong.of(100);
            }
        });
        assertThat(compressed.check(record("small", "z".repeat(150), 1))).isNull();
    }
}
