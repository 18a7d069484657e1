package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Counts, from {@code onAcknowledgement}, the records and their key and value bytes in the counters
 * {@code audit.records} and {@code audit.bytes}, tagged with the {@code topic} and the {@code outcome}
 * ({@code acknowledged} or {@code failed}).
 *
 * <p>An acknowledgement is not a commit: under {@code exactly_once} a record's transaction may
 * still abort after the broker acknowledged it, and the agent then writes it again, so these counts
 * can exceed what a {@code read_committed} consumer sees.
 */
final class AuditInterceptor implements ProducerInterceptor<byte[], byte[]> {
    static final String ACKNOWLEDGED = "acknowledged";
    static final String FAILED = "failed";
    private static final String UNKNOWN_TOPIC = "unknown";

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private PluginMetrics metrics;

    private record Tally(PluginMetrics.Counter records, PluginMetrics.Counter bytes) {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = (PluginMetrics) configs.get(InterceptorType.METRICS_CONFIG);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    /** Runs on the producer's network thread: a map lookup and two increments. */
    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        String outcome = exception == null ? ACKNOWLEDGED : FAILED;
        String topic = metadata == null || metadata.topic() == null ? UNKNOWN_TOPIC : metadata.topic();
        Tally tally = tallies.computeIfAbsent(outcome + " " + topic, key -> tally(outcome, topic));
        tally.records().increment();
        long bytes = metadata == null ? 0 : Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize());
        if (bytes > 0) {
            tally.bytes().increment(bytes);
        }
    }

    private Tally tally(String outcome, String topic) {
        Map<String, String> tags = Map.of("outcome", outcome, "topic", topic);
        return new Tally(
                metrics.counter("audit.records", "Records the broker acknowledged or refused, per outcome and topic", tags),
                metrics.counter("audit.bytes", "Key and value bytes of those records, per outcome and topic", tags));
    }

    @Override
    public void close() {
    }
}
