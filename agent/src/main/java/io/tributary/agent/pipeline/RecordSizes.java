package io.tributary.agent.pipeline;

import io.tributary.api.SourceRecord;
import java.util.List;
import org.apache.kafka.common.header.Header;

/** Bounds on what a record takes in a produce request, without serialising it. */
final class RecordSizes {
    /** What a record adds to its size in a produce request, at most: batch header plus varints. */
    static final int RECORD_OVERHEAD_UPPER_BOUND = 61 + 5 + 1 + 10 + 5 + 5 + 5 + 5;
    private static final int HEADER_OVERHEAD_UPPER_BOUND = 10;

    private RecordSizes() {
    }

    /** At most what the record takes uncompressed in a batch of its own. */
    static long upperBound(SourceRecord record) {
        return RECORD_OVERHEAD_UPPER_BOUND + payload(record);
    }

    /**
     * At least what the record takes uncompressed: its key, value and header bytes. A batch holding
     * it is never smaller unless compressed.
     */
    static long lowerBound(SourceRecord record) {
        long size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    private static long payload(SourceRecord record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length)
                + headersSize(record.headers());
    }

    static long headersSize(List<Header> headers) {
        long size = 0;
        for (Header header : headers) {
            // Three bytes a char bound the key's UTF-8 size without encoding it for every record.
            size += HEADER_OVERHEAD_UPPER_BOUND + 3L * header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }
}
