package io.tributary.agent.config;

import java.util.Map;

/**
 * The {@code kafka:} section.
 *
 * @param bootstrapServers {@code host:port,...}, or {@value #EMBEDDED} for a local test broker
 * @param producer         Kafka producer configs, passed verbatim; may hold secrets
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> producer) {

    public static final String EMBEDDED = "embedded";

    /** Names the producer configs only: their values may be secrets ({@code sasl.jaas.config}). */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", producer=" + producer.keySet() + "]";
    }
}
