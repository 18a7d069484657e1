package io.tributary.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a stream stands: a small immutable map of named fields, e.g. {@code offset=1234} for a file
 * or {@code updated_at=...,id=42} for a table. Values are strings on the wire, so the stored form is
 * plain JSON that an operator can read with {@code tributary checkpoints list}.
 */
public final class Position {
    private final Map<String, String> fields;

    /** Takes {@code fields}, a sorted copy nobody else holds: positions are made per record, so once is enough. */
    private Position(TreeMap<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** A position of the given fields; values are kept as their {@code String.valueOf}. */
    public static Position of(Map<String, ?> fields) {
        TreeMap<String, String> copy = new TreeMap<>();
        fields.forEach((k, v) -> copy.put(Objects.requireNonNull(k), String.valueOf(Objects.requireNonNull(v, k))));
        return new Position(copy);
    }

    /** A position of one field. */
    public static Position of(String name, Object value) {
        return of(Map.of(name, value));
    }

    /** A position of two fields. */
    public static Position of(String name1, Object value1, String name2, Object value2) {
        return of(Map.of(name1, value1, name2, value2));
    }

    /** The field's value, or {@code null} when absent. */
    public String get(String name) {
        return fields.get(name);
    }

    /**
     * The field as a long.
     *
     * @throws IllegalStateException when it is absent or not a number: a checkpoint that cannot be
     *                               read is an error, never a silent restart from zero
     */
    public long getLong(String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalStateException("checkpoint has no field \"" + name + "\": " + this);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("checkpoint field \"" + name + "\" is not a number: " + this, e);
        }
    }

    /** Every field, sorted by name. */
    public Map<String, String> fields() {
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Position other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
