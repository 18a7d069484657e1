package com.example.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.RecordingSourceContext;
import io.tributary.testkit.TaskDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counter source driven as the agent drives it, without Kafka: the test kit's TaskDriver calls
 * start, poll and close on a task thread, and plays committed transactions on demand.
 */
class CounterSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    @Test
    void writesNumberedRecordsWithTheirCheckpoints() {
        RecordingSourceContext context = new RecordingSourceContext("numbers", dataDir, Map.of());
        try (TaskDriver driver = TaskDriver.start(new CounterSource("numbers", 3, "hello {n}", Duration.ZERO), context)) {
            List<SourceRecord> records = driver.pollUntil(3, WAIT);

            assertThat(records).extracting(CounterSourceTest::value).containsExactly("hello 0", "hello 1", "hello 2");
            assertThat(records).extracting(record -> record.checkpoint().position())
                    .containsExactly(Position.of("next", 1), Position.of("next", 2), Position.of("next", 3));
            assertThat(driver.pollFor(Duration.ofMillis(600))).isEmpty();
        }
    }

    @Test
    void aRestartedTaskGoesOnAfterTheCommittedCheckpoint() {
        Map<String, Position> committed;
        try (TaskDriver driver = TaskDriver.start(new CounterSource("numbers", 5, "n={n}", Duration.ZERO),
                new RecordingSourceContext("numbers", dataDir, Map.of()))) {
            driver.pollUntil(5, WAIT);
            driver.commitAll();
            committed = driver.committedPositions();
        }
        assertThat(committed).containsExactly(Map.entry(CounterSource.STREAM, Position.of("next", 5)));

        try (TaskDriver driver = TaskDriver.start(new CounterSource("numbers", 7, "n={n}", Duration.ZERO),
                new RecordingSourceContext("numbers", dataDir, committed))) {
            assertThat(driver.pollUntil(2, WAIT)).extracting(CounterSourceTest::value).containsExactly("n=5", "n=6");
        }
    }

    @Test
    void stoppingDuringALongIntervalIsQuickAndLosesNothing() {
        try (TaskDriver driver = TaskDriver.start(new CounterSource("numbers", 2, "{n}", Duration.ofHours(1)),
                new RecordingSourceContext("numbers", dataDir, Map.of()))) {
            assertThat(driver.pollUntil(1, WAIT)).extracting(CounterSourceTest::value).containsExactly("0");
            long started = System.nanoTime();
            driver.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(driver.drained()).isEmpty();
        }
    }

    private static String value(SourceRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
