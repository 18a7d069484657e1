package io.tributary.testkit;

import io.tributary.api.Checkpoint;
import io.tributary.api.Position;
import io.tributary.api.SourceRecord;
import io.tributary.api.SourceTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives a {@link SourceTask} as the agent does, for unit tests of a source: {@code start},
 * {@code poll} and {@code close} run on one dedicated task thread, {@code stop} and
 * {@code committed} on the caller's thread.
 *
 * <p>The test decides when a commit happens: {@link #commitAll()} plays a committed Kafka
 * transaction holding every record returned since the last commit. Exceptions the task throws reach
 * the caller unchanged when unchecked, wrapped in an {@link IllegalStateException} when checked.
 *
 * <pre>{@code
 * try (TaskDriver driver = TaskDriver.start(new MySourceTask(), context)) {
 *     assertThat(driver.pollUntil(3, Duration.ofSeconds(5))).hasSize(3);
 *     driver.commitAll();
 *     positions = driver.committedPositions();
 * }
 * // a new task resumes where the first one's commits left it
 * TaskDriver.start(new MySourceTask(), new RecordingSourceContext("src", dir, positions));
 * }</pre>
 */
public final class TaskDriver implements AutoCloseable {

    /** How long {@link #close()} lets the task hand over its remaining records after {@code stop()}. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /*
     * A poll should return within about a second, start and close soon; a call that has not returned
     * after these is stuck, and waiting on it forever would hang the test instead of failing it.
     */
    private static final Duration POLL_LIMIT = Duration.ofSeconds(10);
    private static final Duration START_OR_CLOSE_LIMIT = Duration.ofSeconds(30);

    private final SourceTask task;
    private final RecordingSourceContext context;
    private final ExecutorService taskThread;
    private final Map<String, Position> uncommittedPositions = new LinkedHashMap<>();
    private final Map<String, Position> committedPositions = new LinkedHashMap<>();
    private final List<SourceRecord> drained = new ArrayList<>();
    private boolean failed;
    private boolean closed;

    private TaskDriver(SourceTask task, RecordingSourceContext context) {
        this.task = task;
        this.context = context;
        this.committedPositions.putAll(context.committedPositions());
        this.taskThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tributary-task-" + context.sourceName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Calls {@code task.start(context)} on a new task thread and returns once it returned. When start
     * throws, the task is closed on its thread and the exception is rethrown.
     */
    public static TaskDriver start(SourceTask task, RecordingSourceContext context) {
        TaskDriver driver = new TaskDriver(task, context);
        try {
            driver.onTaskThread("start()", () -> {
                task.start(context);
                return null;
            }, START_OR_CLOSE_LIMIT);
        } catch (RuntimeException | Error e) {
            driver.closeAfterFailure(e);
            throw e;
        }
        return driver;
    }

    /**
     * Polls until at least {@code count} records came back in all, and returns all of them; nothing
     * is kept back for the next call.
     *
     * @throws IllegalStateException when fewer than {@code count} came back within {@code timeout},
     *                               saying how many did
     */
    public synchronized List<SourceRecord> pollUntil(int count, Duration timeout) {
        requireOpen();
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected at least " + count + " records from poll() within "
                        + timeout + " but " + records.size() + " came back");
            }
            records.addAll(pollOnce());
        }
        return records;
    }

    /** Polls repeatedly for {@code duration} and returns every record that came back meanwhile. */
    public synchronized List<SourceRecord> pollFor(Duration duration) {
        requireOpen();
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            records.addAll(pollOnce());
        }
        return records;
    }

    /**
     * Moves the context's {@link FakeClock} on by {@code duration}, between two polls: the next poll
     * sees the time after it, as if the task had been idle for that long.
     *
     * @throws IllegalStateException when the context was not created with a {@link FakeClock}
     */
    public synchronized void advance(Duration duration) {
        requireOpen();
        if (!(context.clock() instanceof FakeClock clock)) {
            throw new IllegalStateException("advance needs a FakeClock: create the RecordingSourceContext with one,"
                    + " it has " + context.clock());
        }
        clock.advance(duration);
    }

    /**
     * Plays a committed transaction: calls {@code task.committed} with, per stream, the newest
     * position among the records returned since the last commit, and adds them to
     * {@link #committedPositions()}. Does nothing when no record advanced a checkpoint. After
     * {@link #close()} it commits the {@link #drained()} records too, without calling the closed task.
     */
    public synchronized void commitAll() {
        if (uncommittedPositions.isEmpty()) {
            return;
        }
        Map<String, Position> positions = new LinkedHashMap<>();
        uncommittedPositions.forEach((stream, position) -> {
            if (position == null) {
                committedPositions.remove(stream);
            } else {
                committedPositions.put(stream, position);
                positions.put(stream, position);
            }
        });
        uncommittedPositions.clear();
        if (!closed && !positions.isEmpty()) {
            task.committed(Collections.unmodifiableMap(positions));
        }
    }

    /**
     * The positions committed so far, stream → position, starting from the context's: what a next
     * task starts from, as in {@code new RecordingSourceContext(name, dir, driver.committedPositions())}.
     */
    public synchronized Map<String, Position> committedPositions() {
        return Map.copyOf(committedPositions);
    }

    /** The records the task handed over between {@code stop()} and its empty poll, during {@link #close()}. */
    public synchronized List<SourceRecord> drained() {
        return List.copyOf(drained);
    }

    /**
     * Stops the task as the agent does on shutdown: {@code stop()} from this thread, then polls until
     * a poll returns nothing (those records are kept in {@link #drained()}), then {@code close()} on
     * the task thread. After a failed {@code start} or {@code poll}, only closes the task.
     *
     * @throws IllegalStateException when polls still return records {@link #DRAIN_TIMEOUT} after stop
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (failed) {
            closeTask();
            return;
        }
        try {
            task.stop();
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            List<SourceRecord> records;
            do {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("poll() still returned records " + DRAIN_TIMEOUT
                            + " after stop(); drained " + drained.size() + " so far");
                }
                records = pollOnce();
                drained.addAll(records);
            } while (!records.isEmpty());
        } catch (RuntimeException | Error e) {
            closeAfterFailure(e);
            throw e;
        }
        closeTask();
    }

    private List<SourceRecord> pollOnce() {
        List<SourceRecord> records = onTaskThread("poll()", task::poll, POLL_LIMIT);
        if (records == null) {
            failed = true;
            throw new IllegalStateException("poll() returned null; it must return an empty list when it has nothing");
        }
        for (SourceRecord record : records) {
            Checkpoint checkpoint = record.checkpoint();
            if (checkpoint != null) {
                uncommittedPositions.remove(checkpoint.stream());
                uncommittedPositions.put(checkpoint.stream(), checkpoint.position());
            }
        }
        return records;
    }

    private void closeAfterFailure(Throwable failure) {
        try {
            closeTask();
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    private void closeTask() {
        closed = true;
        try {
            onTaskThread("close()", () -> {
                task.close();
                return null;
            }, START_OR_CLOSE_LIMIT);
        } finally {
            taskThread.shutdown();
        }
    }

    /** Runs {@code call} on the task thread and waits for it, at most {@code limit}. */
    private <T> T onTaskThread(String method, Callable<T> call, Duration limit) {
        Future<T> future = taskThread.submit(call);
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            failed = true;
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(method + " threw " + cause, cause);
        } catch (TimeoutException e) {
            failed = true;
            throw new IllegalStateException(method + " did not return within " + limit
                    + "; it must return control to the agent regularly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + method, e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the task is closed");
        }
        if (failed) {
            throw new IllegalStateException("the task failed; close the driver and start a new task");
        }
    }
}
