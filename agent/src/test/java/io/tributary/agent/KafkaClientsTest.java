package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.config.AgentConfig;
import io.tributary.agent.config.ConfigLoader;
import io.tributary.agent.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
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
    void theAgentOwnsSerializersIdempotenceAndTheTransactionalId() throws IOException {
        Map<String, Object> props = KafkaClients.producerConfig(config(""), List.of(), null);

        assertThat(props).containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tributary-clients")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "tributary-clients");
    }
}
