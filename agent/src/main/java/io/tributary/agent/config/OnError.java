package io.tributary.agent.config;

import java.util.Arrays;
import java.util.Locale;

/** What happens to a record Kafka can never accept (a source's {@code on_error}). */
public enum OnError {
    /** Write it to the source's {@code dead_letter_topic} and go on. */
    DEAD_LETTER,
    /** Count it and go on. */
    SKIP,
    /** Stop the source. */
    FAIL;

    /** As written in YAML: {@code dead_letter}, {@code skip}, {@code fail}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] yamlNames() {
        return Arrays.stream(values()).map(OnError::yamlName).toArray(String[]::new);
    }

    static OnError fromYamlName(String yamlName) {
        return valueOf(yamlName.toUpperCase(Locale.ROOT));
    }
}
