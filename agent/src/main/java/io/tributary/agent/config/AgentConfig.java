package io.tributary.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration file, bound.
 *
 * @param file         the file as the user named it
 * @param sources      by name, in file order
 * @param interceptors in file order, which is the order they run in
 */
public record AgentConfig(Path file, AgentSettings agent, KafkaSettings kafka,
                          Map<String, SourceConfig> sources, List<InterceptorConfig> interceptors,
                          LoggingSettings logging) {

    /** The same config pointed at other brokers (the embedded broker's address, say). */
    public AgentConfig withBootstrapServers(String bootstrapServers) {
        return new AgentConfig(file, agent, new KafkaSettings(bootstrapServers, kafka.producer()), sources, interceptors, logging);
    }
}
