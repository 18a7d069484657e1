package io.tributary.agent.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record each topic takes ({@code max.message.bytes}, which falls back to the broker's
 * {@code message.max.bytes}), asked of Kafka when a topic first refuses a record as too large. The
 * producer reports that refusal for every record of the refused batch, so the limit is what tells
 * the record that is really too large from its innocent neighbours.
 */
public final class TopicLimits implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicLimits.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> connectionConfig;
    private final Map<String, Long> limits = new ConcurrentHashMap<>();
    private Admin admin;

    public TopicLimits(Map<String, Object> connectionConfig) {
        this.connectionConfig = connectionConfig;
    }

    /** The topic's limit as last read, if it was. */
    OptionalLong known(String topic) {
        Long limit = limits.get(topic);
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /** Reads the topic's limit from Kafka again; empty when Kafka cannot say. */
    OptionalLong refresh(String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin().describeConfigs(List.of(resource)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                return OptionalLong.empty();
            }
            long limit = Long.parseLong(entry.value());
            limits.put(topic, limit);
            return OptionalLong.of(limit);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("Cannot read max.message.bytes of topic {}: {}", topic, e.toString());
            return OptionalLong.empty();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(connectionConfig);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
