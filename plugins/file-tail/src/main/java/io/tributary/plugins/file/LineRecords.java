package io.tributary.plugins.file;

import io.tributary.api.SourceRecord;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Turns a line or event of a file into the record written to Kafka: value, key, headers, checkpoint. */
final class LineRecords {
    static final String SOURCE_HEADER = "tributary.source";
    static final String PATH_HEADER = "tributary.file.path";
    static final String OFFSET_HEADER = "tributary.file.offset";
    static final String PARTIAL_HEADER = "tributary.file.partial";
    static final String SPLIT_HEADER = "tributary.file.split";
    static final String TRUNCATED_HEADER = "tributary.file.truncated";
    static final String STREAM_HEADER = "tributary.container.stream";
    static final String TIME_HEADER = "tributary.container.time";

    static final int PARTIAL = 1;
    static final int SPLIT = 2;
    static final int TRUNCATED = 4;

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);

    private final String topic;
    private final boolean headers;
    /* Made once per source and once per file, not once per line: see header(Header). */
    private final Header sourceHeader;
    private Header pathHeader;
    private final Charset encoding;
    private final boolean transcode;
    private final FileSourceConfig.KeyRule key;
    private final FileMetrics metrics;

    LineRecords(FileSourceConfig config, String sourceName, FileMetrics metrics) {
        this.topic = config.topic();
        this.headers = config.headers();
        this.sourceHeader = new RecordHeader(SOURCE_HEADER, sourceName.getBytes(StandardCharsets.UTF_8));
        this.encoding = config.encoding();
        this.transcode = !encoding.equals(StandardCharsets.UTF_8);
        this.key = config.key();
        this.metrics = metrics;
    }

    /**
     * A record of {@code value}, the bytes of {@code file} from {@code startOffset}, without its
     * checkpoint: the source gives that to the last record of each run of the file's records in a poll.
     */
    SourceRecord line(TrackedFile file, byte[] value, long startOffset, int flags, ContainerFields fields) {
        byte[] utf8 = transcode ? new String(value, encoding).getBytes(StandardCharsets.UTF_8) : value;
        SourceRecord.Builder record = SourceRecord.builder(topic).value(utf8);
        if (!key.isNone()) {
            record.key(key(utf8));
        }
        if (headers) {
            record.header(sourceHeader)
                    .header(pathHeader(file))
                    .header(OFFSET_HEADER, Long.toString(startOffset).getBytes(StandardCharsets.US_ASCII));
            if ((flags & PARTIAL) != 0) {
                record.header(PARTIAL_HEADER, TRUE);
            }
            if ((flags & SPLIT) != 0) {
                record.header(SPLIT_HEADER, TRUE);
            }
            if ((flags & TRUNCATED) != 0) {
                record.header(TRUNCATED_HEADER, TRUE);
            }
            if (fields != null) {
                record.header(STREAM_HEADER, fields.stream()).header(TIME_HEADER, fields.time());
            }
        }
        return record.build();
    }

    /** The path header of {@code file}: lines come in runs of one file, each run reusing one header. */
    private Header pathHeader(TrackedFile file) {
        byte[] path = file.pathBytes();
        // The file's path bytes are made anew when it is renamed: the same array is the same path.
        if (pathHeader == null || pathHeader.value() != path) {
            pathHeader = new RecordHeader(PATH_HEADER, path);
        }
        return pathHeader;
    }

    private byte[] key(byte[] utf8) {
        if (key.fixed() != null) {
            return key.fixed();
        }
        Matcher matcher = key.pattern().matcher(new String(utf8, StandardCharsets.UTF_8));
        String group = matcher.find() ? matcher.group(key.group()) : null;
        if (group == null) {
            metrics.keyUnmatched.increment();
            return null;
        }
        return group.getBytes(StandardCharsets.UTF_8);
    }
}
