package com.acme.kafka;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A third-party interceptor knowing nothing of Tributary: appends its "mark" to the "trail" header
 * and copies the configure() values of the keys listed in "echo" into "echo.KEY" headers.
 */
public class EchoInterceptor implements ProducerInterceptor<byte[], byte[]> {
    private String mark;
    private final Map<String, String> echoed = new LinkedHashMap<>();

    @Override
    public void configure(Map<String, ?> configs) {
        mark = (String) configs.get("mark");
        for (Object key : (List<?>) configs.get("echo")) {
            echoed.put("echo." + key, String.valueOf(configs.get(key)));
        }
        echoed.put("echo.loader", String.valueOf(getClass().getClassLoader().getName()));
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        Header trail = headers.lastHeader("trail");
        String value = trail == null ? mark : new String(trail.value(), StandardCharsets.UTF_8) + "," + mark;
        headers.remove("trail");
        headers.add("trail", value.getBytes(StandardCharsets.UTF_8));
        echoed.forEach((key, echo) -> headers.add(key, echo.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), record.value(), headers);
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }
}
