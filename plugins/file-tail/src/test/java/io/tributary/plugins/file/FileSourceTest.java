package io.tributary.plugins.file;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static io.tributary.plugins.file.PolledLines.append;
import static io.tributary.plugins.file.PolledLines.headers;
import static io.tributary.plugins.file.PolledLines.lines;
import static io.tributary.plugins.file.PolledLines.pollLines;
import static io.tributary.plugins.file.PolledLines.values;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import io.tributary.testkit.FakeClock;
import io.tributary.testkit.TaskDriver;
import io.tributary.testkit.TestSettings;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FileSourceTest extends TaskFixture {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final Duration SCAN_INTERVAL = Duration.ofMillis(50);
    /** A first line longer than fingerprint_bytes: 16, the same in every file of an application. */
    private static final String HEADER_LINE = "# app 1.0: time level message";
    private static final String HEADER = HEADER_LINE + "\n";

    // ---- settings --------------------------------------------------------------------------------

    @Test
    void badSettingsAreReportedNamingTheSettingAndTheValue() {
        TestSettings settings = TestSettings.parse("""
                topic: logs
                include: ["logs/*.log", "/var/log/[a.log"]
                read_from: middle
                encoding: UTF-16
                max_line_bytes: lots
                max_line_action: drop
                fingerprint_bytes: 4
                close_inactive: 0s
                multiline:
                  start_pattern: "^\\\\S"
                  continue_pattern: "^\\\\s"
                key:
                  pattern: "user=(\\\\w+)"
                  group: 2
                max_line_byte: 1KiB
                """);
        new FileSourceType().create(settings.settings());

        assertThat(settings.errors()).containsExactly(
                "<settings>:2:1: include: \"logs/*.log\" must be an absolute path",
                "<settings>:2:1: include: \"/var/log/[a.log\" is not a valid glob: Missing '] near index 14",
                "<settings>:3:1: read_from: must be one of beginning, end, got \"middle\"",
                "<settings>:4:1: encoding: \"UTF-16\" is not supported: lines are found by the byte 0x0A, so the charset"
                        + " must encode ASCII as ASCII (UTF-8, ISO-8859-1, windows-1252, Shift_JIS, GB18030, ...)",
                "<settings>:5:1: max_line_bytes: must be a size like 1MiB, got \"lots\"",
                "<settings>:6:1: max_line_action: must be one of split, truncate, got \"drop\"",
                "<settings>:7:1: fingerprint_bytes: must be from 16 to 65536 bytes, got 4",
                "<settings>:8:1: close_inactive: must be longer than 0",
                "<settings>:11:3: multiline.continue_pattern: set either start_pattern or continue_pattern, not both",
                "<settings>:14:3: key.group: must be from 0 to 1 (the groups of pattern), got 2",
                "<settings>:15:1: max_line_byte: unknown setting, did you mean \"max_line_bytes\"?");
    }

    @Test
    void goodSettingsHaveNoErrors() {
        TestSettings settings = TestSettings.parse(sampleYaml());
        new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
    }

    @Test
    void sampleShowsTheKeysTheAgentReadsAtTheirDefaults() {
        assertThat(sampleFile())
                .contains("\n    on_error: " + TestSettings.agentSourceDefaults().get("on_error") + "\n")
                .contains("\n    dead_letter_topic: " + TestSettings.agentSourceDefaults().get("dead_letter_topic") + "\n");
    }

    @Test
    void missingIncludeAndMultilinePatternAreReported() {
        TestSettings settings = TestSettings.parse("""
                topic: logs
                multiline:
                  negate: true
                key:
                  group: 1
                """);
        new FileSourceType().create(settings.settings());

        assertThat(settings.errors()).containsExactly(
                "<settings>:1:1: include: missing required setting: a list of file globs such as \"/var/log/app/*.log\"",
                "<settings>:2:1: multiline: set start_pattern (a line that begins an event) or continue_pattern"
                        + " (a line that continues the previous one)",
                "<settings>:4:1: key: set value (a fixed key) or pattern (a key taken from each line)");
    }

    // ---- lines and records -----------------------------------------------------------------------

    @Test
    void utf8LinesAreSentAsWrittenWithoutTerminatorsAndWithHeaders() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "héllo wörld\r\nsecond\n\nlast\n");
        TaskDriver driver = start("");

        List<SourceRecord> records = pollLines(driver, 4);

        assertThat(values(records)).containsExactly("héllo wörld", "second", "", "last");
        SourceRecord first = lines(records).get(0);
        assertThat(first.topic()).isEqualTo("logs");
        assertThat(first.key()).isNull();
        assertThat(first.value()).isEqualTo("héllo wörld".getBytes(UTF_8));
        assertThat(headers(first)).containsExactly(
                Map.entry("tributary.source", "app-logs"),
                Map.entry("tributary.file.path", file.toString()),
                Map.entry("tributary.file.offset", "0"));
        assertThat(lines(records)).map(r -> headers(r).get("tributary.file.offset")).containsExactly("0", "15", "22", "23");
        assertThat(lines(records)).map(FileSourceTest::checkpointOffset).containsExactly(null, null, null, 28L);
        assertThat(context.counter("file.lines.read")).isEqualTo(4);
        assertThat(context.counter("file.bytes.read")).isEqualTo(28);
    }

    @Test
    void otherCharsetsAreTranscodedToUtf8AndCheckpointedInBytes() throws IOException {
        Path file = logs.resolve("latin.log");
        Files.write(file, "grüße\nçà\n".getBytes(ISO_8859_1));
        TaskDriver driver = start("encoding: ISO-8859-1\n");

        List<SourceRecord> records = pollLines(driver, 2);

        assertThat(lines(records)).map(r -> new String(r.value(), UTF_8)).containsExactly("grüße", "çà");
        assertThat(lines(records)).map(r -> headers(r).get("tributary.file.offset")).containsExactly("0", "6");
        assertThat(lines(records)).map(FileSourceTest::checkpointOffset).containsExactly(null, 9L);
    }

    @Test
    void headersCanBeSwitchedOff() throws IOException {
        append(logs.resolve("app.log"), "one\n");
        TaskDriver driver = start("headers: false\n");

        assertThat(lines(pollLines(driver, 1)).get(0).headers()).isEmpty();
    }

    @Test
    void keyIsAFixedValueOrAGroupOfThePattern() throws IOException {
        append(logs.resolve("app.log"), "login user=ann\nno user here\n");
        TaskDriver fixed = start("key:\n  value: web-1\n");
        assertThat(lines(pollLines(fixed, 2))).map(r -> new String(r.key(), UTF_8)).containsExactly("web-1", "web-1");
        fixed.close();

        TaskDriver pattern = start("key:\n  pattern: \"user=(\\\\w+)\"\n");
        List<SourceRecord> records = lines(pollLines(pattern, 2));
        assertThat(new String(records.get(0).key(), UTF_8)).isEqualTo("ann");
        assertThat(records.get(1).key()).isNull();
        assertThat(context.counter("file.key.unmatched")).isEqualTo(1);
    }

    @Test
    void longLinesAreSplitIntoFlaggedPiecesAndCounted() throws IOException {
        append(logs.resolve("app.log"), "abcdefghijklmnopqrstuvwxy\nshort\nxéééééé\n");
        TaskDriver driver = start("max_line_bytes: 10\n");

        List<SourceRecord> records = lines(pollLines(driver, 6));

        assertThat(values(records)).containsExactly("abcdefghij", "klmnopqrst", "uvwxy", "short", "xéééé", "éé");
        assertThat(records).map(r -> headers(r).get("tributary.file.split"))
                .containsExactly("true", "true", "true", null, "true", "true");
        assertThat(records).map(r -> headers(r).get("tributary.file.offset")).containsExactly("0", "10", "20", "26", "32", "41");
        assertThat(records).map(FileSourceTest::checkpointOffset).containsExactly(null, null, null, null, null, 46L);
        assertThat(context.counter("file.lines.split")).isEqualTo(2);
    }

    @Test
    void longLinesCanBeTruncatedInsteadAndAreCounted() throws IOException {
        append(logs.resolve("app.log"), "abcdefghijklmnopqrstuvwxy\nshort\n");
        TaskDriver driver = start("max_line_bytes: 10\nmax_line_action: truncate\n");

        List<SourceRecord> records = lines(pollLines(driver, 2));

        assertThat(values(records)).containsExactly("abcdefghij", "short");
        assertThat(headers(records.get(0))).containsEntry("tributary.file.truncated", "true");
        assertThat(headers(records.get(1))).containsEntry("tributary.file.offset", "26");
        assertThat(records).map(FileSourceTest::checkpointOffset).containsExactly(null, 32L);
        assertThat(context.counter("file.lines.truncated")).isEqualTo(1);
    }

    @Test
    void headOfALineBeingTruncatedIsSentWhenTheFileIsTruncated() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "abcdefghijklmnop");
        TaskDriver driver = start("max_line_bytes: 10\nmax_line_action: truncate\n");
        assertThat(values(driver.pollFor(QUIET))).as("the head waits for the end of its line").isEmpty();

        Files.writeString(file, "new\n", StandardOpenOption.TRUNCATE_EXISTING);

        List<SourceRecord> records = lines(pollLines(driver, 2));
        assertThat(values(records)).containsExactly("abcdefghij", "new");
        assertThat(headers(records.get(0)))
                .containsEntry("tributary.file.truncated", "true")
                .containsEntry("tributary.file.partial", "true");
        assertThat(offset(records.get(0))).isEqualTo(16);
    }

    @Test
    void partialLastLineLongerThanMaxLineBytesIsSplitWhenFlushed() throws IOException {
        append(logs.resolve("app.log"), "abcdefghijk");
        TaskDriver driver = startOnFakeClock("max_line_bytes: 10\nclose_inactive: 300ms\n");
        assertThat(values(driver.pollFor(QUIET))).as("the line waits for its end or close_inactive").isEmpty();
        driver.advance(Duration.ofMillis(299));
        assertThat(values(driver.pollFor(QUIET))).as("the line waits for its end or close_inactive").isEmpty();

        driver.advance(Duration.ofMillis(1));
        List<SourceRecord> records = pollLines(driver, 2);

        assertThat(values(records)).containsExactly("abcdefghij", "k");
        assertThat(lines(records)).map(PolledLines::headers).containsExactly(
                Map.of("tributary.source", "app-logs", "tributary.file.path", logs.resolve("app.log").toString(),
                        "tributary.file.offset", "0", "tributary.file.split", "true"),
                Map.of("tributary.source", "app-logs", "tributary.file.path", logs.resolve("app.log").toString(),
                        "tributary.file.offset", "10", "tributary.file.split", "true", "tributary.file.partial", "true"));
        assertThat(offset(lines(records).get(1))).isEqualTo(11);
        assertThat(context.counter("file.lines.split")).isEqualTo(1);
        assertThat(context.counter("file.lines.partial")).isEqualTo(1);
    }

    @Test
    void partialLastLineLongerThanMaxLineBytesIsTruncatedWhenFlushed() throws IOException {
        append(logs.resolve("app.log"), "abcdefghijk");
        TaskDriver driver = startOnFakeClock("max_line_bytes: 10\nmax_line_action: truncate\nclose_inactive: 300ms\n");
        assertThat(values(driver.pollFor(QUIET))).as("the head waits for close_inactive").isEmpty();

        driver.advance(Duration.ofMillis(300));
        List<SourceRecord> records = pollLines(driver, 1);

        assertThat(values(records)).containsExactly("abcdefghij");
        assertThat(headers(lines(records).get(0)))
                .containsEntry("tributary.file.truncated", "true")
                .containsEntry("tributary.file.partial", "true");
        assertThat(offset(lines(records).get(0))).isEqualTo(11);
        assertThat(context.counter("file.lines.truncated")).isEqualTo(1);
    }

    @Test
    void everyRunOfAFilesLinesInAPollEndsWithItsCheckpoint() throws IOException {
        // Lines of 1,000 bytes: one read of a file (256 KiB) is about 262 lines, one poll (1 MiB) four reads,
        // taken from the two files in turns.
        for (String name : List.of("a", "b")) {
            append(logs.resolve(name + ".log"), IntStream.range(0, 600)
                    .mapToObj(i -> "%s %05d %s\n".formatted(name, i, "x".repeat(990))).collect(Collectors.joining()));
        }
        TaskDriver driver = start("max_line_bytes: 1KiB\n");

        List<SourceRecord> poll = driver.pollUntil(1, WAIT);

        List<String> runs = new ArrayList<>();
        for (SourceRecord record : lines(poll)) {
            String path = headers(record).get("tributary.file.path");
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(path)) {
                runs.add(path);
            }
        }
        assertThat(runs).as("the files whose lines follow each other in one poll").hasSizeGreaterThan(2);
        // The agent's on_error: fail commits a poll up to its last record with a checkpoint before the
        // failed one: every such cut must carry, for each file, the checkpoint right after its last line.
        Map<String, Long> endOfLastLine = new HashMap<>();
        Map<String, Long> checkpointed = new HashMap<>();
        for (int i = 0; i < poll.size(); i++) {
            SourceRecord record = poll.get(i);
            if (!record.isCheckpointOnly()) {
                Map<String, String> headers = headers(record);
                endOfLastLine.put(headers.get("tributary.file.path"),
                        Long.parseLong(headers.get("tributary.file.offset")) + record.value().length + 1);
            }
            if (record.checkpoint() != null) {
                checkpointed.put(record.checkpoint().position().get("path"), offset(record));
                assertThat(checkpointed).as("checkpoints of the records up to %d of the poll", i).isEqualTo(endOfLastLine);
            }
        }
        assertThat(poll.get(poll.size() - 1).checkpoint()).isNotNull();
    }

    // ---- multiline -------------------------------------------------------------------------------

    @Test
    void multilineStartPatternJoinsLinesUntilTheNextStartAndTimesOut() throws IOException {
        append(logs.resolve("app.log"), "2024-01 boom\n  at a\n  at b\n2024-02 fine\n");
        TaskDriver driver = startOnFakeClock("multiline:\n  start_pattern: \"^\\\\d{4}-\"\n  timeout: 200ms\n");
        List<SourceRecord> records = new ArrayList<>(lines(pollLines(driver, 1)));
        driver.advance(Duration.ofMillis(199));
        assertThat(values(driver.pollFor(QUIET))).as("the last event before its timeout").isEmpty();

        driver.advance(Duration.ofMillis(1));
        records.addAll(lines(pollLines(driver, 1)));

        assertThat(values(records)).containsExactly("2024-01 boom\n  at a\n  at b", "2024-02 fine");
        assertThat(records).map(r -> headers(r).get("tributary.file.offset")).containsExactly("0", "27");
        assertThat(records).map(FileSourceTest::offset).containsExactly(27L, 40L);
    }

    @Test
    void multilineContinuePatternWithNegateJoinsLinesThatDoNotMatch() throws IOException {
        append(logs.resolve("app.log"), "2024-01 boom\n  at a\n2024-02 fine\n");
        TaskDriver driver = startOnFakeClock(
                "multiline:\n  continue_pattern: \"^\\\\d{4}-\"\n  negate: true\n  timeout: 200ms\n");
        List<String> received = new ArrayList<>(values(pollLines(driver, 1)));
        driver.advance(Duration.ofMillis(200));
        received.addAll(values(pollLines(driver, 1)));

        assertThat(received).containsExactly("2024-01 boom\n  at a", "2024-02 fine");
    }

    @Test
    void multilineEventsAreCutAtMaxLines() throws IOException {
        append(logs.resolve("app.log"), "E1\n a\n b\n c\nE2\n");
        TaskDriver driver = startOnFakeClock("multiline:\n  start_pattern: \"^E\"\n  max_lines: 2\n  timeout: 200ms\n");
        List<String> received = new ArrayList<>(values(pollLines(driver, 2)));
        driver.advance(Duration.ofMillis(200));
        received.addAll(values(pollLines(driver, 1)));

        assertThat(received).containsExactly("E1\n a", " b\n c", "E2");
        assertThat(context.counter("file.multiline.cut")).isEqualTo(1);
    }

    @Test
    void multilineCheckpointNeverPassesTheFirstLineOfAnEventStillAssembled() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "E1\n a\nE2\n b\n");
        String yaml = "multiline:\n  start_pattern: \"^E\"\n  timeout: 1m\n";
        TaskDriver first = start(yaml);
        List<SourceRecord> records = lines(pollLines(first, 1));
        assertThat(values(records)).containsExactly("E1\n a");
        assertThat(offset(records.get(0))).isEqualTo(6);
        first.commitAll();
        first.close();

        append(file, " c\nE3\n");
        TaskDriver second = start(yaml, first.committedPositions());

        assertThat(values(lines(pollLines(second, 1)))).containsExactly("E2\n b\n c");
    }

    @Test
    void multilineEventBeingAssembledIsSentWhenTheFileIsTruncated() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "E1 boom\n at a\n at b\n");
        TaskDriver driver = start("multiline:\n  start_pattern: \"^E\"\n  timeout: 1m\n");
        assertThat(values(driver.pollFor(QUIET))).as("the event waits for the next one to begin").isEmpty();

        Files.writeString(file, "E2\n", StandardOpenOption.TRUNCATE_EXISTING);

        List<SourceRecord> records = pollLines(driver, 1);
        assertThat(values(records)).containsExactly("E1 boom\n at a\n at b");
        assertThat(offset(lines(records).get(0))).isEqualTo(20);
        append(file, "E3\n");
        assertThat(values(pollLines(driver, 1))).containsExactly("E2");
        assertThat(context.counter("file.truncations")).isEqualTo(1);
    }

    // ---- identity --------------------------------------------------------------------------------

    @Test
    void shortFileGetsAProvisionalIdentityUpgradedAsItGrows() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "a\n");
        TaskDriver driver = start("fingerprint_bytes: 16\n");
        String provisional = FileKey.stat(file).key().streamName();

        List<SourceRecord> first = pollLines(driver, 1);
        assertThat(lines(first).get(0).checkpoint().stream()).isEqualTo(provisional);
        driver.commitAll();

        append(file, "bcdefghijklmnopqrstuvwxyz\n");
        List<SourceRecord> second = pollLines(driver, 1);
        String fingerprint = fingerprintStream(file);
        assertThat(second).map(r -> r.checkpoint().stream() + (r.isCheckpointOnly() ? " only" : ""))
                .containsExactly(fingerprint + " only", provisional + " only", fingerprint);
        assertThat(second.get(0).checkpoint().position().getLong("offset")).isEqualTo(2);
        assertThat(second.get(1).checkpoint().forgets()).isTrue();
        driver.commitAll();

        assertThat(driver.committedPositions()).containsOnlyKeys(fingerprint);
        assertThat(driver.committedPositions().get(fingerprint).getLong("offset")).isEqualTo(28);
    }

    @Test
    void inodeReuseWithAStaleProvisionalCheckpointReadsTheNewFileWhole() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "new one\nnew two\n");
        FileKey key = FileKey.stat(file).key();
        byte[] gone = "old content of a deleted file\n".getBytes(UTF_8);
        Map<String, Position> stale = Map.of(key.streamName(), new FileCheckpoint(
                10, Hashing.hash(gone, 0, 10), file.toString(), key).toPosition());

        TaskDriver driver = start("", stale);

        List<SourceRecord> records = pollLines(driver, 2);
        assertThat(values(records)).containsExactly("new one", "new two");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
        driver.commitAll();
        assertThat(driver.committedPositions().get(key.streamName()).getLong("offset")).isEqualTo(16);
    }

    @Test
    void inodeReuseWithAStaleCheckpointOfALongerFileReadsTheNewFileWhole() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "a new file, longer than the fingerprint\nsecond line\n");
        FileKey key = FileKey.stat(file).key();
        Map<String, Position> stale = Map.of(key.streamName(),
                new FileCheckpoint(5, 42, file.toString(), key).toPosition());

        TaskDriver driver = start("fingerprint_bytes: 16\n", stale);

        List<SourceRecord> records = pollLines(driver, 2);
        assertThat(values(records)).containsExactly("a new file, longer than the fingerprint", "second line");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
        driver.commitAll();
        assertThat(driver.committedPositions()).containsOnlyKeys(fingerprintStream(file));
    }

    @Test
    void newFileBeginningLikeTheRenamedOneIsAFileOfItsOwnAndBothResumeAfterARestart() throws IOException {
        Path file = logs.resolve("app.log");
        Path rotated = logs.resolve("app.log.1");
        String yaml = "include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\n";
        append(file, HEADER + "old 1\n");
        TaskDriver first = start(yaml);
        assertThat(values(pollLines(first, 2))).containsExactly(HEADER_LINE, "old 1");

        Files.move(file, rotated);
        append(file, HEADER + "new 1\n");

        assertThat(values(pollLines(first, 2))).containsExactly(HEADER_LINE, "new 1");
        first.commitAll();
        first.close();
        assertThat(first.committedPositions()).containsOnlyKeys(
                fingerprintStream(rotated), fingerprintStream(file));

        append(rotated, "old 2\n");
        append(file, "new 2\n");
        TaskDriver second = start(yaml, first.committedPositions());
        assertThat(values(pollLines(second, 2))).containsExactlyInAnyOrder("old 2", "new 2");
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    @Test
    void inodeReuseWithAStaleCheckpointOfTheSameBeginningReadsTheNewFileWholeAndOnce() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, HEADER + "new 1\nnew 2\n");
        FileKey key = FileKey.stat(file).key();
        String yaml = "fingerprint_bytes: 16\n";
        Map<String, Position> stale = Map.of(fingerprintStream(file),
                new FileCheckpoint(HEADER.length() + 6, 42, file.toString(), key).toPosition());

        TaskDriver first = start(yaml, stale);

        List<SourceRecord> records = pollLines(first, 3);
        assertThat(values(records)).containsExactly(HEADER_LINE, "new 1", "new 2");
        assertThat(values(first.pollFor(QUIET))).isEmpty();
        first.commitAll();
        first.close();
        TaskDriver second = start(yaml, first.committedPositions());
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    @Test
    void fileReplacedBetweenTheScanAndItsOpeningIsReadUnderItsOwnIdentity() throws IOException {
        Path file = logs.resolve("app.log");
        Path rotated = logs.resolve("app.log.1");
        append(file, "first file\n");
        AtomicBoolean rotatedOnce = new AtomicBoolean();
        FileSource task = task("include: [\"" + logs + "/app.log*\"]\n", path -> {
            if (path.equals(file) && rotatedOnce.compareAndSet(false, true)) {
                Files.move(file, rotated);
                append(file, "second file\n");
            }
            return FileChannel.open(path, StandardOpenOption.READ);
        });
        TaskDriver driver = start(task, Map.of());

        List<SourceRecord> records = pollLines(driver, 2);
        records.addAll(driver.pollFor(QUIET));

        assertThat(lines(records)).map(r -> new String(r.value(), UTF_8) + " in " + headers(r).get("tributary.file.path"))
                .containsExactlyInAnyOrder("first file in " + rotated, "second file in " + file);
    }

    @Test
    void fileReplacedBeforeItIsReopenedIsNotReadUnderTheOtherOnesIdentity() throws IOException {
        Path file = logs.resolve("app.log");
        Path rotated = logs.resolve("app.log.1");
        append(file, "line 1\n");
        AtomicBoolean rotateOnNextOpen = new AtomicBoolean();
        FileSource task = task("include: [\"" + logs + "/app.log*\"]\nclose_inactive: 200ms\n", path -> {
            if (path.equals(file) && rotateOnNextOpen.compareAndSet(true, false)) {
                Files.move(file, rotated);
                append(file, "other file\n");
            }
            return FileChannel.open(path, StandardOpenOption.READ);
        });
        TaskDriver driver = start(task, Map.of());
        assertThat(values(pollLines(driver, 1))).containsExactly("line 1");
        await().atMost(WAIT).until(() -> {
            driver.pollFor(Duration.ofMillis(50));
            return context.gauge("file.open").longValue() == 0;
        });

        append(file, "line 2\n");
        rotateOnNextOpen.set(true);

        List<SourceRecord> records = pollLines(driver, 2);
        records.addAll(driver.pollFor(QUIET));
        assertThat(lines(records)).map(r -> new String(r.value(), UTF_8) + " in " + headers(r).get("tributary.file.path"))
                .containsExactlyInAnyOrder("line 2 in " + rotated, "other file in " + file);
    }

    // ---- rotation and truncation -----------------------------------------------------------------

    @Test
    void renamedFileIsDrainedBeforeItIsLetGoAndTheNewFileIsPickedUp() throws IOException {
        Path file = logs.resolve("app.log");
        int oldLines = 20_000;
        String unread = IntStream.rangeClosed(1, oldLines).mapToObj(i -> "old " + i + "\n").collect(Collectors.joining());
        Duration closeInactive = Duration.ofMillis(100);
        try (OutputStream writer = new FileOutputStream(file.toFile(), true)) {
            writer.write(unread.getBytes(UTF_8));
            TaskDriver driver = startOnFakeClock("include: [\"" + logs + "/app.log\"]\nclose_inactive: "
                    + closeInactive.toMillis() + "ms\n");
            List<String> received = new ArrayList<>(values(driver.pollUntil(1, WAIT)));

            Files.move(file, logs.resolve("app.log.1"));
            writer.write(("old " + (oldLines + 1) + "\n").getBytes(UTF_8));
            append(file, "new 1\n");
            driver.advance(SCAN_INTERVAL);
            received.addAll(values(driver.pollUntil(1, WAIT)));
            // No poll for longer than close_inactive: the renamed file is quiet, and has more left to read
            // than one poll takes. Only reading it to its end first keeps those lines.
            driver.advance(closeInactive.multipliedBy(3));
            assertThat(oldLines + 1 - received.stream().filter(v -> v.startsWith("old")).count())
                    .as("lines of the renamed file left to read after the pause").isGreaterThan(PollOutput.MAX_POLL_RECORDS);

            await().atMost(WAIT).until(() -> {
                received.addAll(values(driver.pollFor(Duration.ofMillis(50))));
                return received.size() >= oldLines + 2;
            });
            received.addAll(values(driver.pollFor(QUIET)));
            List<String> expected = new ArrayList<>(
                    IntStream.rangeClosed(1, oldLines + 1).mapToObj(i -> "old " + i).toList());
            expected.add("new 1");
            assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(received.stream().filter(v -> v.startsWith("old")))
                    .containsExactlyElementsOf(expected.subList(0, oldLines + 1));

            // The new file closes for inactivity; the renamed one waits for its end to be committed.
            driver.advance(closeInactive);
            driver.pollFor(Duration.ofMillis(50));
            assertThat(context.gauge("file.open")).isEqualTo(1L);

            driver.commitAll();
            await().atMost(WAIT).until(() -> {
                driver.pollFor(Duration.ofMillis(50));
                return context.gauge("file.open").longValue() == 0;
            });
            assertThat(context.counter("file.rotations")).isEqualTo(1);
        }
    }

    @Test
    void copytruncateSendsNoDuplicates() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, numbered("line", 1, 5));
        TaskDriver driver = start("include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\n");
        List<String> received = new ArrayList<>(values(pollLines(driver, 5)));

        append(file, numbered("line", 6, 8));
        Files.copy(file, logs.resolve("app.log.1"));
        Files.writeString(file, numbered("line", 9, 10), StandardOpenOption.TRUNCATE_EXISTING);

        await().atMost(WAIT).until(() -> {
            received.addAll(values(driver.pollFor(Duration.ofMillis(50))));
            return received.size() >= 10;
        });
        received.addAll(values(driver.pollFor(QUIET)));

        assertThat(received).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 10).mapToObj(i -> "line " + i).toList());
        assertThat(context.counter("file.truncations")).isEqualTo(1);
    }

    @Test
    void copyShorterThanWhatWasReadIsKnownAfterARestartAndNotReadAgain() throws IOException {
        Path file = logs.resolve("app.log");
        String yaml = "include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\n";
        append(file, numbered("line", 1, 3));
        TaskDriver first = start(yaml);
        List<String> received = new ArrayList<>(values(pollLines(first, 3)));
        // logrotate's copy reaches the end before lines 4 and 5 are written: only the original has them.
        Files.copy(file, logs.resolve("app.log.1"));
        append(file, numbered("line", 4, 5));
        received.addAll(values(pollLines(first, 2)));
        received.addAll(values(first.pollFor(QUIET)));
        first.commitAll();
        // Stopped between the copy and the truncate.
        first.close();
        Files.writeString(file, numbered("line", 6, 7), StandardOpenOption.TRUNCATE_EXISTING);

        TaskDriver second = start(yaml, first.committedPositions());

        received.addAll(values(pollLines(second, 2)));
        received.addAll(values(second.pollFor(QUIET)));
        assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, 7).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void copyThatSortsBeforeItsOriginalIsHeldBackAfterARestartWhileTheOriginalIsTailed() throws IOException {
        Path file = logs.resolve("app.log");
        String yaml = "fingerprint_bytes: 16\n";
        append(file, numbered("line", 1, 5));
        TaskDriver first = start(yaml);
        assertThat(values(pollLines(first, 5))).hasSize(5);
        first.commitAll();
        first.close();
        // Stopped between the copy and the truncate; app-1.log comes before app.log in a scan.
        Files.copy(file, logs.resolve("app-1.log"));
        append(file, numbered("line", 6, 7));

        TaskDriver second = start(yaml, first.committedPositions());

        List<String> received = new ArrayList<>(values(pollLines(second, 2)));
        Files.writeString(file, numbered("line", 8, 9), StandardOpenOption.TRUNCATE_EXISTING);
        received.addAll(values(pollLines(second, 2)));
        received.addAll(values(second.pollFor(QUIET)));
        assertThat(received).containsExactly("line 6", "line 7", "line 8", "line 9");
    }

    @Test
    void copytruncateOfAFileThatBeginsAgainWithTheSameHeaderSendsEveryLineOnceAcrossARestart() throws IOException {
        Path file = logs.resolve("app.log");
        Path copy = logs.resolve("app.log.1");
        String yaml = "include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\n";
        append(file, HEADER + "line 1\nline 2\n");
        TaskDriver first = start(yaml);
        List<String> received = new ArrayList<>(values(pollLines(first, 3)));

        Files.copy(file, copy);
        Files.writeString(file, HEADER + "line 3\n", StandardOpenOption.TRUNCATE_EXISTING);

        received.addAll(values(pollLines(first, 2)));
        received.addAll(values(first.pollFor(QUIET)));
        assertThat(received).containsExactly(HEADER_LINE, "line 1", "line 2", HEADER_LINE, "line 3");
        first.commitAll();
        first.close();
        assertThat(first.committedPositions()).containsOnlyKeys(fingerprintStream(copy), fingerprintStream(file));

        append(file, "line 4\n");
        TaskDriver second = start(yaml, first.committedPositions());
        assertThat(values(pollLines(second, 1))).containsExactly("line 4");
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    /**
     * FileSourceModelTest's seeds 4, 8 and 11: the file system gives the copy the inode of a deleted file that
     * was let go, whose checkpoint at byte 0 is still claimable. That checkpoint has no bytes to
     * compare, so it says nothing about the copy, which takes over its original's position. Moving the
     * let-go file back in as the copy gives it that inode here for sure.
     */
    @Test
    void copyUnderTheInodeOfAFileLetGoAtByteZeroSendsNoDuplicates() throws IOException {
        Path file = logs.resolve("app.log");
        Path away = Files.createDirectories(logs.resolve("away")).resolve("app.log");
        String yaml = "include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\nclose_inactive: 1s\n";
        append(file, "");
        TaskDriver driver = startOnFakeClock(yaml);
        assertThat(driver.pollFor(QUIET)).isEmpty();
        Files.move(file, away);
        append(file, numbered("line", 1, 5));
        driver.advance(SCAN_INTERVAL);
        List<String> received = new ArrayList<>(values(pollLines(driver, 5)));
        driver.commitAll();
        driver.advance(Duration.ofSeconds(1));
        driver.pollFor(QUIET);
        assertThat(context.gauge("file.open")).as("the file renamed away let go, app.log closed").isEqualTo(0L);

        Files.write(away, Files.readAllBytes(file));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        Files.move(away, logs.resolve("app.log.1"));
        driver.advance(SCAN_INTERVAL);

        received.addAll(values(driver.pollFor(QUIET)));
        assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, 5).mapToObj(i -> "line " + i).toList());
        assertThat(context.counter("file.truncations")).isEqualTo(1);
    }

    /** As above, after a restart: the checkpoint at byte 0 is one committed for a file deleted since. */
    @Test
    void copyUnderTheInodeOfADeletedFilesCheckpointAtByteZeroSendsNoDuplicatesAfterARestart() throws IOException {
        Path file = logs.resolve("app.log");
        Path copy = logs.resolve("app.log.1");
        String yaml = "include: [\"" + logs + "/app.log*\"]\nfingerprint_bytes: 16\n";
        append(file, numbered("line", 1, 5));
        TaskDriver first = start(yaml);
        assertThat(values(pollLines(first, 5))).hasSize(5);
        first.commitAll();
        first.close();
        Files.copy(file, copy);
        Files.writeString(file, numbered("line", 6, 6), StandardOpenOption.TRUNCATE_EXISTING);
        FileKey reused = FileKey.stat(copy).key();
        Map<String, Position> committed = new HashMap<>(first.committedPositions());
        committed.put(reused.streamName(), new FileCheckpoint(0, Hashing.hash(new byte[0], 0, 0),
                logs.resolve("deleted.log").toString(), reused).toPosition());

        TaskDriver second = start(yaml, committed);

        List<String> received = new ArrayList<>(values(pollLines(second, 1)));
        received.addAll(values(second.pollFor(QUIET)));
        assertThat(received).containsExactly("line 6");
        second.commitAll();
        assertThat(second.committedPositions())
                .containsOnlyKeys(fingerprintStream(copy), FileKey.stat(file).key().streamName());
    }

    @Test
    void fileTruncatedInPlaceIsReadAgainFromZero() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, numbered("line", 1, 3));
        TaskDriver driver = start("");
        pollLines(driver, 3);

        Files.writeString(file, "short\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertThat(values(pollLines(driver, 1))).containsExactly("short");

        Files.writeString(file, "rewritten with more bytes than before\n", StandardOpenOption.TRUNCATE_EXISTING);
        List<SourceRecord> records = pollLines(driver, 1);
        assertThat(values(records)).containsExactly("rewritten with more bytes than before");
        assertThat(offset(lines(records).get(0))).isEqualTo(38);
        assertThat(context.counter("file.truncations")).isEqualTo(2);
    }

    @Test
    void deletedFileIsReadToItsEndThenClosedAndItsBytesAreVisibleMeanwhile() throws IOException {
        Path file = logs.resolve("app.log");
        try (OutputStream writer = new FileOutputStream(file.toFile(), true)) {
            writer.write(numbered("line", 1, 3).getBytes(UTF_8));
            TaskDriver driver = start("");
            List<String> received = new ArrayList<>(values(pollLines(driver, 3)));

            Files.delete(file);
            writer.write(numbered("line", 4, 5).getBytes(UTF_8));
            long size = numbered("line", 1, 5).length();

            await().atMost(WAIT).until(() -> {
                received.addAll(values(driver.pollFor(Duration.ofMillis(50))));
                return context.gauge("file.deleted_open.bytes").longValue() == size;
            });
            assertThat(received).containsExactlyElementsOf(
                    IntStream.rangeClosed(1, 5).mapToObj(i -> "line " + i).toList());
            assertThat(context.gauge("file.open")).isEqualTo(1L);

            driver.commitAll();
            await().atMost(WAIT).until(() -> {
                driver.pollFor(Duration.ofMillis(50));
                return context.gauge("file.open").longValue() == 0;
            });
            assertThat(context.gauge("file.deleted_open.bytes")).isEqualTo(0L);
        }
    }

    @Test
    void partialLineIsHeldThenFlushedOnInactivityWithAHeader() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "complete\npartial");
        TaskDriver driver = startOnFakeClock("close_inactive: 1s\n");

        List<SourceRecord> first = lines(pollLines(driver, 1));
        assertThat(values(first)).containsExactly("complete");
        assertThat(offset(first.get(0))).isEqualTo(9);
        driver.advance(Duration.ofMillis(999));
        assertThat(values(driver.pollFor(QUIET))).as("the partial line before close_inactive").isEmpty();

        driver.advance(Duration.ofMillis(1));
        List<SourceRecord> flushed = lines(pollLines(driver, 1));
        assertThat(values(flushed)).containsExactly("partial");
        assertThat(headers(flushed.get(0))).containsEntry("tributary.file.partial", "true");
        assertThat(offset(flushed.get(0))).isEqualTo(16);
        assertThat(context.counter("file.lines.partial")).isEqualTo(1);
    }

    @Test
    void partialLastLineOfADeletedFileIsFlushedWithAHeaderBeforeItIsLetGo() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "complete\npartial");
        // Far longer than the test: only the deletion can make the partial line go out.
        TaskDriver driver = start("close_inactive: 1h\n");
        assertThat(values(pollLines(driver, 1))).containsExactly("complete");

        Files.delete(file);

        List<SourceRecord> flushed = lines(pollLines(driver, 1));
        assertThat(values(flushed)).containsExactly("partial");
        assertThat(headers(flushed.get(0)))
                .containsEntry("tributary.file.partial", "true")
                .containsEntry("tributary.file.offset", "9");
        assertThat(offset(flushed.get(0))).isEqualTo(16);
        assertThat(context.counter("file.lines.partial")).isEqualTo(1);
        driver.commitAll();
        await().atMost(WAIT).until(() -> {
            driver.pollFor(Duration.ofMillis(50));
            return context.gauge("file.open").longValue() == 0;
        });
    }

    @Test
    void partialLastLineOfAFileRenamedAwayIsFlushedWithAHeaderBeforeItIsLetGo() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "complete\npartial");
        TaskDriver driver = start("include: [\"" + logs + "/app.log\"]\nclose_inactive: 300ms\n");
        assertThat(values(pollLines(driver, 1))).containsExactly("complete");

        Files.move(file, logs.resolve("app.log.1"));

        List<SourceRecord> flushed = lines(pollLines(driver, 1));
        assertThat(values(flushed)).containsExactly("partial");
        assertThat(headers(flushed.get(0)))
                .containsEntry("tributary.file.partial", "true")
                .containsEntry("tributary.file.offset", "9");
        assertThat(offset(flushed.get(0))).isEqualTo(16);
        assertThat(context.gauge("file.open")).as("open until its last line is committed").isEqualTo(1L);
        driver.commitAll();
        await().atMost(WAIT).until(() -> {
            driver.pollFor(Duration.ofMillis(50));
            return context.gauge("file.open").longValue() == 0;
        });
        assertThat(context.counter("file.rotations")).isEqualTo(1);
    }

    // ---- checkpoints and restart -----------------------------------------------------------------

    @Test
    void restartResumesExactlyAfterTheLastCommittedLine() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, numbered("line", 1, 10) + "line 11 is");
        TaskDriver first = start("");
        assertThat(values(pollLines(first, 10))).hasSize(10);
        first.commitAll();
        first.close();

        append(file, " complete\nline 12\n");
        TaskDriver second = start("", first.committedPositions());

        assertThat(values(pollLines(second, 2))).containsExactly("line 11 is complete", "line 12");
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    @Test
    void uncommittedLinesAreSentAgainAfterARestart() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, numbered("line", 1, 4));
        TaskDriver first = start("");
        assertThat(values(pollLines(first, 4))).hasSize(4);
        first.close();

        TaskDriver second = start("", first.committedPositions());

        assertThat(values(pollLines(second, 4))).containsExactly("line 1", "line 2", "line 3", "line 4");
    }

    @Test
    void corruptCheckpointMakesStartFailNamingTheStream() {
        Map<String, Position> corrupt = Map.of("fp:0123456789abcdef:1:2",
                Position.of("offset", "lots", "tail_hash", "0000000000000000"));

        assertThatThrownBy(() -> start("", corrupt))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("checkpoint of stream \"fp:0123456789abcdef:1:2\" cannot be read, checkpoint field \"offset\""
                        + " is not a number: {offset=lots, tail_hash=0000000000000000}; fix it or reset the source with"
                        + " tributary checkpoints reset");
    }

    @Test
    void checkpointsOfVanishedFilesAreForgottenAfterIgnoreOlderButNotBefore() {
        FileKey key = new FileKey(1, 2);
        Map<String, Position> vanished = Map.of("ino:1:2", new FileCheckpoint(10, 0, "/gone.log", key).toPosition());
        TaskDriver driver = startOnFakeClock("ignore_older: 1h\n", vanished);
        driver.advance(Duration.ofHours(1));
        assertThat(driver.pollFor(QUIET)).as("records of a scan one hour after the start").isEmpty();

        // Checkpoints expire at scans, the first one after ignore_older.
        driver.advance(SCAN_INTERVAL);
        List<SourceRecord> records = driver.pollUntil(1, WAIT);

        assertThat(records).hasSize(1);
        assertThat(records.get(0).checkpoint().stream()).isEqualTo("ino:1:2");
        assertThat(records.get(0).checkpoint().forgets()).isTrue();
    }

    @Test
    void checkpointsOfVanishedFilesAreKeptWithoutIgnoreOlderAndResumedWhenTheFileComesBack() throws IOException {
        Path file = logs.resolve("app.log");
        Path away = Files.createDirectories(logs.resolve("away")).resolve("app.log");
        append(file, numbered("line", 1, 2));
        TaskDriver first = start("");
        assertThat(values(pollLines(first, 2))).hasSize(2);
        first.commitAll();
        first.close();
        Files.move(file, away);

        TaskDriver second = startOnFakeClock("", first.committedPositions());
        second.advance(Duration.ofDays(30));
        assertThat(second.pollFor(QUIET)).as("records of a scan 30 days later without the file").isEmpty();
        second.commitAll();
        assertThat(second.committedPositions()).isEqualTo(first.committedPositions());

        Files.move(away, file);
        append(file, "line 3\n");
        second.advance(SCAN_INTERVAL);
        assertThat(values(pollLines(second, 1))).containsExactly("line 3");
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    @Test
    void filesOlderThanIgnoreOlderAreSkippedUntilTheyChange() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "ancient\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        TaskDriver driver = startOnFakeClock("ignore_older: 1h\n");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();

        append(file, "fresh\n");
        driver.advance(SCAN_INTERVAL);

        assertThat(values(pollLines(driver, 1))).containsExactly("fresh");
    }

    // ---- discovery -------------------------------------------------------------------------------

    @Test
    void readFromEndSkipsWhatFilesHeldAtStart() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "old 1\nold 2\n");
        TaskDriver driver = start("read_from: end\n");
        List<SourceRecord> start = driver.pollUntil(1, WAIT);
        assertThat(values(start)).isEmpty();

        append(file, "new 1\n");

        assertThat(values(pollLines(driver, 1))).containsExactly("new 1");
    }

    /** read_from: end is for a source's first start: a file that appeared while it was stopped is a rotation's. */
    @Test
    void readFromEndDoesNotSkipFilesThatAppearedWhileTheSourceWasStopped() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, "old 1\n");
        String settings = "read_from: end\ninclude: [\"" + logs + "/app.log*\"]\n";
        TaskDriver first = start(settings);
        first.pollUntil(1, WAIT);
        append(file, "new 1\n");
        assertThat(values(pollLines(first, 1))).containsExactly("new 1");
        first.commitAll();
        first.close();

        Files.move(file, logs.resolve("app.log.1"));
        append(logs.resolve("app.log.1"), "new 2\n");
        append(file, "rotated 1\n");
        TaskDriver second = start(settings, first.committedPositions());

        assertThat(values(pollLines(second, 2))).containsExactlyInAnyOrder("new 2", "rotated 1");
        assertThat(values(second.pollFor(QUIET))).isEmpty();
    }

    @Test
    void excludedFilesAreNotRead() throws IOException {
        append(logs.resolve("keep.log"), "kept\n");
        append(logs.resolve("skip-me.log"), "skipped\n");
        TaskDriver driver = start("exclude: [\"" + logs + "/skip-*.log\"]\n");

        assertThat(values(pollLines(driver, 1))).containsExactly("kept");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    @Test
    void newFilesAreDiscoveredWhileRunningInNestedFolders() throws IOException {
        TaskDriver driver = start("include: [\"" + logs + "/**/*.log\"]\nread_from: end\n");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();

        append(logs.resolve("top.log"), "top\n");
        Files.createDirectories(logs.resolve("a/b"));
        append(logs.resolve("a/b/deep.log"), "deep\n");
        append(logs.resolve("a/b/ignored.txt"), "not a log\n");

        assertThat(values(pollLines(driver, 2))).containsExactlyInAnyOrder("top", "deep");
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    // ---- backpressure ----------------------------------------------------------------------------

    @Test
    void notPollingMeansNotReadingAndOnePollIsBounded() throws IOException {
        String line = "x".repeat(99) + "\n";
        append(logs.resolve("big.log"), line.repeat(20_000));
        TaskDriver driver = start("");

        List<SourceRecord> first = driver.pollUntil(1, WAIT);
        assertThat(first).hasSize(PollOutput.MAX_POLL_RECORDS);
        long readSoFar = context.counter("file.bytes.read");
        assertThat(readSoFar).isEqualTo(PollOutput.MAX_POLL_RECORDS * 100L);

        await().during(QUIET).atMost(Duration.ofSeconds(2))
                .until(() -> context.counter("file.bytes.read") == readSoFar);

        int total = first.size();
        while (total < 20_000) {
            List<SourceRecord> next = driver.pollUntil(1, WAIT);
            assertThat(next.size()).isLessThanOrEqualTo(PollOutput.MAX_POLL_RECORDS);
            total += next.size();
        }
        assertThat(total).isEqualTo(20_000);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private TaskDriver start(String yaml) {
        return start(yaml, Map.of());
    }

    /** A task whose time stands still until the test calls {@link TaskDriver#advance}; it scans at its start and then every SCAN_INTERVAL advanced. */
    private TaskDriver startOnFakeClock(String yaml) {
        return startOnFakeClock(yaml, Map.of());
    }

    private TaskDriver startOnFakeClock(String extraYaml, Map<String, Position> committed) {
        TestSettings settings = settings(extraYaml);
        SourceTask task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return startTask(task, committed, new FakeClock());
    }

    private TaskDriver start(String extraYaml, Map<String, Position> committed) {
        TestSettings settings = settings(extraYaml);
        SourceTask task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return start(task, committed);
    }

    private TaskDriver start(SourceTask task, Map<String, Position> committed) {
        return startTask(task, committed, PluginClock.SYSTEM);
    }

    /** A task that opens files with {@code opener}: it lands a rename between a scan's stat and an open. */
    private FileSource task(String extraYaml, FileTracker.FileOpener opener) {
        TestSettings settings = settings(extraYaml);
        FileSource task = new FileSource(FileSourceConfig.read(settings.settings()), opener);
        assertThat(settings.errors()).isEmpty();
        return task;
    }

    private TestSettings settings(String extraYaml) {
        StringBuilder yaml = new StringBuilder("topic: logs\nscan_interval: " + SCAN_INTERVAL.toMillis() + "ms\n").append(extraYaml);
        if (!extraYaml.contains("include:")) {
            yaml.append("include: [\"").append(logs).append("/*.log\"]\n");
        }
        return TestSettings.parse(yaml.toString());
    }

    private static long offset(SourceRecord record) {
        return record.checkpoint().position().getLong("offset");
    }

    /** The resume point a record carries; null on the lines before the last of their file in a poll. */
    private static Long checkpointOffset(SourceRecord record) {
        return record.checkpoint() == null ? null : offset(record);
    }

    /** The stream of {@code file} as it is now, with fingerprint_bytes: 16. */
    private static String fingerprintStream(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return FileCheckpoint.fingerprintStream(Hashing.hash(bytes, 0, 16), FileKey.stat(file).key());
    }

    private static String numbered(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + " " + i + "\n").collect(Collectors.joining());
    }

    /** The sample's entry as the plugin gets it: the agent keeps type, on_error and dead_letter_topic to itself. */
    private static String sampleYaml() {
        String sample = sampleFile();
        String entry = sample.substring(sample.indexOf("    type: file\n") + "    type: file\n".length());
        return entry.lines()
                .filter(line -> !line.startsWith("    on_error:") && !line.startsWith("    dead_letter_topic:"))
                .map(line -> line.length() >= 4 ? line.substring(4) : line)
                .collect(Collectors.joining("\n"));
    }

    private static String sampleFile() {
        try {
            return Files.readString(Path.of("sample.yaml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
