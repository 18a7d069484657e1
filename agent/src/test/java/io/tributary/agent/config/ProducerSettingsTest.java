package io.tributary.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kafka.producer is checked against the Kafka producer's settings and the agent's delivery. */
class ProducerSettingsTest {
    @TempDir
    Path folder;

    private Path file;

    private LoadResult load(String yaml) throws IOException {
        file = Files.writeString(folder.resolve("agent.yaml"), yaml);
        return ConfigLoader.load(file, Map.of());
    }

    private List<String> errors(String yaml) throws IOException {
        return load(yaml).errors().stream().map(ConfigError::toString).toList();
    }

    private String at(String locationPathAndMessage) {
        return file + ":" + locationPathAndMessage;
    }

    @Test
    void anUnknownProducerSettingIsAnErrorWithTheClosestKnownOne() throws IOException {
        assertThat(errors("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    linger.msx: 5
                    compresion.type: zstd
                    no.such.thing: 1
                """)).containsExactly(
                at("4:5: kafka.producer.linger.msx: unknown setting, did you mean \"linger.ms\"?"),
                at("5:5: kafka.producer.compresion.type: unknown setting, did you mean \"compression.type\"?"),
                at("6:5: kafka.producer.no.such.thing: unknown setting"));
    }

    @Test
    void aValueTheProducerWouldRejectIsAnErrorAtItsLine() throws IOException {
        assertThat(errors("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    compression.type: zstdd
                    linger.ms: soon
                    batch.size: -1
                """)).containsExactly(
                at("4:5: kafka.producer.compression.type: string must be one of: none, gzip, snappy, lz4, zstd, got \"zstdd\""),
                at("5:5: kafka.producer.linger.ms: not a number of type LONG, got \"soon\""),
                at("6:5: kafka.producer.batch.size: value must be at least 0, got \"-1\""));
    }

    @Test
    void settingsThatBreakExactlyOnceAreExplainedInTributarysWords() throws IOException {
        assertThat(errors("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    acks: 1
                    enable.idempotence: false
                    transactional.id: mine
                    retries: 0
                    max.in.flight.requests.per.connection: 6
                """)).containsExactly(
                at("4:5: kafka.producer.acks: must be all (or -1): agent.delivery exactly_once writes with the idempotent"
                        + " producer, which counts a record as written only once every in-sync replica has it, got \"1\""),
                at("5:5: kafka.producer.enable.idempotence: is always true: agent.delivery exactly_once and at_least_once"
                        + " both write with the idempotent producer, so that a retried send is not written twice; remove it"),
                at("6:5: kafka.producer.transactional.id: is set by the agent to tributary-<agent.id>, one per agent so that"
                        + " a second agent fences the first; set agent.id instead"),
                at("7:5: kafka.producer.retries: must be at least 1: agent.delivery exactly_once needs the producer to"
                        + " retry a send that failed for a passing reason, got \"0\""),
                at("8:5: kafka.producer.max.in.flight.requests.per.connection: must be at most 5: with more, the"
                        + " idempotent producer that agent.delivery exactly_once needs could not keep records in order, got \"6\""));
    }

    @Test
    void settingsTheAgentOverridesAreErrorsNotSilentlyReplaced() throws IOException {
        assertThat(errors("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    bootstrap.servers: other:9092
                    interceptor.classes: com.example.Audit
                    value.serializer: org.apache.kafka.common.serialization.StringSerializer
                """)).containsExactly(
                at("4:5: kafka.producer.bootstrap.servers: is set by the agent from kafka.bootstrap_servers; set that instead"),
                at("5:5: kafka.producer.interceptor.classes: is set by the agent from the interceptors section;"
                        + " list producer interceptors there with \"class\""),
                at("6:5: kafka.producer.value.serializer: is set by the agent, which sends byte arrays"));
    }

    @Test
    void aCommitIntervalTheTransactionCoordinatorWouldNotWaitForIsAnError() throws IOException {
        assertThat(errors("""
                agent:
                  commit_interval: 10m
                kafka:
                  bootstrap_servers: localhost:9092
                """)).containsExactly(at("2:3: agent.commit_interval: must be at most half of kafka.producer"
                + " transaction.timeout.ms (60000 ms, Kafka's default), got \"10m\": the transaction coordinator aborts a"
                + " transaction open longer than transaction.timeout.ms, and one stays open for agent.commit_interval and"
                + " then the time its records take to send; shorten commit_interval or raise transaction.timeout.ms"
                + " (brokers allow up to their transaction.max.timeout.ms, 15 minutes by default)"));
        assertThat(errors("""
                agent:
                  commit_interval: 10m
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    transaction.timeout.ms: 1200000
                """)).isEmpty();
        assertThat(errors("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    transaction.timeout.ms: 150
                """)).containsExactly(at("4:5: kafka.producer.transaction.timeout.ms: must be at least twice"
                + " agent.commit_interval (100 ms), got \"150\": the transaction coordinator aborts a transaction open"
                + " longer than transaction.timeout.ms, and one stays open for agent.commit_interval and then the time"
                + " its records take to send"));
    }

    @Test
    void atLeastOnceHasNoTransactionToTimeOut() throws IOException {
        assertThat(errors("""
                agent:
                  delivery: at_least_once
                  commit_interval: 10m
                kafka:
                  bootstrap_servers: localhost:9092
                """)).isEmpty();
    }

    @Test
    void connectionSettingsOfTheCheckpointConsumerAndConfigProvidersAreAccepted() throws IOException {
        LoadResult result = load("""
                kafka:
                  bootstrap_servers: localhost:9092
                  producer:
                    client.rack: eu-west-1a
                    config.providers: env
                    config.providers.env.class: org.apache.kafka.common.config.provider.EnvVarConfigProvider
                    acks: all
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.config().kafka().producer()).containsExactly(
                Map.entry("client.rack", "eu-west-1a"), Map.entry("config.providers", "env"),
                Map.entry("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider"),
                Map.entry("acks", "all"));
    }
}
