package io.tributary.agent;

import static io.tributary.agent.Faults.assertExactlyOnce;
import static io.tributary.agent.Faults.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaBroker;
import io.tributary.testkit.KafkaReader;
import io.tributary.testkit.TestAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13: one source that cannot write (its topic missing, a record over its topic's
 * {@code max.message.bytes}) affects that source alone, on a broker that does not create topics.
 */
class SourceIsolationIT {
    /** The healthy source writes 5,000 records at 1,000 a second: 5 s alone; 20 s leaves room for a busy machine, not for a stall. */
    private static final int HEALTHY = 5000;
    private static final Duration HEALTHY_DELIVERY = Duration.ofSeconds(20);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DEFAULT_DEAD_LETTER_TOPIC = "tributary.dead_letter";
    private static final int BESIDE = 100_000;

    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(Map.of("auto.create.topics.enable", "false"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aSourceWhoseTopicIsMissingIsNamedOnHealthWhileTheOtherDeliversAndItsRecordsArriveOnceTheTopicIsCreated() {
        broker.createTopic("isolation.healthy", 1, Map.of());
        AgentHttp http = AgentHttp.onFreePort();
        AgentFixture fixture = AgentFixture.in(dir, broker).write("missing-topic", Map.of("http", http.address()), "sources:\n"
                + sequence("healthy", "isolation.healthy", HEALTHY, "per_poll: 50", "pause_per_poll: 50ms")
                + sequence("broken", "isolation.missing", 1000));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "isolation.healthy", HEALTHY, HEALTHY_DELIVERY);

            await("source broken down on /health").atMost(WAIT)
                    .until(() -> http.source("broken").path("status").asText().equals("down"));
            JsonNode broken = http.source("broken");
            assertThat(broken.path("problem").asText()).as("/health's reason for source broken").contains("isolation.missing");
            assertThat(http.healthStatus()).isEqualTo(503);
            assertThat(http.source("healthy").path("status").asText()).isEqualTo("up");
            assertThat(http.metric(AgentHttp.sourceUp("broken"))).hasValue(0.0);
            assertThat(http.metric(AgentHttp.sourceUp("healthy"))).hasValue(1.0);
            Faults.stayAlive(agent, Duration.ofSeconds(3), "while the topic of source broken was missing");

            broker.createTopic("isolation.missing", 1, Map.of());
            fixture.awaitCount(agent, "isolation.missing", 1000, WAIT);
            await("/health 200").atMost(WAIT).until(() -> http.healthStatus() == 200);
            TestAgent.stopGracefully(agent);
        }
        assertExactlyOnce(fixture, "isolation.healthy", HEALTHY);
        assertExactlyOnce(fixture, "isolation.missing", 1000);
    }

    @Test
    void aRecordOverItsTopicsMaxMessageBytesIsSkippedAndTheSourceBesideItLosesNothing() {
        broker.createTopic("isolation.tiny", 1, Map.of("max.message.bytes", "10000"));
        broker.createTopic("isolation.beside", 1, Map.of());
        broker.createTopic("isolation.beside.dlq", 1, Map.of());
        AgentHttp http = AgentHttp.onFreePort();
        /*
         * The other source writes at full speed while the refused record is sent, so that batches of
         * its own wait in the producer when the broker refuses the record: Kafka fails those with the
         * same RecordTooLargeException.
         */
        AgentFixture fixture = AgentFixture.in(dir, broker).write("too-large", Map.of("http", http.address()), "sources:\n"
                + sequence("tiny", "isolation.tiny", 4000, "per_poll: 50", "pause_per_poll: 20ms", "large_at: 2000",
                        "large_bytes: 20KiB", "on_error: skip")
                + sequence("beside", "isolation.beside", BESIDE, "per_poll: 500",
                        "dead_letter_topic: isolation.beside.dlq"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "isolation.tiny", 3999, WAIT);
            fixture.awaitCount(agent, "isolation.beside", BESIDE, WAIT);
            await("one record of source tiny skipped").atMost(WAIT).until(() -> http.metric(skipped("tiny")).orElse(0) == 1.0);
            assertThat(http.metric(skipped("beside"))).hasValue(0.0);
            assertThat(http.metric(deadLettered("beside"))).hasValue(0.0);
            TestAgent.stopGracefully(agent);
        }
        List<String> tiny = new ArrayList<>(Faults.expected(4000));
        tiny.remove("record-2000");
        assertThat(KafkaReader.values(fixture.readAll("isolation.tiny"))).containsExactlyElementsOf(tiny);
        assertExactlyOnce(fixture, "isolation.beside", BESIDE);
        assertThat(fixture.readAll("isolation.beside.dlq")).as("innocent records dead-lettered").isEmpty();
    }

    @Test
    void theDefaultDeadLetterTopicIsCreatedAtStartWhenMissingAndTakesTheRecordThatCannotBeWritten() throws Exception {
        if (broker.admin().listTopics().names().get().contains(DEFAULT_DEAD_LETTER_TOPIC)) {
            broker.admin().deleteTopics(List.of(DEFAULT_DEAD_LETTER_TOPIC)).all().get();
            await().atMost(WAIT).until(() -> !broker.admin().listTopics().names().get().contains(DEFAULT_DEAD_LETTER_TOPIC));
        }
        broker.createTopic("isolation.dead.letters", 1, Map.of());
        AgentFixture fixture = AgentFixture.in(dir, broker).write("dead-letter-created", "sources:\n"
                + sequence("lettered", "isolation.dead.letters", 500, "large_at: 100", "large_bytes: 3MiB"));
        try (AgentProcess agent = fixture.start()) {
            Set<String> topics = broker.admin().listTopics().names().get();
            assertThat(topics).as("topics once the agent runs; it printed:\n%s", TestAgent.tail(agent)).contains(DEFAULT_DEAD_LETTER_TOPIC);
            fixture.awaitCount(agent, "isolation.dead.letters", 499, WAIT);
            fixture.awaitCount(agent, DEFAULT_DEAD_LETTER_TOPIC, 1, WAIT);
            TestAgent.stopGracefully(agent);
        }
        List<String> written = new ArrayList<>(Faults.expected(500));
        written.remove("record-100");
        assertThat(KafkaReader.values(fixture.readAll("isolation.dead.letters"))).containsExactlyElementsOf(written);
        List<ConsumerRecord<byte[], byte[]>> dead = fixture.readAll(DEFAULT_DEAD_LETTER_TOPIC);
        assertThat(dead).hasSize(1);
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.source")).isEqualTo("lettered");
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.value.bytes")).isEqualTo(Integer.toString(3 << 20));
    }

    private static String skipped(String source) {
        return "tributary_source_errors_total{action=\"skip\",source=\"" + source + "\",source_type=\"sequence\"}";
    }

    private static String deadLettered(String source) {
        return "tributary_source_errors_total{action=\"dead_letter\",source=\"" + source + "\",source_type=\"sequence\"}";
    }
}
