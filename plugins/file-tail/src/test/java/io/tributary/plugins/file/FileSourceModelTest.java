package io.tributary.plugins.file;

import static io.tributary.plugins.file.PolledLines.append;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.PluginClock;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.testkit.TaskDriver;
import io.tributary.testkit.TestSettings;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of appends, partial writes, rename rotations, copytruncate, truncation of a
 * caught-up file, deletion, graceful restarts and crashes, checked against a model of what a
 * {@code read_committed} consumer must get: every line written, once, in the order of its file. A
 * crash throws away what was polled since the last commit, as an aborted transaction does.
 *
 * <p>Every failing seed is printed; {@code -Dtributary.model.seed=N} replays one,
 * {@code -Dtributary.model.seeds=N,M} several, and {@code -Dtributary.model.runs=N} runs N random
 * sequences instead of the fixed ones.
 */
class FileSourceModelTest extends TaskFixture {
    private static final int STEPS = 60;
    /*
     * The sequences CI runs: fixed, so that a failure is a change's doing. Random ones find more:
     * seeds 4, 8 and 11 of 1 to 12 (and -5884752976132390663) found lines read twice, where a
     * copytruncate copy got the inode of a file deleted earlier in the run and resumed from that
     * file's checkpoint at byte 0 instead of its original's position. They pass since that was fixed,
     * but only a file system that hands a freed inode to the next file (ext4 does) replays it, and
     * each adds some 3 s here: FileSourceTest's copyUnderTheInodeOf... tests hold the fix instead.
     */
    private static final List<Long> SEEDS = List.of(1L, 2L, 3L);
    private static final Duration CATCH_UP = Duration.ofSeconds(20);

    private final List<String> committedValues = new ArrayList<>();
    private final List<String> uncommittedValues = new ArrayList<>();
    private final List<String> written = new ArrayList<>();
    private final List<String> steps = new ArrayList<>();
    /** The file each line was written to, counted from 0: each rotation, truncation or deletion starts one. */
    private final List<Integer> fileOf = new ArrayList<>();
    private int file;
    private Map<String, Position> positions = Map.of();
    private TaskDriver driver;
    private Path live;
    private int rotations;
    private int sequence;

    @Test
    void randomRotationsRestartsAndCrashesDeliverEveryLineOnceInOrder() throws IOException {
        List<Long> seeds = seeds();
        List<String> failures = new ArrayList<>();
        AssertionError first = null;
        for (int run = 0; run < seeds.size(); run++) {
            long seed = seeds.get(run);
            try {
                runOnce(seed, run);
            } catch (AssertionError | RuntimeException | IOException e) {
                failures.add(seed + " (steps: " + steps + ")");
                if (first == null) {
                    first = new AssertionError("model run failed with seed " + seed + " (rerun with -Dtributary.model.seed="
                            + seed + "); steps: " + steps, e);
                }
            }
        }
        if (first != null) {
            first.addSuppressed(new AssertionError("all failing seeds: " + failures));
            throw first;
        }
    }

    /**
     * The sequences to run: {@code -Dtributary.model.seed=N} one, {@code -Dtributary.model.seeds=N,M} those,
     * {@code -Dtributary.model.runs=N} that many random ones; else {@link #SEEDS}.
     */
    private static List<Long> seeds() {
        String seed = System.getProperty("tributary.model.seed");
        String seeds = System.getProperty("tributary.model.seeds", seed);
        if (seeds != null) {
            return Arrays.stream(seeds.split(",")).map(String::trim).map(Long::parseLong).toList();
        }
        Integer runs = Integer.getInteger("tributary.model.runs");
        if (runs != null) {
            Random random = new Random();
            return LongStream.generate(random::nextLong).limit(runs).boxed().toList();
        }
        return SEEDS;
    }

