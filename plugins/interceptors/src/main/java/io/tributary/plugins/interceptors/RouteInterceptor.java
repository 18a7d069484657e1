package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Sends a record to {@code prefix} + the name its header or value gives. A record without that
 * header, whose value does not match, or whose name is no legal topic name stays on its own topic.
 */
final class RouteInterceptor implements ProducerInterceptor<byte[], byte[]> {
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final String fromHeader;
    private final Pattern fromValue;
    private final String prefix;
    private PluginMetrics.Counter routed;
    private PluginMetrics.Counter unmatched;
    private PluginMetrics.Counter illegal;

    RouteInterceptor(String fromHeader, Pattern fromValue, String prefix) {
        this.fromHeader = fromHeader;
        this.fromValue = fromValue;
        this.prefix = prefix;
    }

    static boolean isLegalTopic(String name) {
        return LEGAL_TOPIC.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    @Override
    public void configure(Map<String, ?> configs) {
        PluginMetrics metrics = (PluginMetrics) configs.get(InterceptorType.METRICS_CONFIG);
        routed = metrics.counter("route.routed", "Records sent to the topic their header or value names");
        unmatched = metrics.counter("route.unmatched", "Records that stayed on their topic: no such header, or the value did not match");
        illegal = metrics.counter("route.illegal_topic", "Records that stayed on their topic because the name found is no legal topic name");
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        String name = fromHeader != null ? headerValue(record) : valueMatch(record);
        if (name == null) {
            unmatched.increment();
            return record;
        }
        String topic = prefix + name;
        if (!isLegalTopic(topic)) {
            illegal.increment();
            return record;
        }
        routed.increment();
        // The partition was chosen for the old topic, if at all; the new topic's partitioner decides.
        return new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), record.headers());
    }

    private String headerValue(ProducerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(fromHeader);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private String valueMatch(ProducerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        Matcher matcher = fromValue.matcher(new String(record.value(), StandardCharsets.UTF_8));
        return matcher.find() ? matcher.group(1) : null;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }
}
