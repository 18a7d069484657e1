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
import io.tributary.testkit.FakeClock;
import io.tributary.testkit.TaskDriver;
import io.tributary.testkit.TestSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code format: cri} and {@code format: docker}: container runtimes' log lines, decoded and joined. */
class ContainerLogTest extends TaskFixture {
    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void criLinesBecomeTheirMessageWithStreamAndTimeAndPartialPiecesAreJoined() throws IOException {
        String lines = """
                2026-01-01T00:00:00.000000001Z stdout F hello
                2026-01-01T00:00:01.000000001Z stderr P first half,\s
                2026-01-01T00:00:01.000000002Z stderr P second half,\s
                2026-01-01T00:00:01.000000003Z stderr F end
                2026-01-01T00:00:02.000000001Z stdout F
                """;
        append(logs.resolve("c.log"), lines);
        TaskDriver driver = start("format: cri\n", Map.of());

        List<SourceRecord> records = lines(pollLines(driver, 3));

        assertThat(values(records)).containsExactly("hello", "first half, second half, end", "");
        assertThat(headers(records.get(1)))
                .containsEntry("tributary.container.stream", "stderr")
                .containsEntry("tributary.container.time", "2026-01-01T00:00:01.000000001Z")
                .containsEntry("tributary.file.offset", "46");
        assertThat(records.get(2).checkpoint().position().getLong("offset")).isEqualTo(lines.length());
        assertThat(context.counter("file.container.invalid")).isZero();
    }

    @Test
    void dockerJsonLinesBecomeTheirLogWithoutItsNewlineAndSplitLogsAreJoined() throws IOException {
        append(logs.resolve("d.log"), """
                {"log":"caf\\u00e9 \\"quoted\\"\\n","stream":"stdout","time":"2026-01-01T00:00:00.1Z"}
                {"log":"a long line cut by the runtime ","stream":"stderr","time":"2026-01-01T00:00:01.1Z"}
                {"log":"and its end\\n","stream":"stderr","time":"2026-01-01T00:00:01.2Z","attrs":{"a":"b"}}
                """);
        TaskDriver driver = start("format: docker\n", Map.of());

        List<SourceRecord> records = lines(pollLines(driver, 2));

        assertThat(values(records)).containsExactly("café \"quoted\"", "a long line cut by the runtime and its end");
        assertThat(headers(records.get(0))).containsEntry("tributary.container.stream", "stdout")
                .containsEntry("tributary.container.time", "2026-01-01T00:00:00.1Z");
        assertThat(headers(records.get(1))).containsEntry("tributary.container.stream", "stderr");
    }

    @Test
    void linesNotInTheFormatAreSentAsTheyAreAndCounted() throws IOException {
        append(logs.resolve("c.log"), "not a cri line\n2026-01-01T00:00:00Z stdout F fine\n");
        TaskDriver driver = start("format: cri\n", Map.of());

        List<SourceRecord> records = lines(pollLines(driver, 2));

        assertThat(values(records)).containsExactly("not a cri line", "fine");
        assertThat(headers(records.get(0))).doesNotContainKey("tributary.container.stream");
        assertThat(context.counter("file.container.invalid")).isEqualTo(1);
    }

    @Test
    void checkpointNeverPassesThePiecesOfALineStillBeingJoined() throws IOException {
        Path file = logs.resolve("c.log");
        append(file, "2026-01-01T00:00:00Z stdout F one\n2026-01-01T00:00:01Z stdout P two, \n");
        TaskDriver first = start("format: cri\n", Map.of());
        assertThat(values(pollLines(first, 1))).containsExactly("one");
        assertThat(values(first.pollFor(QUIET))).as("the piece waits for the rest of its line").isEmpty();
        first.commitAll();
        first.close();
        assertThat(first.drained()).as("the piece is not sent on a stop").isEmpty();

        append(file, "2026-01-01T00:00:02Z stdout F continued\n");
        TaskDriver second = start("format: cri\n", first.committedPositions());

        assertThat(values(pollLines(second, 1))).containsExactly("two, continued");
    }

    @Test
    void aPieceWithoutItsEndIsSentFlaggedPartialWhenTheFileGoesQuiet() throws IOException {
        append(logs.resolve("c.log"), "2026-01-01T00:00:01Z stdout P never ended\n");
        FakeClock clock = new FakeClock();
        TaskDriver driver = start("format: cri\nclose_inactive: 1s\n", Map.of(), clock);
        assertThat(values(driver.pollFor(QUIET))).isEmpty();

        driver.advance(Duration.ofSeconds(1));
        List<SourceRecord> records = lines(pollLines(driver, 1));

        assertThat(values(records)).containsExactly("never ended");
        assertThat(headers(records.get(0))).containsEntry("tributary.file.partial", "true");
        assertThat(records.get(0).checkpoint().position().getLong("offset")).isEqualTo(42);
    }

    @Test
    void anUnknownFormatIsReported() {
        TestSettings settings = TestSettings.parse("topic: logs\ninclude: [\"/var/log/*.log\"]\nformat: json-lines\n");
        new FileSourceType().create(settings.settings());

        assertThat(settings.errors()).containsExactly(
                "<settings>:3:1: format: must be one of lines, cri, docker, got \"json-lines\"");
    }

    private TaskDriver start(String extraYaml, Map<String, Position> committed) {
        return start(extraYaml, committed, null);
    }

    private TaskDriver start(String extraYaml, Map<String, Position> committed, FakeClock clock) {
        TestSettings settings = TestSettings.parse("topic: logs\nscan_interval: 50ms\ninclude: [\"" + logs + "/*.log\"]\n"
                + extraYaml);
        var task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return startTask(task, committed, clock == null ? PluginClock.SYSTEM : clock);
    }
}
