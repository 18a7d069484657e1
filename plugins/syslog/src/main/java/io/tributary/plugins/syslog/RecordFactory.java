package io.tributary.plugins.syslog;

import io.tributary.api.Checkpoint;
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
    private static final JsonBuffer.Name TIMESTAMP = JsonBuffer.encodedName("timestamp");
    private static final JsonBuffer.Name HOSTNAME = JsonBuffer.encodedName("hostname");
    private static final JsonBuffer.Name APP_NAME = JsonBuffer.encodedName("app_name");
    private static final JsonBuffer.Name PROCID = JsonBuffer.encodedName("procid");
    private static final JsonBuffer.Name MSGID = JsonBuffer.encodedName("msgid");
    private static final JsonBuffer.Name FACILITY = JsonBuffer.encodedName("facility");
    private static final JsonBuffer.Name FACILITY_CODE = JsonBuffer.encodedName("facility_code");
    private static final JsonBuffer.Name SEVERITY = JsonBuffer.encodedName("severity");
    private static final JsonBuffer.Name SEVERITY_CODE = JsonBuffer.encodedName("severity_code");
    private static final JsonBuffer.Name STRUCTURED_DATA = JsonBuffer.encodedName("structured_data");
    private static final JsonBuffer.Name MESSAGE = JsonBuffer.encodedName("message");
    private static final JsonBuffer.Name PEER = JsonBuffer.encodedName("peer");
    private static final JsonBuffer.Name PARSE_ERROR = JsonBuffer.encodedName("parse_error");
    /** The JSON of each facility's and severity's name, by code: the same few for every message. */
    private static final byte[][] FACILITY_NAMES = new byte[Priority.facility(Priority.MAX) + 1][];
    private static final byte[][] SEVERITY_NAMES = new byte[Priority.severity(Priority.MAX) + 1][];
    /** The JSON of the numbers 0 to 23: every facility code, and every severity code (0 to 7) with them. */
    private static final byte[][] CODES = new byte[FACILITY_NAMES.length][];

    static {
        for (int code = 0; code < FACILITY_NAMES.length; code++) {
            FACILITY_NAMES[code] = JsonBuffer.encodedString(Priority.facilityName(code));
            CODES[code] = Integer.toString(code).getBytes(StandardCharsets.US_ASCII);
        }
        for (int code = 0; code < SEVERITY_NAMES.length; code++) {
            SEVERITY_NAMES[code] = JsonBuffer.encodedString(Priority.severityName(code));
        }
    }

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
        return toRecord(message, peer, null);
    }

    /** The record for {@code message} advancing {@code checkpoint} ({@code null}: none). */
    SourceRecord toRecord(byte[] message, String peer, Checkpoint checkpoint) {
        if (format == Format.RAW) {
            return record(key.needsParsing() ? parsedOrNull(message) : null, peer, message, checkpoint);
        }
        SyslogMessage parsed;
        try {
            parsed = parser.parse(message);
        } catch (MalformedMessageException e) {
            metrics.parseErrors.increment();
            problems.warn("parse", "Kept a message from " + peer + " unparsed: " + e.getMessage());
            return record(null, peer, json(null, peer, Text.slice(message, 0, message.length), e.getMessage()),
                    checkpoint);
        }
        return record(parsed, peer, json(parsed, peer, parsed.messageText(), null), checkpoint);
    }

    private SyslogMessage parsedOrNull(byte[] message) {
        try {
            return parser.parse(message);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    private SourceRecord record(SyslogMessage parsed, String peer, byte[] value, Checkpoint checkpoint) {
        return SourceRecord.builder(topic)
                .key(key.of(parsed, peer))
                .value(value)
                .checkpoint(checkpoint)
                .build();
    }

    /** The JSON value; every field is always present, {@code null} when the message lacks it. */
    static byte[] json(SyslogMessage parsed, String peer, Text text, String parseError) {
        JsonBuffer json = JSON_BUFFERS.get();
        json.startObject();
        json.textField(TIMESTAMP, parsed == null ? null : parsed.timestampText());
        json.textField(HOSTNAME, parsed == null ? null : parsed.hostnameText());
        json.textField(APP_NAME, parsed == null ? null : parsed.appNameText());
        json.textField(PROCID, parsed == null ? null : parsed.procidText());
        json.textField(MSGID, parsed == null ? null : parsed.msgidText());
        if (parsed == null) {
            json.nullField(FACILITY);
            json.nullField(FACILITY_CODE);
            json.nullField(SEVERITY);
            json.nullField(SEVERITY_CODE);
            json.nullField(STRUCTURED_DATA);
        } else {
            json.encodedField(FACILITY, FACILITY_NAMES[parsed.facility()]);
            json.encodedField(FACILITY_CODE, CODES[parsed.facility()]);
            json.encodedField(SEVERITY, SEVERITY_NAMES[parsed.severity()]);
            json.encodedField(SEVERITY_CODE, CODES[parsed.severity()]);
            writeStructuredData(json, parsed.structuredData());
        }
        json.textField(MESSAGE, text);
        json.stringField(PEER, peer);
        if (parseError != null) {
            json.stringField(PARSE_ERROR, parseError);
        }
        json.endObject();
        return json.toByteArray();
    }

    private static void writeStructuredData(JsonBuffer json, Map<String, Map<String, Object>> elements) {
        json.startObjectField(STRUCTURED_DATA);
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
