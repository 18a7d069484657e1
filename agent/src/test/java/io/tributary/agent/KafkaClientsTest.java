package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared producer's config as the agent builds it from kafka.producer and agent. */
class KafkaClientsTest {
    @TempDir
    Path folder;

    private AgentConfig config(String producer) throws IOException {
        Path file = Files.writeString(folder.resolve("agent.yaml"), """
                agent:
                  id: clients
                kafka:
                  bootstrap_servers: localhost:9092
                %s""".formatted(producer));
        LoadResult loaded = ConfigLoader.load(file, Map.of());
        assertThat(loaded.errors()).isEmpty();
        return loaded.config();
    }

    @Test
    void batchesAre128KiBUnlessKafkaProducerSaysOtherwise() throws IOException {
        Map<String, Object> defaults = KafkaClients.producerConfig(config(""), List.of(), null);
        Map<String, Object> set = KafkaClients.producerConfig(config("  producer:\n    batch.size: 16384\n"), List.of(), null);

        assertThat(defaults).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
        assertThat(new ProducerConfig(defaults).getInt(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo(131072);
        assertThat(new ProducerConfig(set).getInt(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo(16384);
    }

    @Test
    void retriesBackOffFrom10MillisecondsUnlessKafkaProducerSaysOtherwise() throws IOException {
        Map<String, Object> defaults = KafkaClients.producerConfig(config(""), List.of(), null);
        Map<String, Object> set = KafkaClients.producerConfig(config("  producer:\n    retry.backoff.ms: 100\n"), List.of(), null);

        assertThat(new ProducerConfig(defaults).getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(10L);
        assertThat(new ProducerConfig(set).getLong(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(100L);
    }

    @Test
    void theAgentOwnsSerializersIdempotenceAndTheTransactionalId() throws IOException {
        Map<String, Object> props = KafkaClients.producerConfig(config(""), List.of(), null);

        assertThat(props).containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tributary-clients")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "tributary-clients");
    }

    @Test
    void connectionSettingsReachTheAdminClientAndTheCheckpointConsumerAsTheyReachTheProducer() throws IOException {
        AgentConfig config = config("""
                  producer:
                    security.protocol: SASL_SSL
                    sasl.mechanism: PLAIN
                    ssl.truststore.location: /etc/kafka/truststore.jks
                    client.dns.lookup: use_all_dns_ips
                    request.timeout.ms: 45000
                    socket.connection.setup.timeout.ms: 20000
                    reconnect.backoff.max.ms: 2000
                    retry.backoff.ms: 300
                    connections.max.idle.ms: 100000
                    receive.buffer.bytes: 131072
                    client.rack: eu-west-1a
                    linger.ms: 5
                    acks: all
                    compression.type: zstd
                """);

        Map<String, Object> connection = KafkaClients.connectionConfig(config);

        assertThat(connection).containsOnlyKeys("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "ssl.truststore.location", "client.dns.lookup", "request.timeout.ms", "socket.connection.setup.timeout.ms",
                "reconnect.backoff.max.ms", "retry.backoff.ms", "connections.max.idle.ms", "receive.buffer.bytes", "client.rack");
        Map<String, Object> consumer = new HashMap<>(connection);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ConsumerConfig consumerConfig = new ConsumerConfig(consumer);
        assertThat(consumerConfig.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(45_000);
        assertThat(consumerConfig.getString(ConsumerConfig.CLIENT_RACK_CONFIG)).isEqualTo("eu-west-1a");
        assertThat(consumerConfig.getString("security.protocol")).isEqualTo("SASL_SSL");
        AdminClientConfig adminConfig = new AdminClientConfig(connection);
        assertThat(adminConfig.getLong(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG)).isEqualTo(20_000L);
        assertThat(adminConfig.getString("sasl.mechanism")).isEqualTo("PLAIN");
        assertThat(adminConfig.getLong(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(300L);
    }

    @Test
    void theProducerIsNotGivenTheCheckpointConsumersRack() throws IOException {
        Map<String, Object> props = KafkaClients.producerConfig(config("  producer:\n    client.rack: eu-west-1a\n"), List.of(), null);

        assertThat(props).doesNotContainKey("client.rack");
    }
}
