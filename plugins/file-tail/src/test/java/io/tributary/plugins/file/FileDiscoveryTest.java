package io.tributary.plugins.file;

import static io.tributary.plugins.file.PolledLines.append;
import static io.tributary.plugins.file.PolledLines.headers;
import static io.tributary.plugins.file.PolledLines.lines;
import static io.tributary.plugins.file.PolledLines.pollLines;
import static io.tributary.plugins.file.PolledLines.values;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.api.PluginClock;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.FakeClock;
import io.tributary.testkit.TaskDriver;
import io.tributary.testkit.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the file source finds files: as they appear, and within max_open_files. */
class FileDiscoveryTest extends TaskFixture {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration SCAN_INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path elsewhere;

    /**
     * The rotation that lost lines before files were watched: with only the live name in the globs,
     * a file created and renamed away between two scans (1 s apart) was never read.
     */
    @Test
    void filesRenamedOutOfTheGlobsEvery400MillisecondsAreReadToTheirLastLine() throws Exception {
        LogWriter writer = new LogWriter(logs, "app");
        int rotations = 12;
        int batchesPerRotation = 20;
        TaskDriver driver = start("include: [\"" + logs + "/*.log\"]\nscan_interval: 1s\n", null);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                for (int rotation = 0; rotation < rotations; rotation++) {
                    for (int batch = 0; batch < batchesPerRotation; batch++) {
                        writer.append(10);
                        TimeUnit.MILLISECONDS.sleep(20);
                    }
                    writer.renameToRotated();
                    writer.reopen();
                }
                writer.close();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        List<SourceRecord> received = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            received.addAll(driver.pollFor(Duration.ofMillis(20)));
            driver.commitAll();
            return writing.isDone();
        });
        writing.get();
        long caughtUpBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lines(received).size() < writer.written() && System.nanoTime() < caughtUpBy) {
            received.addAll(driver.pollFor(Duration.ofMillis(20)));
        }
        received.addAll(driver.pollFor(QUIET));

        BitSet seen = new BitSet();
        for (SourceRecord record : lines(received)) {
            Matcher line = LogWriter.parse(new String(record.value(), UTF_8));
            assertThat(line).as("a line the writer wrote: %s", new String(record.value(), UTF_8)).isNotNull();
            int sequence = Integer.parseInt(line.group(3));
            assertThat(seen.get(sequence)).as("line %d sent twice", sequence).isFalse();
            seen.set(sequence);
        }
        assertThat(seen.cardinality()).as("lines of the %d files written", rotations + 1).isEqualTo((int) writer.written());
        assertThat(writer.written()).isEqualTo((long) rotations * batchesPerRotation * 10);
    }

    @Test
    void fileClosedByCloseInactiveAndThenRenamedAwayIsReadToItsEndBeforeItIsLetGo() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "one\n");
        FakeClock clock = new FakeClock();
        TaskDriver driver = start("include: [\"" + file + "\"]\nclose_inactive: 1s\n", clock);
        assertThat(values(pollLines(driver, 1))).containsExactly("one");
        driver.advance(Duration.ofSeconds(1));
        driver.pollFor(Duration.ofMillis(50));
        assertThat(context.gauge("file.open")).as("closed by close_inactive").isEqualTo(0L);

        // Its last moments, unseen: written while closed, then rotated away before the next scan.
        append(file, "two\n");
        Path rotated = logs.resolve("app.log.1");
        Files.move(file, rotated);
        driver.advance(SCAN_INTERVAL);

        List<SourceRecord> records = lines(pollLines(driver, 1));
        assertThat(values(records)).containsExactly("two");
        assertThat(headers(records.get(0))).containsEntry("tributary.file.path", rotated.toString())
                .containsEntry("tributary.file.offset", "4");
        driver.commitAll();
        driver.advance(Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> {
            driver.pollFor(Duration.ofMillis(20));
            return context.gauge("file.open").longValue() == 0;
        });
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    @Test
    void maxOpenFilesClosesTheLeastRecentlyChangedIdleFileAndReopensItWhenItChanges() throws IOException {
        append(logs.resolve("a.log"), "a 1\n");
        append(logs.resolve("b.log"), "b 1\n");
        append(logs.resolve("c.log"), "c 1\n");
        TaskDriver driver = start("max_open_files: 2\n", new FakeClock());

        assertThat(values(pollLines(driver, 2))).containsExactly("a 1", "b 1");
        assertThat(context.gauge("file.waiting")).as("c.log, found while a and b had unread lines").isEqualTo(1);
        assertThat(context.gauge("file.open")).isEqualTo(2L);
        driver.advance(SCAN_INTERVAL);
        append(logs.resolve("b.log"), "b 2\n");
        assertThat(values(pollLines(driver, 2))).as("a.log changed least recently: closed for c.log")
                .containsExactlyInAnyOrder("b 2", "c 1");
        assertThat(context.gauge("file.waiting")).isEqualTo(0);

        append(logs.resolve("a.log"), "a 2\n");
        driver.advance(SCAN_INTERVAL);
        assertThat(values(pollLines(driver, 1))).containsExactly("a 2");
        assertThat(context.gauge("file.open")).isEqualTo(2L);
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    /** Kubernetes' /var/log/containers/*.log link to /var/log/pods/.../0.log, which the runtime rotates. */
    @Test
    void symlinkedFilesAreReadUnderTheLinksPathWithTheIdentityOfTheirTargetAcrossRotations() throws IOException {
        Path target = elsewhere.resolve("0.log");
        append(target, "one\n");
        Path link = Files.createSymbolicLink(logs.resolve("app.log"), target);
        TaskDriver driver = start("", null);

        List<SourceRecord> first = lines(pollLines(driver, 1));
        assertThat(values(first)).containsExactly("one");
        assertThat(headers(first.get(0))).containsEntry("tributary.file.path", link.toString());
        FileKey targetKey = FileKey.stat(target).key();
        assertThat(first.get(0).checkpoint().position().getLong("ino")).isEqualTo(targetKey.ino());
        assertThat(first.get(0).checkpoint().stream()).endsWith(":" + targetKey.dev() + ":" + targetKey.ino());

        append(target, "two\n");
        Files.move(target, elsewhere.resolve("0.log.20260101"));
        append(target, "three\n");

        assertThat(values(pollLines(driver, 2))).containsExactlyInAnyOrder("two", "three");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    @Test
    void symlinkedFoldersAreWalkedAndAFileMatchedTwiceIsReadOnce() throws IOException {
        append(elsewhere.resolve("deep.log"), "deep\n");
        Files.createSymbolicLink(logs.resolve("linked"), elsewhere);
        Files.createSymbolicLink(logs.resolve("again.log"), elsewhere.resolve("deep.log"));
        TaskDriver driver = start("include: [\"" + logs + "/**/*.log\"]\n", null);

        List<SourceRecord> records = lines(pollLines(driver, 1));
        records = new ArrayList<>(records);
        records.addAll(lines(driver.pollFor(QUIET)));

        assertThat(values(records)).containsExactly("deep");
        assertThat(headers(records.get(0))).containsEntry("tributary.file.path", logs.resolve("again.log").toString());
        assertThat(context.counter("file.rotations")).isZero();
    }

    @Test
    void maxOpenFilesBelowOneIsReported() {
        TestSettings settings = TestSettings.parse("topic: logs\ninclude: [\"/var/log/*.log\"]\nmax_open_files: 0\n");
        new FileSourceType().create(settings.settings());

        assertThat(settings.errors()).containsExactly("<settings>:3:1: max_open_files: must be at least 1, got 0");
    }

    private TaskDriver start(String extraYaml, FakeClock clock) {
        StringBuilder yaml = new StringBuilder("topic: logs\n").append(extraYaml);
        if (!extraYaml.contains("include:")) {
            yaml.append("include: [\"").append(logs).append("/*.log\"]\n");
        }
        if (!extraYaml.contains("scan_interval:")) {
            yaml.append("scan_interval: ").append(SCAN_INTERVAL.toMillis()).append("ms\n");
        }
        TestSettings settings = TestSettings.parse(yaml.toString());
        var task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return startTask(task, Map.of(), clock == null ? PluginClock.SYSTEM : clock);
    }

}
