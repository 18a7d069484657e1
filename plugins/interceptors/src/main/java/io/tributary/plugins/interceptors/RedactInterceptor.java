package io.tributary.plugins.interceptors;

import io.tributary.api.InterceptorType;
import io.tributary.api.PluginMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Replaces every match of its patterns in a record's value by the mask. A value that is not UTF-8
 * text is left as it is (and counted): masking bytes of a binary value would corrupt it.
 */
final class RedactInterceptor implements ProducerInterceptor<byte[], byte[]> {
    private final List<RedactPattern> patterns;
    private final String mask;
    private PluginMetrics.Counter masked;
    private PluginMetrics.Counter notText;

    RedactInterceptor(List<RedactPattern> patterns, String mask) {
        this.patterns = List.copyOf(patterns);
        this.mask = mask;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        PluginMetrics metrics = (PluginMetrics) configs.get(InterceptorType.METRICS_CONFIG);
        masked = metrics.counter("redact.masked", "Matches masked in record values");
        notText = metrics.counter("redact.not_text", "Record values left unchanged because they are not UTF-8 text");
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return record;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(record.value())).toString();
        } catch (CharacterCodingException e) {
            notText.increment();
            return record;
        }
        String redacted = redact(text);
        if (redacted.equals(text)) {
            return record;
        }
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(),
                redacted.getBytes(StandardCharsets.UTF_8), record.headers());
    }

    String redact(String text) {
        String result = text;
        for (RedactPattern pattern : patterns) {
            boolean secretOnly = pattern.hasSecretGroup();
            Matcher matcher = pattern.regex().matcher(result);
            StringBuilder out = new StringBuilder(result.length());
            while (matcher.find()) {
                matcher.appendReplacement(out, Matcher.quoteReplacement(replacement(pattern, secretOnly, matcher)));
            }
            matcher.appendTail(out);
            result = out.toString();
        }
        return result;
    }

    private String replacement(RedactPattern pattern, boolean secretOnly, Matcher match) {
        if (!pattern.check().test(match.group())) {
            return match.group();
        }
        masked.increment();
        if (!secretOnly) {
            return mask;
        }
        int start = match.start(RedactPattern.SECRET_GROUP) - match.start();
        int end = match.end(RedactPattern.SECRET_GROUP) - match.start();
        return match.group().substring(0, start) + mask + match.group().substring(end);
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }
}
