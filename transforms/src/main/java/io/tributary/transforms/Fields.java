package io.tributary.transforms;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reading and writing a field of a schemaless value by name. A name is first looked up as it is
 * (so {@code log.level} finds a field called exactly that), then as a dotted path into nested
 * objects ({@code http.request.method}), as Filebeat and Vector address fields.
 */
final class Fields {

    private Fields() {
    }

    /** The field's value, or null when the value is not a map or has no such field. */
    static Object get(Object value, String name) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        if (map.containsKey(name)) {
            return map.get(name);
        }
        int dot = name.indexOf('.');
        return dot < 0 ? null : get(map.get(name.substring(0, dot)), name.substring(dot + 1));
    }

    /**
     * A copy of {@code value} (a map) with the field set, making the objects of a dotted path that
     * are missing. Copies, because a transform must not change the record it was given.
     */
    static Map<String, Object> with(Map<?, ?> value, String name, Object fieldValue) {
        Map<String, Object> copy = copy(value);
        int dot = name.indexOf('.');
        if (dot < 0 || copy.containsKey(name)) {
            copy.put(name, fieldValue);
            return copy;
        }
        String head = name.substring(0, dot);
        Object inner = copy.get(head);
        if (inner != null && !(inner instanceof Map)) {
            throw new DataException("cannot set field " + name + ": " + head + " is not an object");
        }
        copy.put(head, with(inner == null ? Map.of() : (Map<?, ?>) inner, name.substring(dot + 1), fieldValue));
        return copy;
    }

    /** The value as a map, or a {@link DataException} naming the transform that needs one. */
    static Map<?, ?> requireMap(Object value, String transform) {
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        throw new DataException(transform + " needs the value to be a JSON object (value_format: json, or parse_json first), got "
                + describe(value));
    }

    /** Text of a string, bytes (UTF-8), number or boolean; null for anything else. */
    static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof ByteBuffer buffer) {
            return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }

    static String describe(Object value) {
        return value == null ? "null" : value instanceof byte[] ? "bytes" : value.getClass().getSimpleName();
    }

    /** A mutable copy, keeping the field order. */
    static Map<String, Object> copy(Map<?, ?> value) {
        Map<String, Object> copy = new LinkedHashMap<>(value.size() + 4);
        value.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }
}
