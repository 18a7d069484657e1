package io.tributary.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A record a source hands to the agent: what to write to Kafka, and the {@link Checkpoint} it
 * advances. Immutable.
 *
 * <p>A record without a topic is <em>checkpoint-only</em>: nothing is written to Kafka, but its
 * checkpoint commits in order with the records around it (for input the source skips on purpose,
 * or to forget a stream that is gone).
 */
public final class SourceRecord {
    private final String topic;
    private final byte[] key;
    private final byte[] value;
    private final List<Header> headers;
    private final Long timestamp;
    private final Checkpoint checkpoint;
    /* Counted once: the agent needs it several times per record (memory bound, size checks, metrics). */
    private final int sizeInBytes;

    private SourceRecord(Builder builder) {
        this.topic = builder.topic;
        this.key = builder.key;
        this.value = builder.value;
        // An exact-size immutable copy: records wait in memory until their transaction commits, many
        // thousands at a time, and the builder's growable list would cost each one two objects more.
        this.headers = builder.headers == null ? List.of() : List.copyOf(builder.headers);
        this.timestamp = builder.timestamp;
        this.checkpoint = builder.checkpoint;
        this.sizeInBytes = sizeInBytes(key, value, this.headers);
    }

    private static int sizeInBytes(byte[] key, byte[] value, List<Header> headers) {
        int size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (int i = 0; i < headers.size(); i++) {
            Header header = headers.get(i);
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    /** Starts a record for {@code topic}. */
    public static Builder builder(String topic) {
        return new Builder(Objects.requireNonNull(topic, "topic"));
    }

    /** A record that writes nothing and only moves {@code checkpoint}. */
    public static SourceRecord checkpointOnly(Checkpoint checkpoint) {
        Builder builder = new Builder(null);
        builder.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        return new SourceRecord(builder);
    }

    /**
     * This record with {@code checkpoint} instead of its own. A source that hands over many records of
     * a stream in one {@code poll()} may leave most of them without a checkpoint, as long as the last
     * record of each contiguous run of that stream's records carries the checkpoint after it. The
     * agent may commit a poll only up to a record that carries a checkpoint of any stream (with
     * {@code on_error: fail}, up to the last such record before the one it cannot write): the records
     * of a run cut there must not be committed without their stream's checkpoint, or they are read
     * and sent again after a restart.
     */
    public SourceRecord withCheckpoint(Checkpoint checkpoint) {
        Builder builder = new Builder(topic);
        builder.key = key;
        builder.value = value;
        builder.headers = headers.isEmpty() ? null : headers;
        builder.timestamp = timestamp;
        builder.checkpoint = checkpoint;
        return new SourceRecord(builder);
    }

    /** The topic, or {@code null} for a checkpoint-only record. */
    public String topic() {
        return topic;
    }

    /** The key's bytes, or {@code null} for no key. */
    public byte[] key() {
        return key;
    }

    /** The value's bytes, or {@code null}. */
    public byte[] value() {
        return value;
    }

    public List<Header> headers() {
        return headers;
    }

    /** Milliseconds since the epoch, or {@code null} to let Kafka stamp it. */
    public Long timestamp() {
        return timestamp;
    }

    /** The checkpoint this record advances, or {@code null} when it advances none. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public boolean isCheckpointOnly() {
        return topic == null;
    }

    /** Bytes of key, value and headers: what the agent counts against its memory bound. */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** Builds a {@link SourceRecord}. */
    public static final class Builder {
        private final String topic;
        private byte[] key;
        private byte[] value;
        /**
         * Made on the first header: most records of a busy source carry none, and this is per record.
         * In withCheckpoint's builder, the record's own immutable list, which that builder only passes on.
         */
        private List<Header> headers;
        private Long timestamp;
        private Checkpoint checkpoint;

        private Builder(String topic) {
            this.topic = topic;
        }

        public Builder key(byte[] key) {
            this.key = key;
            return this;
        }

        public Builder value(byte[] value) {
            this.value = value;
            return this;
        }

        public Builder header(String name, byte[] value) {
            return header(new RecordHeader(Objects.requireNonNull(name, "header name"), value));
        }

        /**
         * A header made once and given to many records, such as one naming the file every line of it
         * comes from: it costs a record no header object of its own. It must never change.
         */
        public Builder header(Header header) {
            Objects.requireNonNull(header.key(), "header name");
            if (headers == null) {
                headers = new ArrayList<>(4);
            }
            headers.add(header);
            return this;
        }

        /** A header whose value is {@code value} in UTF-8. */
        public Builder header(String name, String value) {
            return header(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        public Builder timestamp(long epochMillis) {
            this.timestamp = epochMillis;
            return this;
        }

        public Builder checkpoint(Checkpoint checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        /** Shorthand for {@code checkpoint(new Checkpoint(stream, position))}. */
        public Builder checkpoint(String stream, Position position) {
            return checkpoint(new Checkpoint(stream, position));
        }

        public SourceRecord build() {
            return new SourceRecord(this);
        }
    }
}
