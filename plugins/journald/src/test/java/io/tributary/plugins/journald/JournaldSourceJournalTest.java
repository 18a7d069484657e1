package io.tributary.plugins.journald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.agent.config.YamlSettings;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source driven directly, reading real journal files that systemd-journal-remote wrote, through
 * the real journalctl. Needs Debian's systemd and systemd-journal-remote: runs with -Pjournald.
 */
class JournaldSourceJournalTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestJournal journal;

    @BeforeEach
    void journal() throws Exception {
        journal = new TestJournal(dir.resolve("journal"));
    }

    private JournaldSource source(String settings) {
        return source(settings, JournaldSource.JOURNALCTL);
    }

    private JournaldSource source(String settings, String executable) {
        YamlSettings yaml = YamlSettings.parse("topic: logs.journal\ndirectory: " + journal.dir() + "\n" + settings);
        JournaldConfig config = JournaldConfig.read(yaml);
        assertThat(yaml.finish()).isEmpty();
        return new JournaldSource(config, "sources.journal", executable, Duration.ofMillis(100), Clock.systemUTC());
    }

    private RecordingSourceContext context(Map<String, Position> committed) {
        return new RecordingSourceContext("journal", dir.resolve("data"), committed);
    }

    private static List<String> messages(List<SourceRecord> records) {
        return records.stream().filter(record -> !record.isCheckpointOnly())
                .map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> expected(String prefix, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void readsEveryEntryOfTheFolderAndFollowsTheOnesWrittenLater() throws Exception {
        journal.write("a.journal", TestJournal.entries("app.service", "m", 0, 50));

        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context(Map.of()))) {
            List<SourceRecord> first = driver.pollUntil(50, WAIT);
            journal.write("a.journal", TestJournal.entries("app.service", "m", 50, 20));
            List<SourceRecord> later = driver.pollUntil(20, WAIT);

            assertThat(messages(first)).isEqualTo(expected("m", 0, 50));
            assertThat(messages(later)).isEqualTo(expected("m", 50, 20));
            assertThat(first.get(0).timestamp()).isEqualTo(journal.realtimeMicros(0) / 1000);
            assertThat(first.get(0).key()).asString(StandardCharsets.UTF_8).isEqualTo("app.service");
            assertThat(later.get(19).checkpoint().stream()).isEqualTo(journal.dir().toString());
            List<String> cursors = journal.cursors();
            assertThat(first.get(0).checkpoint().position().get("cursor")).isEqualTo(cursors.get(0));
            assertThat(later.get(19).checkpoint().position().get("cursor")).isEqualTo(cursors.get(69));
        }
    }

    @Test
    void aNewTaskResumesRightAfterTheCommittedCursor() throws Exception {
        journal.write("a.journal", TestJournal.entries("app.service", "m", 0, 30));
        Map<String, Position> committed;
        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context(Map.of()))) {
            assertThat(messages(driver.pollUntil(30, WAIT))).isEqualTo(expected("m", 0, 30));
            driver.commitAll();
            committed = driver.committedPositions();
        }
        journal.write("a.journal", TestJournal.entries("app.service", "m", 30, 5));

        RecordingSourceContext context = context(committed);
        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context)) {
            assertThat(messages(driver.pollUntil(5, WAIT))).isEqualTo(expected("m", 30, 5));
            assertThat(driver.pollFor(Duration.ofMillis(500))).isEmpty();
            assertThat(context.counter("journald.cursor.lost")).isZero();
        }
    }

    @Test
    void aCursorTheJournalNoLongerHoldsIsCountedAndReadingGoesOnFromTheOldestEntryStillThere() throws Exception {
        journal.write("old.journal", TestJournal.entries("app.service", "m", 0, 20));
        Map<String, Position> committed;
        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context(Map.of()))) {
            driver.pollUntil(20, WAIT);
            driver.commitAll();
            committed = driver.committedPositions();
        }
        journal.write("old.journal", TestJournal.entries("app.service", "m", 20, 10));
        Files.delete(journal.dir().resolve("old.journal"));
        journal.write("new.journal", TestJournal.entries("app.service", "m", 30, 5));

        RecordingSourceContext context = context(committed);
        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context)) {
            assertThat(messages(driver.pollUntil(5, WAIT))).isEqualTo(expected("m", 30, 5));
            assertThat(context.counter("journald.cursor.lost")).isEqualTo(1);
        }
    }

    @Test
    void readFromEndSkipsTheEntriesAlreadyThere() throws Exception {
        journal.write("a.journal", TestJournal.entries("app.service", "old", 0, 10));

        try (TaskDriver driver = TaskDriver.start(source("format: message\nread_from: end\n"), context(Map.of()))) {
            assertThat(driver.pollFor(Duration.ofMillis(1500))).isEmpty();
            journal.write("a.journal", TestJournal.entries("app.service", "new", 0, 3));

            assertThat(messages(driver.pollUntil(3, WAIT))).isEqualTo(expected("new", 0, 3));
        }
    }

    @Test
    void matchesAndExcludedUnitsFilterEntriesAndExcludedOnesStillMoveTheCursor() throws Exception {
        Map<String, Object> fromSshd = TestJournal.entry("ssh.service", 6, "sshd-1");
        fromSshd.put("SYSLOG_IDENTIFIER", "sshd");
        Map<String, Object> fromCron = TestJournal.entry("cron.service", 6, "cron-1");
        fromCron.put("SYSLOG_IDENTIFIER", "sshd");
        Map<String, Object> other = TestJournal.entry("ssh.service", 6, "other-1");
        other.put("SYSLOG_IDENTIFIER", "other");
        journal.write("a.journal", List.of(fromSshd, other, fromCron));

        RecordingSourceContext context = context(Map.of());
        try (TaskDriver driver = TaskDriver.start(source("""
                format: message
                exclude_units: [cron]
                matches: { SYSLOG_IDENTIFIER: [sshd, nobody] }
                """), context)) {
            List<SourceRecord> records = driver.pollUntil(2, WAIT);

            assertThat(messages(records)).containsExactly("sshd-1");
            assertThat(records.get(1).isCheckpointOnly()).isTrue();
            assertThat(records.get(1).checkpoint().position().get("cursor")).isEqualTo(journal.cursors().get(2));
            assertThat(context.counter("journald.entries.excluded")).isEqualTo(1);
        }
    }

    @Test
    void aJournalctlThatDiesIsStartedAgainAtTheLastEntryRead() throws Exception {
        journal.write("a.journal", TestJournal.entries("app.service", "m", 0, 10));
        RecordingSourceContext context = context(Map.of());
        JournaldSource source = source("format: message\n");
        try (TaskDriver driver = TaskDriver.start(source, context)) {
            assertThat(messages(driver.pollUntil(10, WAIT))).isEqualTo(expected("m", 0, 10));
            long firstPid = source.journalctlPid();
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            await().atMost(WAIT).until(() -> !context.isHealthy());
            assertThat(context.unhealthyReason()).isEqualTo("source journal: journalctl exited with code 137");

            journal.write("a.journal", TestJournal.entries("app.service", "m", 10, 5));

            assertThat(messages(driver.pollUntil(5, WAIT))).isEqualTo(expected("m", 10, 5));
            await().atMost(WAIT).untilAsserted(() -> {
                driver.pollFor(Duration.ofMillis(100));
                assertThat(context.isHealthy()).isTrue();
            });
            assertThat(source.journalctlPid()).isNotEqualTo(firstPid).isPositive();
            assertThat(context.counter("journald.journalctl.restarts")).isEqualTo(1);
            assertThat(context.counter("journald.cursor.lost")).isZero();
        }
    }

    @Test
    void closingTheSourceEndsJournalctl() throws Exception {
        JournaldSource source = source("");
        TaskDriver driver = TaskDriver.start(source, context(Map.of()));
        await().atMost(WAIT).until(() -> source.journalctlPid() > 0);
        Optional<ProcessHandle> journalctl = ProcessHandle.of(source.journalctlPid());

        driver.close();

        assertThat(journalctl).isPresent();
        assertThat(journalctl.get().isAlive()).isFalse();
    }

    @Test
    void whileTheAgentTakesNothingTheSourceHoldsABoundedQueueAndLosesNothing() throws Exception {
        int count = 30_000;
        journal.write("a.journal", TestJournal.entries("app.service", "m", 0, count));
        RecordingSourceContext context = context(Map.of());
        try (TaskDriver driver = TaskDriver.start(source("format: message\n"), context)) {
            await().atMost(WAIT).until(() -> context.gauge("journald.queue.bytes").longValue() > 0);
            // The queue fills, then the reading thread waits and journalctl blocks on its pipe.
            await().atMost(WAIT).pollDelay(Duration.ofMillis(500))
                    .until(() -> context.gauge("journald.queue.bytes").longValue() <= JournaldSource.QUEUE_MAX_BYTES);
            assertThat(context.counter("journald.entries.read")).isZero();

            assertThat(messages(driver.pollUntil(count, WAIT))).isEqualTo(expected("m", 0, count));
        }
    }

    @Test
    void aMissingJournalctlMakesTheSourceUnhealthyAndValidateSaysSo() throws Exception {
        JournaldSource missing = source("", dir.resolve("no-journalctl").toString());
        assertThat(missing.check()).singleElement().asString()
                .startsWith("sources.journal: cannot run " + dir.resolve("no-journalctl") + ": Cannot run program");

        RecordingSourceContext context = context(Map.of());
        try (TaskDriver driver = TaskDriver.start(source("", dir.resolve("no-journalctl").toString()), context)) {
            await().atMost(WAIT).until(() -> !context.isHealthy());
            assertThat(context.unhealthyReason()).startsWith("source journal: cannot run " + dir.resolve("no-journalctl"));
            assertThat(driver.pollFor(Duration.ofMillis(300))).isEmpty();
        }
        assertThat(source("").check()).isEmpty();
    }
}
