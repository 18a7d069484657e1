package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary checkpoints set} and {@code list} against a real broker, with the agent stopped. */
class CheckpointsCommandIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String SOURCES = """
            sources:
              numbers:
                type: sequence
                topic: rewind
                count: 100
            """;

    @TempDir
    Path dir;

    @Test
    void aCheckpointSetWithTheAgentStoppedIsWhereTheSourceGoesOnFromAtTheNextStart() {
        AgentFixture fixture = AgentFixture.in(dir).write("rewind", SOURCES);
        runUntil(fixture, 100);
        assertThat(fixture.command("checkpoints", "list").output()).containsPattern("(?m)^numbers\\s+seq\\s+next=100$");

        AgentProcess.Result set = fixture.command("checkpoints", "set", "--source", "numbers", "--stream", "seq", "--position", "next=40");

        assertThat(set.exitCode()).as(set.output()).isZero();
        assertThat(set.output()).contains("set the checkpoint of source numbers stream seq to next=40 (was next=100)");
        assertThat(fixture.command("checkpoints", "list").output()).containsPattern("(?m)^numbers\\s+seq\\s+next=40$");
        runUntil(fixture, 160);
        List<String> expected = new ArrayList<>(records(0, 100));
        expected.addAll(records(40, 100));
        assertThat(KafkaReader.values(KafkaReader.readAll(fixture.broker.bootstrapServers(), "rewind"))).containsExactlyElementsOf(expected);
    }

    @Test
    void setRefusesAnUnknownSourceAPositionItCannotReadAndFieldsTheCheckpointDoesNotHave() {
        AgentFixture fixture = AgentFixture.in(dir).write("refused", SOURCES);

        AgentProcess.Result noSource = fixture.command("checkpoints", "set", "--source", "numbrs", "--stream", "seq", "--position", "next=1");
        assertThat(noSource.exitCode()).isEqualTo(1);
        assertThat(noSource.output()).contains("tributary: " + fixture.config + " has no source \"numbrs\"; its sources: numbers");

        AgentProcess.Result badPosition = fixture.command("checkpoints", "set", "--source", "numbers", "--stream", "seq", "--position", "next");
        assertThat(badPosition.exitCode()).isEqualTo(1);
        assertThat(badPosition.output()).contains("tributary: --position must be NAME=VALUE[,NAME=VALUE...] as checkpoints list prints it, got \"next\"");

        AgentProcess.Result first = fixture.command("checkpoints", "set", "--source", "numbers", "--stream", "seq", "--position", "next=7");
        assertThat(first.output()).contains("set the checkpoint of source numbers stream seq to next=7 (it had none)");
        AgentProcess.Result misspelt = fixture.command("checkpoints", "set", "--source", "numbers", "--stream", "seq", "--position", "nxt=9");
        assertThat(misspelt.exitCode()).isEqualTo(1);
        assertThat(misspelt.output()).contains("tributary: --position must name the fields of the checkpoint of source numbers"
                + " stream seq, next (now next=7), got nxt");
        assertThat(fixture.command("checkpoints", "list").output()).containsPattern("(?m)^numbers\\s+seq\\s+next=7$");
    }

    @Test
    void theOffsetsTopicTheAgentCreatesKeepsWhatAStartReadsShort() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("created", Map.of("http", "off", "offsets_topic", "created.offsets"),
                SOURCES.replace("topic: rewind", "topic: created"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "created", 100, WAIT);
        }
        ConfigResource offsetsTopic = new ConfigResource(ConfigResource.Type.TOPIC, "created.offsets");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.broker.bootstrapServers()))) {
            Config config = admin.describeConfigs(List.of(offsetsTopic)).all().get(30, TimeUnit.SECONDS).get(offsetsTopic);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(config.get(TopicConfig.SEGMENT_MS_CONFIG).value()).isEqualTo("60000");
            assertThat(config.get(TopicConfig.SEGMENT_BYTES_CONFIG).value()).isEqualTo("8388608");
            assertThat(config.get(TopicConfig.DELETE_RETENTION_MS_CONFIG).value()).isEqualTo("300000");
        }
    }

    private static void runUntil(AgentFixture fixture, int count) {
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "rewind", count, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
    }

    private static List<String> records(long from, long to) {
        return LongStream.range(from, to).mapToObj(n -> "record-" + n).toList();
    }
}
