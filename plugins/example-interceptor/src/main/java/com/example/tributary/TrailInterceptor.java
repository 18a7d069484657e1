package com.example.tributary;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Appends {@code mark} to the record's trail header: {@code a}, then {@code a,b} after a second
 * trail interceptor marked {@code b}.
 *
 * <p>Kafka's contract applies: {@code onSend} runs on every thread that sends and
 * {@code onAcknowledgement} on the producer's network thread, so both must be thread-safe and quick.
 * This class keeps no mutable state besides a thread-safe counter.
 */
final class TrailInterceptor implements ProducerInterceptor<byte[], byte[]> {
    static final String SEPARATOR = ",";

    private final String mark;
    private final String header;
    private PluginMetrics.Counter marked;

    TrailInterceptor(String mark, String header) {
        this.mark = mark;
        this.header = header;
    }

    /**
     * Called once when the agent's producer starts, with the producer's config, this entry's settings
     * and what the agent adds: its id and a {@link PluginMetrics} for this interceptor.
     */
    @Override
    public void configure(Map<String, ?> configs) {
        PluginMetrics metrics = (PluginMetrics) configs.get(InterceptorType.METRICS_CONFIG);
        // Published on /metrics as tributary_trail_marked_total{interceptor="trail"}.
        marked = metrics.counter("trail.marked", "Records the trail interceptor marked");
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        Header last = record.headers().lastHeader(header);
        String trail = last == null || last.value() == null
                ? mark
                : new String(last.value(), StandardCharsets.UTF_8) + SEPARATOR + mark;
        // A new record with copied headers: the caller's record may be sent again (after an aborted
        // transaction) and must not carry this mark twice.
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(header);
        headers.add(header, trail.getBytes(StandardCharsets.UTF_8));
        marked.increment();
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(),
                record.value(), headers);
    }

    /**
     * Called when the broker acknowledged the record or the send failed. Under exactly_once this is
     * not a commit: the record's transaction may still abort, and the agent writes it again.
     */
    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }
}
