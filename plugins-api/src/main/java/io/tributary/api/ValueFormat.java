package io.tributary.api;

import java.util.Locale;

/**
 * How a source's record values look, and so how its {@code transforms:} see them (the source's
 * {@code value_format}): as they come, each transform is a Kafka Connect single message transform
 * over a record decoded this way, and the record is encoded back the same way after the last one.
 */
public enum ValueFormat {
    /** The value's bytes as they are ({@code byte[]}); the key too. */
    BYTES,
    /** The value as UTF-8 text ({@code String}); the key too. */
    STRING,
    /**
     * The value as one JSON value, a {@code Map} for an object, as Connect's {@code JsonConverter}
     * gives with {@code schemas.enable=false}; the key as UTF-8 text.
     */
    JSON;

    /** As written in YAML: {@code bytes}, {@code string}, {@code json}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
