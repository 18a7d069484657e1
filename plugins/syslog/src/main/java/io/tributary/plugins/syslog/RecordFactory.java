package io.tributary.plugins.syslog;

import io.tributary.api.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Turns one received message into the record for Kafka: a JSON object of its fields, or its bytes
 * with {@code format: raw}. A message that does not parse is kept as its text with a
 * {@code parse_error} field, counted and logged. Thread-safe.
 */
final class RecordFactory {
    /** One per event loop thread, reused for every message it reads. */
    private static final ThreadLocal<JsonBuffer> JSON_BUFFERS = ThreadLocal.withInitial(JsonBuffer::new);

    private final String topic;
    private final Format format;
    private final RecordKey key;
    private final SyslogParser parser;
    private final SyslogMetrics metrics;
    private final ProblemLog problems;

    RecordFactory(SyslogConfig config, Clock clock, SyslogMetrics metrics, ProblemLog problems) {
        this.topic = config.topic();
        this.format = config.format();
        this.key = config.key();
        this.parser = new SyslogParser(format == Format.RAW ? Format.AUTO : format, config.timezone(), clock);
        this.metrics = metrics;
        this.problems = problems;
    }

    /** The record for {@code message}, received from {@code peer} ({@code ip:port}). */
    SourceRecord toRecord(byte[] message, String peer) {
        if (format == Format.RAW) {
            return record(key.needsParsing() ? parsedOrNull(message) : null, peer, message);
        }
        SyslogMessage parsed;
        try {
            parsed = parser.parse(message);
        } catch (MalformedMessageException e) {
            metrics.parseErrors.increment();
            problems.warn("parse", "Kept a message from " + peer + " unparsed: " + e.getMessage());
            return record(null, peer, json(null, peer, new String(message, StandardCharsets.UTF_8), e.getMessage()));
        }
        return record(parsed, peer, json(parsed, peer, parsed.message(), null));
    }

    private SyslogMessage parsedOrNull(byte[] message) {
        try {
            return parser.parse(message);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    private SourceRecord record(SyslogMessage parsed, String peer, byte[] value) {
        String keyText = key.of(parsed, peer);
        return SourceRecord.builder(topic)
                .key(keyText == null ? null : keyText.getBytes(StandardCharsets.UTF_8))
                .value(value)
                .build();
    }

    /** The JSON value; every field is always present, {@code null} when the message lacks it. */
    static byte[] json(SyslogMessage parsed, String peer, String text, String parseError) {
        JsonBuffer json = JSON_BUFFERS.get();
        json.startObject();
        json.stringField("timestamp", parsed == null ? null : parsed.timestamp());
        json.stringField("hostname", parsed == null ? null : parsed.hostname());
        json.stringField("app_name", parsed == null ? null : parsed.appName());
        json.stringField("procid", parsed == null ? null : parsed.procid());
        json.stringField("msgid", parsed == null ? null : parsed.msgid());
        if (parsed == null) {
            json.nullField("facility");
            json.nullField("facility_code");
            json.nullField("severity");
            json.nullField("severity_code");
            json.nullField("structured_data");
        } else {
            json.stringField("facility", Priority.facilityName(parsed.facility()));
            json.numberField("facility_code", parsed.facility());
            json.stringField("severity", Priority.severityName(parsed.severity()));
            json.numberField("severity_code", parsed.severity());
            writeStructuredData(json, parsed.structuredData());
        }
        json.stringField("message", text);
        json.stringField("peer", peer);
        if (parseError != null) {
            json.stringField("parse_error", parseError);
        }
        json.endObject();
        return json.toByteArray();
    }

    private static void writeStructuredData(JsonBuffer json, Map<String, Map<String, Object>> elements) {
        json.startObjectField("structured_data");
        for (Map.Entry<String, Map<String, Object>> element : elements.entrySet()) {
            json.startObjectField(element.getKey());
            for (Map.Entry<String, Object> param : element.getValue().entrySet()) {
                if (param.getValue() instanceof List<?> values) {
                    json.startArrayField(param.getKey());
                    for (Object value : values) {
                        json.arrayString((String) value);
                    }
                    json.endArray();
                } else {
                    json.stringField(param.getKey(), (String) param.getValue());
                }
            }
            json.endObject();
        }
        json.endObject();
    }
}
