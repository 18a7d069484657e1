package io.tributary.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.Delivery;
import io.tributary.agent.interceptor.ConfiguredInterceptor;
import io.tributary.agent.interceptor.InterceptorChain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The configs of the agent's Kafka clients, from {@code kafka:} and {@code agent:}. */
final class KafkaClients {
    /**
     * The producer's {@code batch.size} unless {@code kafka.producer} sets one: 128 KiB, not Kafka's
     * 16 KiB. Every source's records go through this one producer, and a produce request carries one
     * batch per partition, so small batches make the broker's per-request work the limit: 128 KiB
     * took the syslog and jdbc benchmarks from about 50,000 to about 60,000 to 78,000 records a second
     * on one partition. Each partition being written holds one batch from buffer.memory (32 MiB by
     * default), which leaves room for some 250 partitions written at once.
     */
    static final int DEFAULT_BATCH_SIZE = 128 * 1024;

    /**
     * The agent's default of the producer's retry.backoff.ms, 10 ms against Kafka's 100 ms. At every
     * start, initTransactions sends InitProducerId again once the coordinator is found, and waits this
     * long first: 60 ms of a one-second start in the cold-start benchmark. Retries back off
     * exponentially up to retry.backoff.max.ms (1 s) as before, so a Kafka that stays away is not
     * asked more often for long.
     */
    static final int DEFAULT_RETRY_BACKOFF_MS = 10;

    /** The connection settings of {@link #connectionConfig} by prefix: security, and Kafka's config providers. */
    private static final List<String> CONNECTION_PREFIXES = List.of("security.", "sasl.", "ssl.", "config.providers",
            "socket.connection.setup.timeout.", "reconnect.backoff.", "retry.backoff.", "metadata.recovery.");
    /** The connection settings of {@link #connectionConfig} by name: addressing, timeouts and socket buffers. */
    private static final Set<String> CONNECTION_SETTINGS = Set.of(CommonClientConfigs.CLIENT_DNS_LOOKUP_CONFIG,
            CommonClientConfigs.CLIENT_RACK_CONFIG, CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
            CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG, CommonClientConfigs.SEND_BUFFER_CONFIG,
            CommonClientConfigs.RECEIVE_BUFFER_CONFIG);

    private KafkaClients() {
    }

    static String transactionalId(String agentId) {
        return "tributary-" + agentId;
    }

    /**
     * The shared producer's config: {@code kafka.producer} as given, over the agent's own default of
     * {@link #DEFAULT_BATCH_SIZE}, then what the agent owns: byte-array serializers, idempotence,
     * and in exactly_once the transactional id.
     */
    static Map<String, Object> producerConfig(AgentConfig config, List<ConfiguredInterceptor> interceptors, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>(config.kafka().producer());
        // For the checkpoint consumer only: the producer has no use for it and would log it as unknown.
        props.remove(CommonClientConfigs.CLIENT_RACK_CONFIG);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
        props.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, DEFAULT_RETRY_BACKOFF_MS);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, transactionalId(config.agent().id()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (config.agent().delivery() == Delivery.EXACTLY_ONCE) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(config.agent().id()));
        }
        if (!interceptors.isEmpty()) {
            props.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, InterceptorChain.class.getName());
            props.put(InterceptorChain.INSTANCES_CONFIG, new InterceptorChain.Setup(interceptors, config.agent().id(), config.agent().offsetsTopic(), registry));
        }
        return props;
    }

    /**
     * What the admin client and the checkpoint consumer take from {@code kafka.producer}: how to reach
     * and authenticate to the cluster, the same for every client of the agent. Batching, delivery and
     * metrics settings are the producer's own.
     */
    static Map<String, Object> connectionConfig(AgentConfig config) {
        Map<String, Object> props = new HashMap<>();
        config.kafka().producer().forEach((key, value) -> {
            if (isConnectionSetting(key)) {
                props.put(key, value);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        return props;
    }

    static boolean isConnectionSetting(String key) {
        return CONNECTION_SETTINGS.contains(key) || CONNECTION_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** The largest record the producer accepts: {@code max.request.size}, within {@code buffer.memory}. */
    static long maxRecordBytes(Map<String, Object> producerConfig) {
        ProducerConfig parsed = new ProducerConfig(withoutAgentObjects(producerConfig));
        return Math.min(parsed.getInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), parsed.getLong(ProducerConfig.BUFFER_MEMORY_CONFIG));
    }

    /** The producer's {@code transaction.timeout.ms}: how long the coordinator lets a transaction stay open. */
    static java.time.Duration transactionTimeout(Map<String, Object> producerConfig) {
        ProducerConfig parsed = new ProducerConfig(withoutAgentObjects(producerConfig));
        return java.time.Duration.ofMillis(parsed.getInt(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    }

    /** True when the producer compresses batches, so a record's uncompressed size says nothing certain about a topic's limit. */
    static boolean compressed(Map<String, Object> producerConfig) {
        ProducerConfig parsed = new ProducerConfig(withoutAgentObjects(producerConfig));
        return !"none".equals(parsed.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG));
    }

    /** Checks {@code kafka.producer} the way the producer will, without connecting; null when valid. */
    static String checkProducerConfig(AgentConfig config) {
        try {
            maxRecordBytes(producerConfig(config, List.of(), null));
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static Map<String, Object> withoutAgentObjects(Map<String, Object> producerConfig) {
        Map<String, Object> copy = new HashMap<>(producerConfig);
        copy.remove(InterceptorChain.INSTANCES_CONFIG);
        copy.remove(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG);
        return copy;
    }
}
