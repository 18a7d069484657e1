package io.tributary.agent.pipeline;

import io.tributary.api.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Builds the copy of an unwritable record that goes to its source's dead-letter topic: the same key,
 * headers and timestamp, {@code tributary.error*} headers saying what went wrong, and the value cut
 * to fit when the record was refused for its size (the dead-letter topic must take it).
 */
final class DeadLetters {
    private final long maxRecordBytes;

    DeadLetters(long maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    ProducerRecord<byte[], byte[]> copyOf(SourceHandle source, SourceRecord record, Throwable error) {
        List<Header> headers = new ArrayList<>(record.headers());
        headers.add(header("tributary.error", error.getClass().getSimpleName() + ": " + error.getMessage()));
        headers.add(header("tributary.error.topic", record.topic()));
        headers.add(header("tributary.error.source", source.name()));
        byte[] value = record.value();
        int valueSize = value == null ? 0 : value.length;
        headers.add(header("tributary.error.value.bytes", Integer.toString(valueSize)));
        long room = maxRecordBytes - RecordSizes.RECORD_OVERHEAD_UPPER_BOUND - (record.key() == null ? 0 : record.key().length)
                - RecordSizes.headersSize(headers) - 64;
        if (value != null && value.length > room) {
            value = Arrays.copyOf(value, (int) Math.max(0, room));
            headers.add(header("tributary.error.value.truncated", "true"));
        }
        return new ProducerRecord<>(source.deadLetterTopic(), null, record.timestamp(), record.key(), value, headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
