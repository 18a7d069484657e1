package io.tributary.agent.config;

import java.util.Arrays;
import java.util.Locale;

/** The agent's delivery guarantee ({@code agent.delivery}). */
public enum Delivery {
    /** Records and the checkpoints they advance commit in one Kafka transaction. */
    EXACTLY_ONCE,
    /** Idempotent producer; checkpoints advance after the broker acknowledged. */
    AT_LEAST_ONCE;

    /** As written in YAML: {@code exactly_once}, {@code at_least_once}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] yamlNames() {
        return Arrays.stream(values()).map(Delivery::yamlName).toArray(String[]::new);
    }

    static Delivery fromYamlName(String yamlName) {
        return valueOf(yamlName.toUpperCase(Locale.ROOT));
    }
}
