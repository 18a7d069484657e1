package io.tributary.plugins.connect;

import io.tributary.api.Position;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * Connect's source partitions and offsets as Tributary streams and positions.
 *
 * <p>A source partition becomes the stream named by its JSON ({@code {"filename":"/var/log/a.log"}});
 * an offset becomes a position with one field per offset key, whose value is that key's value as
 * JSON ({@code position=42}, {@code topic="\"orders\""}). The JSON is written and read by Connect's
 * own {@link JsonConverter} without schemas, exactly as Connect's offset store does, so a connector
 * reads back the same types it would read in Connect (whole numbers as {@code Long}, others as
 * {@code Double}, strings, booleans, lists and maps), and {@code tributary checkpoints list} shows
 * them readably. Keys are sorted, so equal partitions always make the same stream name.
 */
final class Offsets {
    private final JsonConverter json = new JsonConverter();

    Offsets() {
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false",
                JsonConverterConfig.TYPE_CONFIG, ConverterType.KEY.getName()));
    }

    /** The stream of a source partition; {@code null} for none. */
    String stream(Map<String, ?> partition) {
        return partition == null ? null : write(sorted(partition));
    }

    /** The position of an offset; {@code null} for none (Connect's way to say "no offset"). */
    Position position(Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        Map<String, String> fields = new TreeMap<>();
        offset.forEach((key, value) -> fields.put(key, write(value instanceof Map<?, ?> map ? sorted(map) : value)));
        return Position.of(fields);
    }

    /**
     * The offset a position stands for.
     *
     * @throws IllegalStateException when a field is not JSON: a checkpoint this plugin did not write
     */
    Map<String, Object> offset(Position position) {
        Map<String, Object> offset = new LinkedHashMap<>();
        position.fields().forEach((key, value) -> offset.put(key, read(key, value)));
        return offset;
    }

    private String write(Object value) {
        byte[] bytes = json.fromConnectData("", null, value);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Object read(String key, String value) {
        try {
            SchemaAndValue read = json.toConnectData("", value.getBytes(StandardCharsets.UTF_8));
            return read.value();
        } catch (RuntimeException e) {
            throw new IllegalStateException("checkpoint field \"" + key + "\" is not JSON as the connect source writes it: " + value, e);
        }
    }

    private static Map<String, Object> sorted(Map<?, ?> map) {
        Map<String, Object> sorted = new TreeMap<>();
        map.forEach((key, value) -> sorted.put(String.valueOf(key), value instanceof Map<?, ?> inner ? sorted(inner)
                : value instanceof List<?> list ? list.stream().map(e -> e instanceof Map<?, ?> m ? sorted(m) : e).toList() : value));
        return sorted;
    }
}
