package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceContext;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDriverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dataDir;

    @Test
    void aNewTaskResumesFromWhatTheLastOneCommitted() {
        CountingTask first = new CountingTask();
        Map<String, Position> committed;
        try (TaskDriver driver = TaskDriver.start(first, new RecordingSourceContext("counter", dataDir, Map.of()))) {
            assertThat(values(driver.pollUntil(3, TIMEOUT))).containsExactly("1", "2", "3", "4");
            driver.commitAll();
            assertThat(values(driver.pollUntil(1, TIMEOUT))).containsExactly("5", "6");
            committed = driver.committedPositions();
        }

        assertThat(committed).isEqualTo(Map.of("count", Position.of("count", 4)));
        assertThat(first.committedCalls).containsExactly(Map.of("count", Position.of("count", 4)));

        CountingTask second = new CountingTask();
        try (TaskDriver driver = TaskDriver.start(second, new RecordingSourceContext("counter", dataDir, committed))) {
            assertThat(values(driver.pollUntil(2, TIMEOUT))).containsExactly("5", "6");
        }
    }

    @Test
    void advanceMovesTheContextsFakeClockOnAsTheTaskSeesIt() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        ClockReadingTask task = new ClockReadingTask();
        try (TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("clock", dataDir, Map.of(), clock))) {
            long startNanos = task.clock.nanoTime();
            driver.advance(Duration.ofMinutes(5));

            assertThat(task.clock.nanoTime() - startNanos).isEqualTo(Duration.ofMinutes(5).toNanos());
            assertThat(task.clock.millis()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z").toEpochMilli());
        }
    }

    @Test
    void advanceWithoutAFakeClockFailsSayingWhatIsMissing() {
        try (TaskDriver driver = TaskDriver.start(new ClockReadingTask(),
                new RecordingSourceContext("clock", dataDir, Map.of()))) {
            assertThatThrownBy(() -> driver.advance(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("advance needs a FakeClock: create the RecordingSourceContext with one,"
                            + " it has PluginClock.SYSTEM");
        }
    }

    @Test
    void aFakeClockOnlyMovesOn() {
        assertThatThrownBy(() -> new FakeClock().advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time only moves on, got PT-0.001S");
    }

    @Test
    void commitAllPassesOnlyTheNewestPositionOfEachStreamSinceTheLastCommit() {
        CountingTask task = new CountingTask();
        try (TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()))) {
            driver.pollUntil(4, TIMEOUT);
            driver.commitAll();
            driver.commitAll();
            driver.pollUntil(1, TIMEOUT);
            driver.commitAll();
        }

        assertThat(task.committedCalls).containsExactly(
                Map.of("count", Position.of("count", 4)),
                Map.of("count", Position.of("count", 6)));
    }

    @Test
    void pollAndCloseRunOnTheTaskThreadWhileStopAndCommittedRunOnTheCaller() {
        CountingTask task = new CountingTask();
        try (TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()))) {
            driver.pollUntil(1, TIMEOUT);
            driver.commitAll();
        }

        String caller = Thread.currentThread().getName();
        assertThat(task.calls).containsExactly(
                "start on tributary-task-counter",
                "poll on tributary-task-counter",
                "committed on " + caller,
                "stop on " + caller,
                "poll on tributary-task-counter",
                "close on tributary-task-counter");
    }

    @Test
    void closeCollectsWhatTheTaskHandsOverAfterStop() {
        CountingTask task = new CountingTask();
        task.heldAtStop = 3;
        TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()));
        driver.pollUntil(1, TIMEOUT);
        driver.commitAll();

        driver.close();
        assertThat(values(driver.drained())).containsExactly("3", "4", "5");
        assertThat(driver.committedPositions()).isEqualTo(Map.of("count", Position.of("count", 2)));

        driver.commitAll();
        assertThat(driver.committedPositions()).isEqualTo(Map.of("count", Position.of("count", 5)));
        assertThat(task.committedCalls).containsExactly(Map.of("count", Position.of("count", 2)));
    }

    @Test
    void pollUntilSaysHowManyRecordsCameBackWhenTooFewDid() {
        CountingTask task = new CountingTask();
        task.limit = 2;
        try (TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()))) {
            assertThatThrownBy(() -> driver.pollUntil(3, Duration.ofMillis(300)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("expected at least 3 records from poll() within PT0.3S but 2 came back");
        }
    }

    @Test
    void pollForReturnsEverythingPolledMeanwhile() {
        CountingTask task = new CountingTask();
        task.limit = 5;
        try (TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()))) {
            assertThat(values(driver.pollFor(Duration.ofMillis(200)))).containsExactly("1", "2", "3", "4", "5");
        }
    }

    @Test
    void aCheckedExceptionFromPollReachesTheCallerAndTheTaskIsStillClosed() {
        CountingTask task = new CountingTask();
        task.failure = new IOException("disk gone");
        TaskDriver driver = TaskDriver.start(task, new RecordingSourceContext("counter", dataDir, Map.of()));

        assertThatThrownBy(() -> driver.pollUntil(1, TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("poll() threw java.io.IOException: disk gone")
                .hasCause(task.failure);
        assertThatThrownBy(() -> driver.pollUntil(1, TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the task failed; close the driver and start a new task");

        driver.close();
        assertThat(task.calls).containsExactly(
                "start on tributary-task-counter",
                "poll on tributary-task-counter",
                "close on tributary-task-counter");
    }

    @Test
    void anUncheckedExceptionFromStartIsRethrownAsItIsAfterClosingTheTask() {
        CountingTask task = new CountingTask();
        RecordingSourceContext context = new RecordingSourceContext("counter", dataDir,
                Map.of("count", Position.of("count", "not a number")));

        assertThatThrownBy(() -> TaskDriver.start(task, context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("checkpoint field \"count\" is not a number: {count=not a number}");
        assertThat(task.calls).containsExactly(
                "start on tributary-task-counter",
                "close on tributary-task-counter");
    }

    private static List<String> values(List<SourceRecord> records) {
        List<String> values = new ArrayList<>();
        for (SourceRecord record : records) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Keeps the clock of its context and hands over nothing. */
    private static final class ClockReadingTask implements SourceTask {
        volatile PluginClock clock;

        @Override
        public void start(SourceContext context) {
            clock = context.clock();
        }

        @Override
        public List<SourceRecord> poll() {
            return List.of();
        }

        @Override
        public void stop() {
        }
    }

    /** Counts up two numbers a poll; its checkpoint is the last number handed over. */
    private static final class CountingTask implements SourceTask {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Map<String, Position>> committedCalls = new CopyOnWriteArrayList<>();
        long limit = Long.MAX_VALUE;
        int heldAtStop;
        Exception failure;
        private long count;
        private volatile boolean stopped;

        @Override
        public void start(SourceContext context) {
            record("start");
            Position committed = context.committedPositions().get("count");
            count = committed == null ? 0 : committed.getLong("count");
        }

        @Override
        public List<SourceRecord> poll() throws Exception {
            record("poll");
            if (failure != null) {
                throw failure;
            }
            int batch = stopped ? heldAtStop : 2;
            heldAtStop = stopped ? 0 : heldAtStop;
            List<SourceRecord> records = new ArrayList<>();
            while (records.size() < batch && count < limit) {
                count++;
                records.add(SourceRecord.builder("numbers")
                        .value(Long.toString(count).getBytes(StandardCharsets.UTF_8))
                        .checkpoint("count", Position.of("count", count))
                        .build());
            }
            return records;
        }

        @Override
        public void committed(Map<String, Position> positions) {
            record("committed");
            committedCalls.add(positions);
        }

        @Override
        public void stop() {
            record("stop");
            stopped = true;
        }

        @Override
        public void close() {
            record("close");
        }

        private void record(String call) {
            if (!call.equals("poll") || calls.isEmpty() || !calls.get(calls.size() - 1).startsWith("poll")) {
                calls.add(call + " on " + Thread.currentThread().getName());
            }
        }
    }
}
