package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.testkit.AgentProcess;
import io.tributary.testkit.TestAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journald source in the real agent against a real broker, reading real journal files that
 * systemd-journal-remote writes meanwhile. Needs Debian's systemd and systemd-journal-remote: runs
 * with -Pjournald.
 */
class JournaldIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SIGKILLs of the agent while entries are written: 3 in CI, 20 with -Pfaults-long. */
    private static final int KILLS = Integer.getInteger("tributary.kills", 3);

    @TempDir
    Path dir;
    private TestJournal journal;
    private TestAgent agent;

    @BeforeEach
    void setUp() throws IOException {
        journal = new TestJournal(dir.resolve("journal"));
        agent = TestAgent.in(dir.resolve("agent")).plugin(TestAgent.builtPluginZip());
    }

    private String source(String name, String topic, String extra) {
        return """
                  %s:
                    type: journald
                    topic: %s
                    directory: %s
                %s""".formatted(name, topic, journal.dir(), extra.indent(4));
    }

    /** One partition each: the order in a topic is the order the agent read the entries in. */
    private void createTopics(String... topics) {
        for (String topic : topics) {
            agent.broker().createTopic(topic, 1, Map.of());
        }
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> messages(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(record -> json(record).get("MESSAGE").asText()).toList();
    }

    @Test
    void everyEntryArrivesOnceWithItsFieldsAndTimeAndUnitAndPriorityFilterTheOtherSource() throws Exception {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            entries.add(TestJournal.entry(i % 2 == 0 ? "api.service" : "db.service", i % 8, "entry " + i));
        }
        Map<String, Object> odd = TestJournal.entry("api.service", 2, "first line\nsecond line\n\tindented third");
        odd.put("COREDUMP", new byte[] {0, (byte) 0xff, 0x10, '\n'});
        odd.put("TAG", List.of("a", "b"));
        entries.add(odd);
        journal.write("system.journal", entries);
        createTopics("journald.all", "journald.api-warnings");
        agent.write("journald-it-fields", "sources:\n"
                + source("all", "journald.all", "")
                + source("api-warnings", "journald.api-warnings", "units: [api]\npriority: warning\nkey: hostname\n"));

        try (AgentProcess running = agent.start()) {
            List<ConsumerRecord<byte[], byte[]>> all = agent.awaitCount(running, "journald.all", 401, WAIT);
            List<ConsumerRecord<byte[], byte[]>> filtered = agent.awaitCount(running, "journald.api-warnings", 101, WAIT);
            TestAgent.stopGracefully(running);
            assertThat(running.lines()).noneMatch(line -> line.contains("WARN") || line.contains("ERROR"));

            assertThat(agent.readAll("journald.all")).hasSize(401);
            assertThat(messages(all)).isEqualTo(IntStream.concat(IntStream.range(0, 400), IntStream.of(-1))
                    .mapToObj(i -> i < 0 ? "first line\nsecond line\n\tindented third" : "entry " + i).toList());
            List<String> cursors = journal.cursors();
            for (int i = 0; i < 400; i++) {
                ConsumerRecord<byte[], byte[]> record = all.get(i);
                JsonNode value = json(record);
                long micros = journal.realtimeMicros(i);
                assertThat(record.timestamp()).isEqualTo(micros / 1000);
                assertThat(value.get("__REALTIME_TIMESTAMP").asText()).isEqualTo(EntryRecords.iso8601(micros));
                assertThat(value.get("__CURSOR").asText()).isEqualTo(cursors.get(i));
                assertThat(value.get("PRIORITY").asText()).isEqualTo(String.valueOf(i % 8));
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(value.get("_SYSTEMD_UNIT").asText());
            }
            assertThat(EntryRecords.iso8601(journal.realtimeMicros(1))).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}000Z");
            JsonNode last = json(all.get(400));
            assertThat(Base64.getDecoder().decode(last.get("COREDUMP").asText())).containsExactly(0, 0xff, 0x10, '\n');
            assertThat(last.get("TAG")).hasToString("[\"a\",\"b\"]");
            assertThat(last.get("_BOOT_ID").asText()).isEqualTo(TestJournal.BOOT_ID);

            List<String> expectedFiltered = new ArrayList<>();
            for (int i = 0; i < 400; i += 2) {
                if (i % 8 <= 4) {
                    expectedFiltered.add("entry " + i);
                }
            }
            expectedFiltered.add("first line\nsecond line\n\tindented third");
            assertThat(messages(filtered)).isEqualTo(expectedFiltered);
            assertThat(filtered).allSatisfy(record -> assertThat(record.key()).asString(StandardCharsets.UTF_8).isEqualTo("host-a"));
        }
    }

    /**
     * The agent is killed {@code tributary.kills} times (3, 20 with -Pfaults-long) at random moments
     * while batches of entries are appended; after each kill its journalctl must be gone too.
     */
    @Test
    void everyEntryArrivesExactlyOnceWhileTheAgentIsKilledAtRandomMomentsAmidTheWriting() throws Exception {
        int batches = 120;
        int batchEntries = 50;
        int total = batches * batchEntries;
        long seed = Long.getLong("tributary.seed", System.nanoTime());
        Random random = new Random(seed);
        createTopics("journald.kills");
        agent.write("journald-it-kills", "sources:\n" + source("kills", "journald.kills", "format: message\n"));
        journal.write("system.journal", TestJournal.entries("app.service", "e", 0, batchEntries));

        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                for (int batch = 1; batch < batches; batch++) {
                    journal.write("system.journal", TestJournal.entries("app.service", "e", batch * batchEntries, batchEntries));
                    TimeUnit.MILLISECONDS.sleep(40);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        List<Integer> deliveredAtKill = new ArrayList<>();
        int delivered = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            try (AgentProcess running = agent.start()) {
                int killAt = delivered + 1 + random.nextInt(total / (KILLS + 1));
                delivered = agent.awaitCount(running, "journald.kills", Math.min(killAt, total), WAIT).size();
                List<ProcessHandle> journalctls = journalctls(running);
                TestAgent.crash(running);
                deliveredAtKill.add(delivered);
                await("journalctl ends with its agent").atMost(Duration.ofSeconds(20))
                        .until(() -> journalctls.stream().noneMatch(ProcessHandle::isAlive));
            }
        }
        String kills = "%d SIGKILLs with %s entries delivered (seed %d: -Dtributary.seed=%d replays them)"
                .formatted(KILLS, deliveredAtKill, seed, seed);
        try (AgentProcess running = agent.start()) {
            writing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            agent.awaitCount(running, "journald.kills", total, WAIT);
            TestAgent.stopGracefully(running);
        }
        assertThat(deliveredAtKill).as(kills).anyMatch(count -> count < total);
        List<String> values = agent.readAll("journald.kills").stream()
                .map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
        assertThat(values).as(kills).isEqualTo(IntStream.range(0, total).mapToObj(i -> "e" + i).toList());
    }

    @Test
    void validateNamesEveryBadSettingWithItsLine() {
        agent.write("journald-it-validate", "sources:\n"
                + source("good", "journald.good", "units: [ssh]\nmatches: { _TRANSPORT: [journal, stdout] }\n")
                + """
                  bad:
                    type: journald
                    topic: journald.bad
                    directory: /no/such/folder
                    priority: loud
                    matches: { transport: stdout }
                """);

        AgentProcess.Result result = agent.command("validate");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.lines().stream().filter(line -> !line.matches("^\\d{4}-\\d{2}-\\d{2}T.* (WARN|INFO) .*")).toList())
                .containsExactly(
                        agent.config() + ":16:5: sources.bad.directory: is not a folder: /no/such/folder",
                        agent.config() + ":17:5: sources.bad.priority: must be one of emerg, alert, crit, err, warning, notice,"
                                + " info, debug, got \"loud\"",
                        agent.config() + ":18:16: sources.bad.matches.transport: is not a journal field name: upper case"
                                + " letters, digits and _, like _SYSTEMD_UNIT",
                        "3 errors in " + agent.config());
    }

    /** The journalctl processes the agent started. */
    private static List<ProcessHandle> journalctls(AgentProcess running) {
        List<ProcessHandle> found = ProcessHandle.of(running.pid()).orElseThrow().descendants()
                .filter(process -> process.info().command().map(command -> command.endsWith("journalctl")).orElse(false))
                .toList();
        assertThat(found).as("journalctl under the agent").hasSize(1);
        return found;
    }

    @Test
    void aCursorVacuumedWhileTheAgentWasStoppedIsReportedAndTheEntriesStillThereArriveOnce() throws Exception {
        createTopics("journald.vacuum");
        agent.write("journald-it-vacuum", "sources:\n" + source("vacuum", "journald.vacuum", "format: message\n"));
        journal.write("old.journal", TestJournal.entries("app.service", "old", 0, 50));
        try (AgentProcess running = agent.start()) {
            agent.awaitCount(running, "journald.vacuum", 50, WAIT);
            TestAgent.stopGracefully(running);
        }
        journal.write("old.journal", TestJournal.entries("app.service", "old", 50, 10));
        Files.delete(journal.dir().resolve("old.journal"));
        journal.write("new.journal", TestJournal.entries("app.service", "new", 0, 20));

        try (AgentProcess running = agent.start()) {
            agent.awaitCount(running, "journald.vacuum", 70, WAIT);
            assertThat(running.awaitLine("the journal no longer holds the entry of cursor", WAIT)).isTrue();
            TestAgent.stopGracefully(running);
        }
        List<String> values = agent.readAll("journald.vacuum").stream()
                .map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
        List<String> expected = new ArrayList<>(IntStream.range(0, 50).mapToObj(i -> "old" + i).toList());
        expected.addAll(IntStream.range(0, 20).mapToObj(i -> "new" + i).toList());
        assertThat(values).isEqualTo(expected);
        assertThat(Arrays.asList(dir.resolve("agent").toFile().list())).isNotEmpty();
    }
}
