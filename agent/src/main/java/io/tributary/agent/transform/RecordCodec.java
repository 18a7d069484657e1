package io.tributary.agent.transform;

import io.tributary.api.Checkpoint;
import io.tributary.api.SourceRecord;
import io.tributary.api.ValueFormat;
import io.tributary.transforms.JsonValues;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;

/**
 * Turns a source's record into the Connect record its transforms see, and what they return back
 * into a record to write, as the source's {@link ValueFormat} says.
 *
 * <p>The value decodes as the format says. The key is text unless the format is {@code bytes}:
 * the sources write their keys as text (a host name, a primary key). Headers that are UTF-8 become
 * strings, as Connect's {@code SimpleHeaderConverter} gives them, others stay bytes.
 *
 * <p>Encoding follows the value's type: bytes stay bytes; text is its UTF-8, except that with
 * {@code json} it is a JSON string, so that a JSON value goes back as it came; maps, lists,
 * numbers, booleans and {@code Struct}s become JSON. The topic, timestamp and headers are the
 * transformed record's; the checkpoint is the source record's.
 */
final class RecordCodec {
    private final ValueFormat format;
    /** One per codec: a codec serves one source's thread. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    RecordCodec(ValueFormat format) {
        this.format = format;
    }

    ValueFormat format() {
        return format;
    }

    org.apache.kafka.connect.source.SourceRecord decode(SourceRecord record) {
        ConnectHeaders headers = new ConnectHeaders();
        for (Header header : record.headers()) {
            String text = utf8(header.value());
            if (text != null || header.value() == null) {
                headers.addString(header.key(), text);
            } else {
                headers.addBytes(header.key(), header.value());
            }
        }
        Object key = record.key() == null || format == ValueFormat.BYTES ? record.key()
                : new String(record.key(), StandardCharsets.UTF_8);
        Object value = record.value() == null ? null : switch (format) {
            case BYTES -> record.value();
            case STRING -> new String(record.value(), StandardCharsets.UTF_8);
            case JSON -> JsonValues.parse(record.value());
        };
        return new org.apache.kafka.connect.source.SourceRecord(null, null, record.topic(), null,
                null, key, null, value, record.timestamp(), headers);
    }

    SourceRecord encode(org.apache.kafka.connect.connector.ConnectRecord<?> transformed, Checkpoint checkpoint) {
        if (transformed.topic() == null || transformed.topic().isEmpty()) {
            throw new DataException("the transformed record has no topic");
        }
        SourceRecord.Builder builder = SourceRecord.builder(transformed.topic())
                .key(encode(transformed.key(), false))
                .value(encode(transformed.value(), format == ValueFormat.JSON))
                .checkpoint(checkpoint);
        if (transformed.timestamp() != null) {
            builder.timestamp(transformed.timestamp());
        }
        for (org.apache.kafka.connect.header.Header header : transformed.headers()) {
            builder.header(header.key(), headerBytes(header.schema(), header.value()));
        }
        return builder.build();
    }

    private static byte[] encode(Object value, boolean textAsJson) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            return bytes(buffer);
        }
        if (value instanceof String text && !textAsJson) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        return JsonValues.write(value);
    }

    private static byte[] headerBytes(Schema schema, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            return bytes(buffer);
        }
        String text = value instanceof String string ? string : Values.convertToString(schema, value);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** The text of UTF-8 bytes, or null when they are not UTF-8. */
    private String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            CharBuffer text = utf8.decode(ByteBuffer.wrap(bytes));
            return text.toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }
}
