package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void committedRecordsAreReadAndSurviveAKillAndAGracefulStop() throws Exception {
        Path directory;
        try (KafkaBroker broker = KafkaBroker.start()) {
            directory = broker.logDir().getParent();
            assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(broker.logDir().resolve("meta.properties")).exists();
            assertThatThrownBy(broker::restart)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("broker " + broker.bootstrapServers() + " is running; stop() or kill() it first");
            broker.createTopic("events", 2, Map.of("retention.ms", "-1"));

            try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(broker.bootstrapServers())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(record("events", 0, "one", "source", "app-logs"));
                producer.send(record("events", 1, "two", "source", "app-logs"));
                producer.send(record("events", 0, "three", "source", "syslog"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(record("events", 0, "aborted", "source", "app-logs"));
                producer.flush();
                producer.abortTransaction();
            }

            List<ConsumerRecord<byte[], byte[]>> committed = KafkaReader.readAll(broker.bootstrapServers(), "events");
            assertThat(KafkaReader.values(committed)).containsExactly("one", "three", "two");
            assertThat(committed).extracting(ConsumerRecord::partition).containsExactly(0, 0, 1);
            assertThat(KafkaReader.header(committed.get(1), "source")).isEqualTo("syslog");
            assertThat(KafkaReader.header(committed.get(1), "missing")).isNull();
            ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, "events");
            assertThat(broker.admin().describeConfigs(List.of(events)).all().get()
                    .get(events).get("retention.ms").value()).isEqualTo("-1");

            broker.kill();
            broker.restart();
            assertThat(KafkaReader.values(KafkaReader.readAll(broker.bootstrapServers(), "events")))
                    .containsExactly("one", "three", "two");

            broker.stop();
            broker.restart();
            assertThat(KafkaReader.values(KafkaReader.readAll(broker.bootstrapServers(), "events")))
                    .containsExactly("one", "three", "two");
        }
        assertThat(directory).doesNotExist();
    }

    @Test
    void aBrokerThatCannotStartFailsWithTheTailOfItsLog() {
        assertThatThrownBy(() -> KafkaBroker.start(Map.of("num.partitions", "many")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed with exit code 1")
                .hasMessageContaining("broker.log")
                .hasMessageContaining("num.partitions");
    }

    @Test
    void theSharedBrokerIsOneBrokerThatTestsCannotStop() {
        KafkaBroker shared = KafkaBroker.shared();
        assertThat(KafkaBroker.shared()).isSameAs(shared);
        shared.close();
        assertThatThrownBy(shared::kill)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("cannot kill the shared broker, which other tests use; start a broker of your own");
        assertThatThrownBy(shared::stop).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(shared::restart).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Files.isDirectory(shared.logDir())).isTrue();
    }

    @Test
    void readAllOfAMissingTopicIsEmptyAndDoesNotCreateIt() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();

        assertThat(KafkaReader.readAll(broker.bootstrapServers(), "never-written")).isEmpty();

        assertThat(broker.admin().listTopics().names().get()).doesNotContain("never-written");
    }

    @Test
    void awaitCountWaitsForATopicThatAppearsLater() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        CompletableFuture<List<ConsumerRecord<byte[], byte[]>>> reading = CompletableFuture.supplyAsync(
                () -> KafkaReader.awaitCount(broker.bootstrapServers(), "late", 2, Duration.ofSeconds(30)));

        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(broker.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record("late", 0, "first", "source", "x"));
            producer.send(record("late", 0, "second", "source", "x"));
            producer.commitTransaction();
        }

        assertThat(KafkaReader.values(reading.get())).containsExactly("first", "second");
    }

    @Test
    void awaitCountSaysHowManyArrivedWhenTooFewDid() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopic("too-few", 1, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer(broker.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record("too-few", 0, "only", "source", "x"));
            producer.commitTransaction();
        }

        assertThatThrownBy(() -> KafkaReader.awaitCount(broker.bootstrapServers(), "too-few", 3, Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("expected at least 3 records in topic \"too-few\" within PT2S but 1 arrived");
    }

    @Test
    void aClientThatBootstrapsAtTheProxyTalksThroughItAndAPartitionStopsItButNotTheDirectListener() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().proxied().start()) {
            broker.createTopic("proxied", 1, Map.of());
            TcpProxy proxy = broker.proxy();
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.proxiedBootstrapServers());
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "2000");
            config.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                // The broker advertises the proxy: metadata sends the client back through it.
                assertThat(producer.partitionsFor("proxied").get(0).leader().port()).isEqualTo(proxy.port());
                producer.send(record("proxied", 0, "through", "source", "x")).get();
                assertThat(proxy.forwardedBytes()).isPositive();

                proxy.drop();
                assertThatThrownBy(() -> producer.send(record("proxied", 0, "lost", "source", "x")).get())
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
                assertThat(KafkaReader.values(KafkaReader.readAll(broker.bootstrapServers(), "proxied"))).containsExactly("through");

                // What the partition held would flow on after pass(); resetting the connections loses it.
                proxy.cutAll();
                proxy.pass();
                producer.send(record("proxied", 0, "healed", "source", "x")).get();
            }
            assertThat(KafkaReader.values(KafkaReader.readAll(broker.clientConfig(), "proxied"))).containsExactly("through", "healed");
        }
    }

    @Test
    void aSaslBrokerLetsAUserDoOnlyWhatItsAclsAllow() throws Exception {
        try (KafkaBroker broker = KafkaBroker.builder().saslUsers(Map.of("agent", "agent-secret")).start()) {
            broker.createTopic("allowed", 1, Map.of());
            broker.createTopic("denied", 1, Map.of());
            broker.allowTransactionalProducer("agent", "agent-tx", "allowed");
            assertThat(broker.saslClientSettings("agent")).containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "PLAIN")
                    .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"agent\" password=\"agent-secret\";");

            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.putAll(broker.saslClientSettings("agent"));
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "agent-tx");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(record("allowed", 0, "written", "source", "x"));
                producer.commitTransaction();
                producer.beginTransaction();
                assertThatThrownBy(() -> producer.send(record("denied", 0, "refused", "source", "x")).get())
                        .hasCauseInstanceOf(TopicAuthorizationException.class)
                        .hasMessageContaining("Not authorized to access topics: [denied]");
                // As a client does after an abortable error; closing with the transaction still open blocks about 30 s.
                producer.abortTransaction();
            }
            assertThat(KafkaReader.values(KafkaReader.readAll(broker.clientConfig(), "allowed"))).containsExactly("written");
            assertThat(KafkaReader.readAll(broker.clientConfig(), "denied")).isEmpty();
            assertThatThrownBy(() -> broker.saslClientSettings("nobody")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("broker " + broker.bootstrapServers() + " has no user nobody; it has [agent]");
        }
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "testkit-" + System.nanoTime());
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String value,
                                                         String header, String headerValue) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, null,
                value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(header, headerValue.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
