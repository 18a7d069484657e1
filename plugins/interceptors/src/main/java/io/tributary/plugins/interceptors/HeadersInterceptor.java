package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.RecordSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Adds the configured headers to every record; with {@code overwrite} (the default) a header of
 * the same name that the record already has is replaced, otherwise both are kept.
 */
final class HeadersInterceptor implements ProducerInterceptor<byte[], byte[]> {
    private final Map<String, HeaderTemplate> templates;
    private final boolean overwrite;
    private final Map<String, byte[]> fixedValues = new LinkedHashMap<>();
    private String host;
    private String agentId;

    HeadersInterceptor(Map<String, HeaderTemplate> templates, boolean overwrite) {
        this.templates = templates;
        this.overwrite = overwrite;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        host = localHostName();
        agentId = String.valueOf(configs.get(InterceptorType.AGENT_ID_CONFIG));
        templates.forEach((name, template) -> {
            if (!template.usesSource()) {
                fixedValues.put(name, template.render(host, agentId, null).getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        String source = RecordSource.name();
        templates.forEach((name, template) -> {
            byte[] value = fixedValues.get(name);
            if (value == null) {
                value = template.render(host, agentId, source).getBytes(StandardCharsets.UTF_8);
            }
            if (overwrite) {
                headers.remove(name);
            }
            headers.add(name, value);
        });
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), record.value(), headers);
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    /** The machine's host name, as {@code {host}} means it; the HOSTNAME variable when it cannot be resolved. */
    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null ? "localhost" : fromEnvironment;
        }
    }
}