    private void runOnce(long seed, int run) throws IOException {
        Random random = new Random(seed);
        Path folder = Files.createDirectories(logs.resolve("run" + run));
        live = folder.resolve("app.log");
        committedValues.clear();
        uncommittedValues.clear();
        written.clear();
        steps.clear();
        positions = Map.of();
        rotations = 0;
        sequence = 0;
        fileOf.clear();
        file = 0;
        String yaml = "topic: logs\nscan_interval: 50ms\nfingerprint_bytes: 16\ninclude: [\"" + folder + "/app.log*\"]\n";
        append(live, "");
        driver = start(yaml);
        for (int step = 0; step < STEPS; step++) {
            int choice = random.nextInt(100);
            if (choice < 35) {
                appendLines(1 + random.nextInt(20));
            } else if (choice < 45) {
                partialWrite();
            } else if (choice < 55) {
                renameRotation();
            } else if (choice < 62) {
                copytruncate();
            } else if (choice < 67) {
                truncateCaughtUp();
            } else if (choice < 72) {
                deleteCaughtUp();
            } else if (choice < 80) {
                restart(yaml);
            } else if (choice < 86) {
                crash(yaml);
            } else {
                commit();
            }
            poll(Duration.ofMillis(random.nextInt(60)));
        }
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (committedValues.size() + uncommittedValues.size() < written.size() && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(50));
        }
        poll(Duration.ofMillis(300));
        commit();
        driver.close();
        driver.commitAll();

        assertThat(committedValues).as("lines a read_committed consumer gets")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(written);
        Map<Integer, Integer> lastOfFile = new HashMap<>();
        for (String value : committedValues) {
            int line = Integer.parseInt(value.substring(5, 11));
            Integer previous = lastOfFile.put(fileOf.get(line), line);
            assertThat(previous == null || previous < line).as("%s after line %d of the same file", value, previous)
                    .isTrue();
        }
    }

    private void appendLines(int count) throws IOException {
        steps.add("append " + count);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(nextLine()).append('\n');
        }
        append(live, lines.toString());
    }

    /** A line in two writes, a poll between them: the first half waits for its newline. */
    private void partialWrite() throws IOException {
        steps.add("partial");
        String line = nextLine();
        append(live, line.substring(0, line.length() / 2));
        poll(Duration.ofMillis(20));
        append(live, line.substring(line.length() / 2) + "\n");
    }

    private void renameRotation() throws IOException {
        steps.add("rename");
        rotations++;
        Files.move(live, live.resolveSibling("app.log." + rotations));
        file++;
        append(live, "");
    }

    /** logrotate copytruncate with the writer held still: copy, then truncate. */
    private void copytruncate() throws IOException {
        steps.add("copytruncate");
        rotations++;
        Files.copy(live, live.resolveSibling("app.log." + rotations));
        try (FileChannel channel = FileChannel.open(live, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        file++;
    }

    /** Truncating loses what was not read: only a file read to its end is truncated. */
    private void truncateCaughtUp() throws IOException {
        steps.add("truncate");
        catchUp();
        try (FileChannel channel = FileChannel.open(live, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        file++;
    }

    /** Deleting loses what was not read once the file is let go: only a file read to its end is deleted. */
    private void deleteCaughtUp() throws IOException {
        steps.add("delete");
        catchUp();
        Files.delete(live);
        file++;
        append(live, "");
    }

    private void restart(String yaml) {
        steps.add("restart");
        commit();
        driver.close();
        for (SourceRecord record : driver.drained()) {
            collect(record);
        }
        driver.commitAll();
        commit();
        positions = driver.committedPositions();
        driver = start(yaml);
    }

    /** A crash: what was polled since the last commit is aborted, the next task starts from the last commit. */
    private void crash(String yaml) {
        steps.add("crash");
        positions = driver.committedPositions();
        uncommittedValues.clear();
        driver.close();
        driver = start(yaml);
    }

    private void commit() {
        driver.commitAll();
        committedValues.addAll(uncommittedValues);
        uncommittedValues.clear();
        positions = driver.committedPositions();
    }

    private void catchUp() {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (committedValues.size() + uncommittedValues.size() < written.size() && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(20));
        }
        commit();
    }

    private void poll(Duration duration) {
        for (SourceRecord record : driver.pollFor(duration)) {
            collect(record);
        }
    }

    private void collect(SourceRecord record) {
        if (!record.isCheckpointOnly()) {
            uncommittedValues.add(new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    private String nextLine() {
        String line = "line %06d of the model".formatted(sequence++);
        written.add(line);
        fileOf.add(file);
        return line;
    }

    private TaskDriver start(String yaml) {
        TestSettings settings = TestSettings.parse(yaml);
        var task = new FileSourceType().create(settings.settings());
        assertThat(settings.errors()).isEmpty();
        return startTask(task, new LinkedHashMap<>(positions), PluginClock.SYSTEM);
    }
}
