package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a real broker: what a read_committed consumer sees across stops, kills and errors. */
class ExactlyOnceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static String sequenceSource(String topic, long count, String extra) {
        return """
                sources:
                  numbers:
                    type: sequence
                    topic: %s
                    count: %d
                %s""".formatted(topic, count, extra);
    }

    private static List<String> expected(long from, long to) {
        return LongStream.range(from, to).mapToObj(n -> "record-" + n).collect(Collectors.toList());
    }

    @Test
    void recordsAndCheckpointsSurviveAGracefulRestart() {
        AgentFixture fixture = AgentFixture.in(dir).write("restart", sequenceSource("restart", 3000, ""));
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "restart", 3000, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        fixture.write("restart", sequenceSource("restart", 5000, ""));
        try (AgentProcess agent = fixture.start()) {
            assertThat(agent.awaitLine("sequence starts at 3000", WAIT)).isTrue();
            fixture.awaitCount(agent, "restart", 5000, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "restart"))).containsExactlyElementsOf(expected(0, 5000));
        AgentProcess.Result list = fixture.command("checkpoints", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.output()).containsPattern("(?m)numbers\\s+seq\\s+next=5000$");
    }

    @Test
    void sigkillAtRandomMomentsThenRestartYieldsEveryRecordExactlyOnce() {
        int kills = Integer.getInteger("tributary.kills", 3);
        long count = 40_000L * (kills + 1);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        AgentFixture fixture = AgentFixture.in(dir).write("killed", sequenceSource("killed", count, "    per_poll: 200\n"));
        String bootstrap = fixture.broker.bootstrapServers();
        int committed = 0;
        for (int kill = 1; kill <= kills; kill++) {
            try (AgentProcess agent = fixture.start()) {
                int killAfter = committed + 1 + random.nextInt((int) (count / (kills + 1)));
                committed = fixture.awaitCount(agent, "killed", killAfter, WAIT).size();
                agent.sigkill();
                agent.waitFor(Duration.ofSeconds(10));
            }
        }
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "killed", (int) count, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        List<String> values = KafkaReader.values(KafkaReader.readAll(bootstrap, "killed"));
        assertThat(values).as("after %d kills at random moments (seed %d)", kills, seed).containsExactlyElementsOf(expected(0, count));
    }

    @Test
    void anAbortedTransactionIsWrittenAgainWithoutLossOrDuplicates() {
        // The broker refuses the 20 KB record (topic max.message.bytes 10 KB) after the producer took it:
        // the transaction holding it and its neighbours aborts and is written again without it.
        fixture().broker.createTopic("aborting", 1, Map.of("max.message.bytes", "10000"));
        AgentFixture fixture = AgentFixture.in(dir).write("aborting", sequenceSource("aborting", 2000,
                "    per_poll: 50\n    large_at: 1000\n    large_bytes: 20KiB\n    dead_letter_topic: aborting.dlq\n"));
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "aborting", 1999, WAIT);
            fixture.awaitCount(agent, "aborting.dlq", 1, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
            assertThat(agent.lines()).anyMatch(line -> line.contains("will be written again"));
        }
        List<String> expected = new ArrayList<>(expected(0, 2000));
        expected.remove("record-1000");
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "aborting"))).containsExactlyElementsOf(expected);
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaReader.readAll(bootstrap, "aborting.dlq");
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("1000");
        assertThat(dead.get(0).value()).hasSize(20 * 1024);
        assertThat(KafkaReader.header(dead.get(0), "tributary.error")).startsWith("RecordTooLargeException");
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.topic")).isEqualTo("aborting");
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.source")).isEqualTo("numbers");
    }

    @Test
    void aRecordOverMaxRequestSizeGoesToTheDeadLetterTopicWithoutWedgingTheSource() {
        AgentFixture fixture = AgentFixture.in(dir).write("oversized", sequenceSource("oversized", 500,
                "    large_at: 100\n    large_bytes: 3MiB\n    dead_letter_topic: oversized.dlq\n"));
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "oversized", 499, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        List<String> expected = new ArrayList<>(expected(0, 500));
        expected.remove("record-100");
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "oversized"))).containsExactlyElementsOf(expected);
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaReader.readAll(bootstrap, "oversized.dlq");
        assertThat(dead).hasSize(1);
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.value.truncated")).isEqualTo("true");
        assertThat(KafkaReader.header(dead.get(0), "tributary.error.value.bytes")).isEqualTo(Integer.toString(3 << 20));
        assertThat(dead.get(0).value().length).isLessThan(1 << 20).isGreaterThan(1000_000);
    }

    @Test
    void recordsAddressedToTheOffsetsTopicGoToTheDeadLetterTopicAndTheCheckpointsStayReadable() {
        Map<String, String> agentSettings = Map.of("offsets_topic", "misrouted.offsets");
        String sources = "    dead_letter_topic: misrouted.dlq\n";
        AgentFixture fixture = AgentFixture.in(dir);
        String bootstrap = fixture.broker.bootstrapServers();
        for (int count : new int[] {50, 80}) {
            fixture.write("misrouted", agentSettings, sequenceSource("misrouted.offsets", count, sources));
            try (AgentProcess agent = fixture.start()) {
                fixture.awaitCount(agent, "misrouted.dlq", count, WAIT);
                agent.sigterm();
                assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
            }
        }
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaReader.readAll(bootstrap, "misrouted.dlq");
        assertThat(KafkaReader.values(dead)).containsExactlyElementsOf(expected(0, 80));
        assertThat(KafkaReader.header(dead.get(0), "tributary.error")).isEqualTo("InvalidTopicException: topic misrouted.offsets "
                + "is agent.offsets_topic, where the agent keeps its checkpoints");
        assertThat(fixture.command("checkpoints", "list").output()).containsPattern("(?m)numbers\\s+seq\\s+next=80$");
    }

    @Test
    void checkpointsResetMakesTheSourceStartOverAndLeavesTheOthers() {
        String sources = """
                sources:
                  again:
                    type: sequence
                    topic: reset.again
                    count: 100
                  kept:
                    type: sequence
                    topic: reset.kept
                    count: 100
                """;
        AgentFixture fixture = AgentFixture.in(dir).write("reset", sources);
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "reset.again", 100, WAIT);
            fixture.awaitCount(agent, "reset.kept", 100, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }

        AgentProcess.Result reset = fixture.command("checkpoints", "reset", "--source", "again");
        assertThat(reset.exitCode()).isZero();
        assertThat(reset.output()).contains("forgot 1 checkpoint(s) of source again");
        AgentProcess.Result list = fixture.command("checkpoints", "list");
        assertThat(list.output()).containsPattern("(?m)kept\\s+seq\\s+next=100$").doesNotContainPattern("(?m)^again\\s");
        assertThat(fixture.command("checkpoints", "reset", "--source", "again").output())
                .contains("source again has no committed checkpoints; nothing to reset");

        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "reset.again", 200, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
        }
        List<String> twice = new ArrayList<>(expected(0, 100));
        twice.addAll(expected(0, 100));
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "reset.again"))).containsExactlyElementsOf(twice);
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "reset.kept"))).containsExactlyElementsOf(expected(0, 100));
    }

    @Test
    void onErrorSkipDropsTheRecordAndFailStopsTheSourceBeforeIt() {
        AgentFixture fixture = AgentFixture.in(dir).write("onerror", """
                sources:
                  skipping:
                    type: sequence
                    topic: onerror.skipping
                    count: 300
                    per_poll: 30
                    large_at: 100
                    large_bytes: 3MiB
                    on_error: skip
                  failing:
                    type: sequence
                    topic: onerror.failing
                    count: 300
                    per_poll: 30
                    large_at: 100
                    large_bytes: 3MiB
                    on_error: fail
                """);
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "onerror.skipping", 299, WAIT);
            assertThat(agent.awaitLine("Source failing: a record for topic onerror.failing cannot be written", WAIT)).isTrue();
            assertThat(agent.awaitLine("the source stops as on_error: fail says", WAIT)).isTrue();
            fixture.awaitCount(agent, "onerror.failing", 100, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(Duration.ofSeconds(40))).isZero();
            assertThat(agent.lines()).anyMatch(line -> line.contains("Source skipping: a record for topic onerror.skipping cannot be written")
                    && line.contains("skipped as on_error: skip says"));
        }
        List<String> skipped = new ArrayList<>(expected(0, 300));
        skipped.remove("record-100");
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "onerror.skipping"))).containsExactlyElementsOf(skipped);
        assertThat(KafkaReader.values(KafkaReader.readAll(bootstrap, "onerror.failing"))).containsExactlyElementsOf(expected(0, 100));
        assertThat(KafkaReader.readAll(bootstrap, "tributary.dead_letter"))
                .noneMatch(r -> List.of("skipping", "failing").contains(KafkaReader.header(r, "tributary.error.source")));
        AgentProcess.Result list = fixture.command("checkpoints", "list");
        assertThat(list.output()).containsPattern("(?m)failing\\s+seq\\s+next=100$").containsPattern("(?m)skipping\\s+seq\\s+next=300$");
    }

    @Test
    void aSecondAgentWithTheSameIdFencesTheFirst() {
        AgentFixture fixture = AgentFixture.in(dir).write("fenced", sequenceSource("fenced", 100_000,
                "    per_poll: 100\n    pause_per_poll: 5ms\n"));
        String bootstrap = fixture.broker.bootstrapServers();
        try (AgentProcess first = fixture.start()) {
            fixture.awaitCount(first, "fenced", 1000, WAIT);
            try (AgentProcess second = fixture.start()) {
                assertThat(first.waitFor(WAIT)).isEqualTo(2);
                assertThat(first.lines()).anyMatch(line -> line.contains(
                        "another agent with the same agent.id took over its transactional.id and fenced this one"));
                assertThat(second.isAlive()).isTrue();
                second.sigterm();
                assertThat(second.waitFor(Duration.ofSeconds(40))).isZero();
            }
        }
        List<String> values = KafkaReader.values(KafkaReader.readAll(bootstrap, "fenced"));
        assertThat(values).doesNotHaveDuplicates();
        assertThat(values).containsExactlyElementsOf(expected(0, values.size()));
    }

    private AgentFixture fixture() {
        return AgentFixture.in(dir);
    }
}
