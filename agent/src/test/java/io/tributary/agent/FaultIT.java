package io.tributary.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.agent.checkpoint.CheckpointCodec;
import io.tributary.agent.checkpoint.CheckpointKey;
import io.tributary.api.Position;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.KafkaReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent does when what it stands on is broken: a clear error, never a silent restart from zero. */
class FaultIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static final String SOURCE = """
            sources:
              numbers:
                type: sequence
                topic: %s
                count: 100
            """;

    @Test
    void aDataDirThatCannotBeWrittenIsAClearError() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("data-file"), "x");
        AgentFixture fixture = AgentFixture.in(dir).write("faults-datadir",
                Map.of("http", "off", "data_dir", notADirectory.toString()), SOURCE.formatted("faults.datadir"));
        try (AgentProcess agent = AgentProcess.start("run", "--config", fixture.config.toString())) {
            assertThat(agent.waitFor(WAIT)).isEqualTo(2);
            assertThat(agent.lines()).anyMatch(line -> line.startsWith("tributary: agent.data_dir " + notADirectory + " is not writable"));
        }
    }

    @Test
    void aFullDataDirIsAClearError() throws Exception {
        Path full = Files.createDirectories(dir.resolve("full"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full.toString());
        try {
            try (var filler = Files.newOutputStream(full.resolve("filler"))) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 16; i++) {
                    filler.write(block);
                }
            } catch (java.io.IOException expected) {
                // Filled to the last byte.
            }
            AgentFixture fixture = AgentFixture.in(dir).write("faults-full",
                    Map.of("http", "off", "data_dir", full.toString()), SOURCE.formatted("faults.full"));
            try (AgentProcess agent = AgentProcess.start("run", "--config", fixture.config.toString())) {
                assertThat(agent.waitFor(WAIT)).isEqualTo(2);
                assertThat(agent.lines()).anyMatch(line -> line.startsWith("tributary: agent.data_dir " + full + " is not writable")
                        && line.contains("No space left on device"));
            }
        } finally {
            run("umount", full.toString());
        }
    }

    /** Runs a command that must succeed: the test needs root's mount, as CI and the dev machines here have. */
    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    }

    @Test
    void garbageInTheOffsetsTopicIsAClearError() {
        AgentFixture fixture = AgentFixture.in(dir).write("faults-garbage",
                Map.of("http", "off", "offsets_topic", "faults.garbage.offsets"), SOURCE.formatted("faults.garbage"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", fixture.broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("faults.garbage.offsets", "not json".getBytes(StandardCharsets.UTF_8),
                    "{}".getBytes(StandardCharsets.UTF_8)));
        }
        try (AgentProcess agent = AgentProcess.start("run", "--config", fixture.config.toString())) {
            assertThat(agent.waitFor(WAIT)).isEqualTo(2);
            assertThat(agent.lines()).anyMatch(line -> line.startsWith(
                    "tributary: offsets topic faults.garbage.offsets partition 0 offset 0 holds a record that is not a Tributary checkpoint "
                            + "(key is not JSON); refusing to start rather than re-read sources from the beginning"));
        }
    }

    @Test
    void aCheckpointValueThatIsNotACheckpointIsAClearError() {
        AgentFixture fixture = AgentFixture.in(dir).write("faults-badvalue",
                Map.of("http", "off", "offsets_topic", "faults.badvalue.offsets"), SOURCE.formatted("faults.badvalue"));
        writeCheckpoints(fixture, "faults.badvalue.offsets", new CheckpointKey("faults-badvalue", "numbers", "seq"),
                CheckpointCodec.encodeValue(Position.of("next", 40)), "not json".getBytes(StandardCharsets.UTF_8));
        try (AgentProcess agent = AgentProcess.start("run", "--config", fixture.config.toString())) {
            assertThat(agent.waitFor(WAIT)).isEqualTo(2);
            assertThat(agent.lines()).anyMatch(line -> line.startsWith(
                    "tributary: offsets topic faults.badvalue.offsets partition 0 offset 1 holds a record that is not a Tributary checkpoint "
                            + "(value is not JSON); refusing to start rather than re-read sources from the beginning"));
        }
    }

    @Test
    void aBrokenCheckpointValueThatALaterCheckpointReplacedIsPassedOver() {
        AgentFixture fixture = AgentFixture.in(dir).write("faults-replaced",
                Map.of("http", "off", "offsets_topic", "faults.replaced.offsets"), SOURCE.formatted("faults.replaced"));
        writeCheckpoints(fixture, "faults.replaced.offsets", new CheckpointKey("faults-replaced", "numbers", "seq"),
                "not json".getBytes(StandardCharsets.UTF_8), CheckpointCodec.encodeValue(Position.of("next", 40)));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "faults.replaced", 60, WAIT);
        }
        assertThat(KafkaReader.values(fixture.readAll("faults.replaced")))
                .containsExactlyElementsOf(IntStream.range(40, 100).mapToObj(n -> "record-" + n).toList());
    }

    /** Writes {@code values} under {@code key} to the offsets topic, in this order, outside any transaction. */
    private static void writeCheckpoints(AgentFixture fixture, String offsetsTopic, CheckpointKey key, byte[]... values) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", fixture.broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(offsetsTopic, CheckpointCodec.encodeKey(key), value));
            }
        }
    }

    @Test
    void aDeletedOffsetsTopicIsAClearError() throws Exception {
        AgentFixture fixture = AgentFixture.in(dir).write("faults-deleted",
                Map.of("http", "off", "offsets_topic", "faults.deleted.offsets"), SOURCE.formatted("faults.deleted"));
        try (AgentProcess agent = fixture.start()) {
            fixture.awaitCount(agent, "faults.deleted", 100, WAIT);
            agent.sigterm();
            assertThat(agent.waitFor(WAIT)).isZero();
        }
        fixture.broker.admin().deleteTopics(List.of("faults.deleted.offsets")).all().get();
        try (AgentProcess agent = AgentProcess.start("run", "--config", fixture.config.toString())) {
            assertThat(agent.waitFor(WAIT)).isEqualTo(2);
            assertThat(agent.lines()).anyMatch(line -> line.startsWith("tributary: offsets topic faults.deleted.offsets (topic id ")
                    && line.contains(") was deleted: the checkpoints it held are gone. Refusing to re-read every source from the beginning"));
        }
    }
}
