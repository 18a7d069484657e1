package io.tributary.plugins.file;

import static io.tributary.plugins.file.PolledLines.append;
import static io.tributary.plugins.file.PolledLines.headers;
import static io.tributary.plugins.file.PolledLines.lines;
import static io.tributary.plugins.file.PolledLines.pollLines;
import static io.tributary.plugins.file.PolledLines.values;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.TaskDriver;
import io.tributary.testkit.TestSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@code decompress: gzip}: rotated files that logrotate's {@code compress} turned into {@code .gz}. */
class CompressedRotationTest extends TaskFixture {
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String HEADER = "# app 1.0: time level message\n";

    @Test
    void gzipFilesTheGlobsMatchAreReadDecompressedAndCheckpointedInDecompressedBytes() throws IOException {
        String text = HEADER + numbered(1, 3);
        gzip(logs.resolve("app.log.1.gz"), text);
        TaskDriver driver = start("decompress: gzip\n", Map.of());

        List<SourceRecord> records = lines(pollLines(driver, 4));

        assertThat(values(records)).containsExactly(HEADER.strip(), "line 1", "line 2", "line 3");
        assertThat(headers(records.get(3))).containsEntry("tributary.file.offset", Integer.toString(text.length() - 7));
        assertThat(records.get(3).checkpoint().position().getLong("offset")).isEqualTo(text.length());
        assertThat(values(driver.pollFor(QUIET))).isEmpty();
    }

    @Test
    void agentStoppedAcrossACompressRotationReadsTheUnreadEndFromTheGzOnly() throws IOException {
        Path file = logs.resolve("app.log");
        append(file, HEADER + numbered(1, 10));
        TaskDriver first = start("decompress: gzip\n", Map.of());
        assertThat(values(pollLines(first, 11))).hasSize(11);
        first.commitAll();
        first.close();

        // While the agent is stopped: more lines, then logrotate create + compress.
        append(file, numbered(11, 15));
        Path rotated = logs.resolve("app.log.1");
        Files.move(file, rotated);
        gzip(logs.resolve("app.log.1.gz"), Files.readString(rotated));
        Files.delete(rotated);
        append(file, "new 1\n");
        TaskDriver second = start("decompress: gzip\n", first.committedPositions());

        List<SourceRecord> records = lines(pollLines(second, 6));
        records = new java.util.ArrayList<>(records);
        records.addAll(lines(second.pollFor(QUIET)));

        assertThat(values(records)).containsExactlyInAnyOrder("line 11", "line 12", "line 13", "line 14", "line 15",
                "new 1");
        assertThat(records).filteredOn(r -> headers(r).get("tributary.file.path").endsWith(".gz"))
                .first().satisfies(r -> assertThat(headers(r)).containsEntry("tributary.file.offset",
                        Integer.toString((HEADER + numbered(1, 10)).length())));
    }

    @Test
    void anUnknownDecompressionIsReported() {
        TestSettings settings = TestSettings.parse("topic: logs\ninclude: [\"/var/log/*.log\"]\ndecompress: zstd\n");
        new FileSourceType().create(settings.settings());

        assertThat(settings.errors()).containsExactly("<settings>:3:1: decompress: must be one of none, gzip, got \"zstd\"");
    }

    private TaskDriver start(String extraYaml, Map<String, Position> committed) {
        TestSettings settings = TestSettings.parse("topic: logs\nscan_interval: 50ms\nfingerprint_bytes: 16\ninclude: [\""
                + logs + "/app.log*\"]\n" + extraYaml);
        var task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return startTask(task, committed, PluginClock.SYSTEM);
    }

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
